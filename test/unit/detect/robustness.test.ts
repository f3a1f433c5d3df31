import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEXT_CAP } from '../../../src/adapters/project-file.js';
import { detect } from '../../../src/detect/index.js';
import { readCog } from '../../../src/detect/manifests/cog.js';
import { parseCondaSpec, readConda } from '../../../src/detect/manifests/conda.js';
import { readSetupPy } from '../../../src/detect/manifests/setuptools.js';
import { readToml, readYaml } from '../../../src/project/parse.js';
import { directoryReader, memoryReader } from '../../../src/project/reader.js';
import { findLine } from '../../../src/python/find-line.js';
import { parseJson } from '../../../src/python/lockfiles/json.js';
import { readPipfileLock } from '../../../src/python/lockfiles/pipfile-lock.js';
import { parseRequirementsFile } from '../../../src/python/requirements.js';
import { userError } from '../helpers.js';

/**
 * Each case here once failed on hostile input (issue #13): an internal error, a stack overflow, or
 * minutes of work. The time bounds are an order of magnitude above what the fixed code needs on a
 * 2-core machine, and an order below what the quadratic code took.
 */
function quickly<T>(action: () => T, seconds = 3): T {
  const start = performance.now();
  const result = action();
  expect((performance.now() - start) / 1000).toBeLessThan(seconds);
  return result;
}

const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

describe('detection: names that are keys of Object.prototype', () => {
  it.each([
    ['constructor', ['constructor', 'numpy']],
    ['toString', ['tostring', 'numpy']],
    ['hasOwnProperty', ['hasownproperty', 'numpy']],
    ['valueOf', ['valueof', 'numpy']],
    // A leading '_' marks conda's own packages (`_libgcc_mutex`), which have no PyPI counterpart.
    ['__proto__', ['numpy']],
  ])('reads the conda package %s as a package like any other', (name, expected) => {
    const manifest = readConda(
      memoryReader({ 'environment.yml': `dependencies: [${name}, numpy]\n` }),
      'environment.yml',
    );
    expect(manifest.requirements.map((requirement) => requirement.name)).toEqual(expected);
  });

  it('takes the conda name constructor as itself, not as a mapped name', () => {
    const spec = detect(memoryReader({ 'environment.yml': 'dependencies: [constructor]\n' }));
    expect(spec.dependencies.requirements.map((requirement) => requirement.name)).toEqual(['constructor']);
  });

  it.each(PROTOTYPE_NAMES)(
    'says a dependency-file named %s is no dependency file, not a lockfile',
    (name) => {
      const error = userError(() =>
        detect(memoryReader({ [name]: 'x\n', 'requirements.txt': '' }), { dependencyFile: name }),
      );
      expect(error.message).toContain('is no dependency file detect reads');
    },
  );
});

/** A chain of `count` requirements files, each including the next; the last requires numpy. */
function chain(count: number, last = 'numpy\n'): Record<string, string> {
  const tree: Record<string, string> = { 'requirements.txt': '-r d0.txt\n' };
  for (let index = 0; index < count; index++) tree[`d${index}.txt`] = `-r d${index + 1}.txt\n`;
  tree[`d${count}.txt`] = last;
  return tree;
}

/** `levels` files, each including the next twice: pip would read the last one 2^levels times. */
function fanOut(levels: number, option = '-r'): Record<string, string> {
  const tree: Record<string, string> = { 'requirements.txt': `${option} f0.txt\n` };
  for (let index = 0; index < levels; index++) {
    tree[`f${index}.txt`] = `${option} f${index + 1}.txt\n${option} f${index + 1}.txt\n`;
  }
  tree[`f${levels}.txt`] = 'numpy==1.26.4\n--extra-index-url https://example.org/simple\n';
  return tree;
}

describe('requirements includes: depth and fan-out', () => {
  it('follows a chain of 3000 includes without running out of stack', () => {
    const file = parseRequirementsFile(memoryReader(chain(3001)), 'requirements.txt');
    expect(file.requirements.map((requirement) => [requirement.name, requirement.source.file])).toEqual([
      ['numpy', 'd3001.txt'],
    ]);
    expect(file.files).toHaveLength(3003);
  });

  it('still names a cycle at the end of a deep chain, with the chain', () => {
    const error = userError(() =>
      parseRequirementsFile(memoryReader(chain(3000, '-r d2000.txt\n')), 'requirements.txt'),
    );
    expect(error.message).toMatch(
      /^include cycle: requirements\.txt -> d0\.txt -> .* -> d3000\.txt -> d2000\.txt$/,
    );
    expect(error.source).toEqual({ file: 'd3000.txt', line: 1 });
  });

  it('reads each file of a 22-level fan-out once, as requirements and as constraints', () => {
    const file = quickly(() => parseRequirementsFile(memoryReader(fanOut(22)), 'requirements.txt'));
    expect(file.requirements.map((requirement) => requirement.source)).toEqual([
      { file: 'f22.txt', line: 1 },
    ]);
    expect(file.extraIndexUrls).toHaveLength(1);
    expect(file.files).toHaveLength(24);
    const constraints = quickly(() =>
      parseRequirementsFile(memoryReader(fanOut(22, '-c')), 'requirements.txt'),
    );
    expect(constraints.requirements).toEqual([]);
    expect(constraints.constraints.map((requirement) => requirement.source)).toEqual([
      { file: 'f22.txt', line: 1 },
    ]);
  });

  it('reads a file both included and constraining once as each', () => {
    const file = parseRequirementsFile(
      memoryReader({ 'requirements.txt': '-r a.txt\n-c a.txt\n-r a.txt\n-c a.txt\n', 'a.txt': 'numpy\n' }),
      'requirements.txt',
    );
    expect(file.requirements.map((requirement) => requirement.name)).toEqual(['numpy']);
    expect(file.constraints.map((requirement) => requirement.name)).toEqual(['numpy']);
    expect(file.files).toEqual(['requirements.txt', 'a.txt']);
  });

  it("keeps pip's last --index-url when a file that sets it is included again", () => {
    // pip reads a.txt twice: its index comes last, after the top file's own.
    const file = parseRequirementsFile(
      memoryReader({
        'requirements.txt': '-r a.txt\n--index-url https://two.example/simple\n-r a.txt\nnumpy\n',
        'a.txt': '-r b.txt\n',
        'b.txt': '--index-url https://one.example/simple\n',
      }),
      'requirements.txt',
    );
    expect(file.indexUrl).toEqual({ url: 'https://one.example/simple', source: { file: 'b.txt', line: 1 } });
  });

  it("keeps requirements in pip's order across includes read once", () => {
    const file = parseRequirementsFile(
      memoryReader({
        'requirements.txt': 'a\n-r x.txt\nb\n-r y.txt\nc\n-r x.txt\nd\n',
        'x.txt': 'x1\n-r y.txt\nx2\n',
        'y.txt': 'y1\n',
      }),
      'requirements.txt',
    );
    expect(file.requirements.map((requirement) => requirement.name)).toEqual([
      'a',
      'x1',
      'y1',
      'x2',
      'b',
      'c',
      'd',
    ]);
    expect(file.files).toEqual(['requirements.txt', 'x.txt', 'y.txt']);
  });
});

/** A list of `count` packages, one a line. */
const packages = (count: number, quote = '"', indent = '  ', suffix = ','): string =>
  Array.from({ length: count }, (_, index) => `${indent}${quote}pkg${index}${quote}${suffix}\n`).join('');

describe('detection: long manifests take linear time', () => {
  const COUNT = 20_000;

  it('finds the lines of 20,000 pyproject.toml dependencies', () => {
    const text = `[project]\nname = "x"\nversion = "1"\ndependencies = [\n${packages(COUNT)}]\n`;
    const spec = quickly(() => detect(memoryReader({ 'pyproject.toml': text })), 10);
    expect(spec.dependencies.requirements).toHaveLength(COUNT);
    expect(spec.dependencies.requirements.at(-1)?.source).toEqual({
      file: 'pyproject.toml',
      line: COUNT + 4,
    });
  });

  it('findLine searches from a line without splitting the text again', () => {
    const text = packages(COUNT);
    const lines = quickly(() =>
      Array.from({ length: COUNT }, (_, index) => findLine(text, `"pkg${index}"`, index + 1)),
    );
    expect(lines.at(-1)).toBe(COUNT);
    expect(findLine('a\r\nb\nc', 'c')).toBe(3);
    expect(findLine('a\nb', /b/, 3)).toBeUndefined();
  });

  it('reads 20,000 conda pip items and cog python_packages', () => {
    const conda = `dependencies:\n  - pip\n  - pip:\n${packages(COUNT, '', '    - ', '')}`;
    const manifest = quickly(() => readConda(memoryReader({ 'environment.yml': conda }), 'environment.yml'));
    expect(manifest.requirements.at(-1)?.source).toEqual({ file: 'environment.yml', line: COUNT + 3 });
    const cog = `build:\n  python_packages:\n${packages(COUNT, '', '    - ', '')}`;
    const read = quickly(() => readCog(memoryReader({ 'cog.yaml': cog }), 'cog.yaml'));
    expect(read.requirements).toHaveLength(COUNT);
  });

  it('cites 10,000 conda dependencies after 30,000 other keys', () => {
    const keys = Array.from({ length: 30_000 }, (_, index) => `k${index}: 1\n`).join('');
    const text = `${keys}dependencies:\n${packages(10_000, '', '  - ', '')}`;
    const yaml = readYaml(memoryReader({ 'environment.yml': text }), 'environment.yml');
    const lines = quickly(
      () => Array.from({ length: 10_000 }, (_, index) => yaml.lineOf(['dependencies', index])),
      1,
    );
    expect(lines.at(-1)).toBe(30_000 + 10_000 + 1);
  });

  it("reads setup.py's install_requires of 20,000 items", () => {
    const text = `setup(\n  install_requires=[\n${packages(COUNT)}  ],\n)\n`;
    const manifest = quickly(() => readSetupPy(memoryReader({ 'setup.py': text }), 'setup.py'));
    expect(manifest.requirements.at(-1)?.source).toEqual({ file: 'setup.py', line: COUNT + 2 });
  });
});

describe('detection: hostile nesting is an error naming the file', () => {
  const DEPTH = 100_000;
  const nested = (open: string, close: string, inner = ''): string =>
    `${open.repeat(DEPTH)}${inner}${close.repeat(DEPTH)}`;

  it.each([
    ['an array', nested('[', ']')],
    ['an inline table', nested('{ b = ', ' }', '1')],
  ])('refuses TOML nesting %s 100,000 deep', (_what, value) => {
    const text = `[tool.x]\na = ${value}\n`;
    const error = userError(() =>
      quickly(() => readToml(memoryReader({ 'pyproject.toml': text }), 'pyproject.toml')),
    );
    expect(error.message).toMatch(/nested too deeply/);
    expect(error.source).toMatchObject({ file: 'pyproject.toml', line: 2 });
  });

  it.each([
    ['flow sequences', `dependencies:\n  - ${nested('[', ']')}\n`],
    ['flow mappings', `dependencies:\n  - ${nested('{a: ', '}', '1')}\n`],
    ['block sequences on one line', `dependencies:\n${'- '.repeat(DEPTH)}x\n`],
  ])('refuses YAML nesting %s 100,000 deep', (_what, text) => {
    const error = userError(() =>
      quickly(() => readConda(memoryReader({ 'environment.yml': text }), 'environment.yml'), 10),
    );
    expect(error.message).toMatch(/nested too deeply/);
    expect(error.source?.file).toBe('environment.yml');
  });

  it('refuses cog.yaml nesting 100,000 deep', () => {
    const text = `build:\n  python_packages: ${nested('[', ']')}\n`;
    const error = userError(() => quickly(() => readCog(memoryReader({ 'cog.yaml': text }), 'cog.yaml'), 10));
    expect(error.message).toMatch(/nested too deeply/);
    expect(error.source?.file).toBe('cog.yaml');
  });

  it.each([
    ['objects', `{"default": {"a": ${nested('{"a": ', '}', '1')}}}`],
    ['arrays', `{"default": {"a": ${nested('[', ']')}}}`],
  ])('refuses Pipfile.lock %s nested 100,000 deep, at the line and column', (_what, text) => {
    const error = userError(() =>
      quickly(() => readPipfileLock(memoryReader({ 'Pipfile.lock': text }), 'Pipfile.lock')),
    );
    expect(error.message).toMatch(/nested too deeply/);
    expect(error.source).toMatchObject({ file: 'Pipfile.lock', line: 1 });
  });

  it('still cites the line of a key under a deep but allowed nesting', () => {
    const json = parseJson('{\n"a": [0, {\n"b": {"c": 1}}],\n"d": 2}', 'x.json');
    expect(json.lineOf(['a', 1, 'b', 'c'])).toBe(3);
    expect(json.lineOf(['a', 1, 'b'])).toBe(3);
    expect(json.lineOf(['d'])).toBe(4);
    expect(json.lineOf(['a', 0, 'b'])).toBeUndefined();
    expect(json.lineOf(['x'])).toBeUndefined();
  });

  it('cites the last of duplicate JSON keys, as JSON.parse keeps the last value', () => {
    const json = parseJson('{"a": {"b": 1},\n"a": {"c": 2}}', 'x.json');
    expect(json.lineOf(['a'])).toBe(2);
    expect(json.lineOf(['a', 'b'])).toBeUndefined();
    expect(json.lineOf(['a', 'c'])).toBe(2);
  });
});

describe('detection: patterns over long runs of one character stay linear', () => {
  const RUN = 100_000;

  it.each([
    ['spaces', `numpy${' '.repeat(RUN)}x`],
    ["unclosed '['", `numpy${'['.repeat(RUN)}`],
    ['a long word in brackets', `numpy[${'a'.repeat(RUN)}]`],
    ['spaces around operators', `numpy ${' '.repeat(RUN)}>= ${' '.repeat(RUN)}1.0`],
  ])('parses a conda spec with %s', (_what, text) => {
    quickly(() => parseCondaSpec(text), 2);
  });

  it('equals the old operator spacing rule on what it keeps', () => {
    expect(parseCondaSpec('numpy  >=  1.8 ,  < 2')).toMatchObject({ name: 'numpy', specifier: '>=1.8,<2' });
    expect(parseCondaSpec('python = = 3.11')).toMatchObject({ specifier: '==3.11' });
    expect(parseCondaSpec("numpy[version='>=1.8', build=py_0]")).toMatchObject({
      specifier: '>=1.8',
      build: 'py_0',
    });
    expect(parseCondaSpec('numpy [ build = py_0 ]')).toMatchObject({ build: 'py_0' });
  });

  it('reads a conda pip item with a long run of spaces', () => {
    const text = `dependencies:\n  - pip:\n    - "numpy${' '.repeat(RUN)}x"\n`;
    const error = userError(() =>
      quickly(() => readConda(memoryReader({ 'environment.yml': text }), 'environment.yml'), 2),
    );
    expect(error.source?.file).toBe('environment.yml');
  });

  it("reads cog's python_version from a long line", () => {
    const text = `build:\n  python_version:\n${' '.repeat(RUN)}!!float 3.10\n`;
    const manifest = quickly(() => readCog(memoryReader({ 'cog.yaml': text }), 'cog.yaml'), 2);
    expect(manifest.python[0]?.text).toBe('3.1');
  });

  it('reads requirements lines with long runs of spaces, # and backslashes', () => {
    const tree = {
      'requirements.txt': `numpy${' '.repeat(RUN)}\n${'#'.repeat(RUN)}\n# ${'\\'.repeat(RUN)}\nscipy ${' '.repeat(RUN)}--hash=${' '.repeat(RUN)}\n`,
    };
    const error = userError(() =>
      quickly(() => parseRequirementsFile(memoryReader(tree), 'requirements.txt'), 2),
    );
    expect(error.source).toMatchObject({ file: 'requirements.txt', line: 4 });
  });
});

describe.skipIf(process.platform === 'win32')('directoryReader: size caps', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ml-container-robust-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });
  const sparse = (path: string, size: number): void => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), '');
    truncateSync(join(root, path), size);
  };

  it('refuses a manifest over 16 MiB, naming it', () => {
    sparse('requirements.txt', TEXT_CAP + 1);
    const error = userError(() => detect(directoryReader(root)));
    expect(error.located).toBe(
      'requirements.txt: requirements.txt is larger than 16 MiB, the most read of one file of the project',
    );
  });

  it('passes over a data file over 16 MiB that might have been a text model', () => {
    writeFileSync(join(root, 'requirements.txt'), 'numpy\n');
    sparse('notes/big.txt', TEXT_CAP + 1);
    sparse('notes/big.json', TEXT_CAP + 1);
    expect(detect(directoryReader(root)).models).toEqual([]);
  });

  it('still tells an xgboost JSON model over 16 MiB by its start', () => {
    writeFileSync(join(root, 'requirements.txt'), 'xgboost\n');
    writeFileSync(join(root, 'model.json'), `{"learner": {}, "pad": "${' '.repeat(64)}"}`);
    truncateSync(join(root, 'model.json'), TEXT_CAP + 1);
    expect(detect(directoryReader(root)).models.map((model) => [model.path, model.format])).toEqual([
      ['model.json', 'xgboost'],
    ]);
  });
});
