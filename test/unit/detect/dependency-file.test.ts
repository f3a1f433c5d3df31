import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detect } from '../../../src/detect/index.js';
import { specContract } from '../../../src/detect/spec.js';
import { directoryReader, memoryReader } from '../../../src/project/reader.js';
import { userError } from '../helpers.js';

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const splitIris = join(fixtures, 'projects/split-iris');
const uvFixture = join(fixtures, 'detect/uv-lock-lightgbm');

/** A tree shaped like test/fixtures/projects/split-iris, in memory. */
const split = {
  'requirements-dev.txt': 'pytest\nruff\n',
  'train/requirements.txt': 'scikit-learn==1.6.1\npandas\n',
  'train/train.py': 'print("train")\n',
  'inference/requirements.txt': 'scikit-learn==1.6.1\njoblib>=1.3\n',
  'inference/predict.py': 'print("predict")\n',
  'model/model.joblib': 'binary',
};

/** detect on `tree` with input 'dependency-file' set to `file`. */
const detectWith = (tree: Record<string, string>, file: string) =>
  detect(memoryReader(tree), { dependencyFile: file });

/** A checkout on disk, for what only a real folder has: links and ignore files. */
function checkout(tree: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'ml-container-depfile-'));
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("input 'dependency-file' on the split-iris project", () => {
  it('without it, refuses the folder and shows both ways out', () => {
    const error = userError(() => detect(directoryReader(splitIris)));
    expect(error.phase).toBe('detect');
    expect(error.message).toBe(
      'no Python project at the top of this folder (no cog.yaml, pylock.toml, requirements.txt, pyproject.toml, Pipfile, environment.yml, environment.yaml, setup.cfg, setup.py); ' +
        "found inference/requirements.txt, train/requirements.txt — set 'context: inference' to build that folder alone, " +
        "or 'dependency-file: inference/requirements.txt' to keep the whole folder as the build context",
    );
  });

  it('with it, builds from inference/requirements.txt, keeping the model and the entry point in the folder', () => {
    const spec = detect(directoryReader(splitIris), { dependencyFile: 'inference/requirements.txt' });
    expect(specContract(spec)).toEqual({
      python: { version: '3.11', source: expect.stringMatching(/^default/) },
      dependencies: { format: 'requirements', files: ['inference/requirements.txt'], lockfile: null },
      frameworks: [
        { name: 'scikit-learn', spec: '==1.6.1', locked: '1.6.1', source: 'inference/requirements.txt:1' },
      ],
      accelerator: 'cpu',
      cuda: null,
      models: ['model/model.joblib'],
      entrypoint: 'inference/predict.py',
      server: null,
      projects: ['inference', 'train'],
      warnings: [],
    });
    expect(spec.entrypoint?.source).toBe('inference/predict.py (conventional entry point name)');
    expect(spec.dependencies.requirements.map((requirement) => requirement.source)).toEqual([
      { file: 'inference/requirements.txt', line: 1 },
      { file: 'inference/requirements.txt', line: 2 },
    ]);
  });

  it('takes a file at the top under any requirements name', () => {
    const spec = detectWith(split, 'requirements-dev.txt');
    expect(spec.dependencies.files).toEqual(['requirements-dev.txt']);
    expect(spec.dependencies.requirements.map((requirement) => requirement.name)).toEqual(['pytest', 'ruff']);
  });

  it('normalises the path it is given', () => {
    for (const written of [
      './inference/requirements.txt',
      'inference//requirements.txt',
      'inference\\requirements.txt',
      'train/../inference/requirements.txt',
      ' inference/requirements.txt ',
    ]) {
      expect(detectWith(split, written).dependencies.files, written).toEqual(['inference/requirements.txt']);
    }
  });
});

describe("input 'dependency-file': the path", () => {
  it.each([
    ['/etc/requirements.txt', 'is an absolute path'],
    ['C:\\repo\\requirements.txt', 'is an absolute path'],
    ['\\\\server\\share\\requirements.txt', 'is an absolute path'],
    ['../requirements.txt', "leaves 'context'"],
    ['inference/../../requirements.txt', "leaves 'context'"],
    ['..', "leaves 'context'"],
    ['.', 'names no file'],
  ])('refuses %s', (written, why) => {
    const error = userError(() => detectWith(split, written));
    expect(error.phase).toBe('detect');
    expect(error.message).toContain("input 'dependency-file'");
    expect(error.message).toContain(`'${written}'`);
    expect(error.message).toContain(why);
  });

  it('refuses a file that does not exist, naming it', () => {
    expect(userError(() => detectWith(split, 'inference/requirement.txt')).message).toBe(
      "input 'dependency-file': inference/requirement.txt does not exist in 'context'",
    );
  });

  it('refuses a folder', () => {
    expect(userError(() => detectWith(split, 'inference/')).message).toBe(
      "input 'dependency-file': 'inference/' (inference) is a folder; name the dependency file in it",
    );
    const root = checkout({ 'inference/requirements.txt': 'numpy\n', 'empty/.keep': '' });
    expect(userError(() => detect(directoryReader(root), { dependencyFile: 'inference' })).message).toContain(
      'inference is a folder',
    );
  });

  it('refuses a link the reader does not follow, and takes one it does', () => {
    const outside = checkout({ 'requirements.txt': 'numpy\n', 'lib/requirements.txt': 'numpy\n' });
    const root = checkout({ 'inference/predict.py': 'print(1)\n', 'shared/requirements.txt': 'numpy\n' });
    symlinkSync(join(outside, 'requirements.txt'), join(root, 'inference/requirements.txt'));
    symlinkSync(join(outside, 'lib'), join(root, 'lib'));
    symlinkSync('../shared/requirements.txt', join(root, 'inference/inside.txt'));
    const reader = directoryReader(root);
    for (const file of ['inference/requirements.txt', 'lib/requirements.txt']) {
      const error = userError(() => detect(reader, { dependencyFile: file }));
      expect(error.message).toBe(
        `input 'dependency-file': ${file} goes through a symbolic link detect does not follow (it follows links only to files inside 'context')`,
      );
    }
    // A link to a file inside the project is a file of it, as the reader lists it.
    const spec = detect(reader, { dependencyFile: 'inference/inside.txt' });
    expect(spec.dependencies.files).toEqual(['inference/inside.txt']);
    expect(spec.dependencies.requirements[0]?.source).toEqual({ file: 'inference/inside.txt', line: 1 });
  });

  it('refuses a file the project ignores', () => {
    const root = checkout({
      '.gitignore': 'secret-requirements.txt\n',
      'secret-requirements.txt': 'numpy\n',
      'data/requirements.txt': 'numpy\n',
    });
    for (const file of ['secret-requirements.txt', 'data/requirements.txt']) {
      expect(userError(() => detect(directoryReader(root), { dependencyFile: file })).message).toContain(
        `${file} is excluded from the project`,
      );
    }
  });

  it.each([
    ['inference/predict.py', 'is no dependency file detect reads'],
    ['model/model.joblib', 'is no dependency file detect reads'],
  ])('refuses %s, of a kind detect does not read', (file, why) => {
    expect(userError(() => detectWith(split, file)).message).toContain(`${file} ${why}`);
  });

  it('refuses a lockfile, naming the manifest beside it to give instead', () => {
    const tree = {
      'svc/pyproject.toml': '[project]\ndependencies = ["numpy"]\n',
      'svc/uv.lock': 'version = 1\n',
    };
    expect(userError(() => detectWith(tree, 'svc/uv.lock')).message).toBe(
      "input 'dependency-file': svc/uv.lock is a lockfile; name its manifest (svc/pyproject.toml): the lock beside it is used",
    );
  });
});

describe("input 'dependency-file': what is read", () => {
  it('keeps every source relative to the context, errors included', () => {
    const error = userError(() =>
      detectWith({ 'inference/requirements.txt': 'numpy\nscikit-learn>>1\n' }, 'inference/requirements.txt'),
    );
    expect(error.located).toMatch(/^inference\/requirements\.txt:2:\d+: /);
  });

  it('resolves includes relative to the file, as pip does, but never outside the project', () => {
    const spec = detectWith(
      {
        'common.txt': 'joblib>=1.3\n',
        'inference/requirements.txt': '-r ../common.txt\n-c constraints.txt\nscikit-learn==1.6.1\n',
        'inference/constraints.txt': 'numpy<3\n',
      },
      'inference/requirements.txt',
    );
    expect(spec.dependencies.files).toEqual([
      'inference/requirements.txt',
      'common.txt',
      'inference/constraints.txt',
    ]);
    expect(spec.dependencies.requirements.map((requirement) => requirement.source)).toEqual([
      { file: 'common.txt', line: 1 },
      { file: 'inference/requirements.txt', line: 3 },
    ]);
    const error = userError(() =>
      detectWith({ 'inference/requirements.txt': '-r ../../outside.txt\n' }, 'inference/requirements.txt'),
    );
    expect(error.located).toBe("inference/requirements.txt:1: '../../outside.txt' is outside the repository");
  });

  it('takes a fully hashed requirements file in a folder as its own lock', () => {
    const hash = `sha256:${'a'.repeat(64)}`;
    const spec = detectWith(
      { 'inference/requirements.txt': `scikit-learn==1.6.1 --hash=${hash}\n` },
      'inference/requirements.txt',
    );
    expect(spec.dependencies.lockfile).toBe('inference/requirements.txt');
    expect(spec.frameworks[0]).toMatchObject({ name: 'scikit-learn', locked: '1.6.1' });
  });

  it('uses the uv.lock beside a pyproject.toml in a folder, as it would at the top', () => {
    const tree = {
      'svc/pyproject.toml': readFileSync(join(uvFixture, 'pyproject.toml'), 'utf8'),
      'svc/uv.lock': readFileSync(join(uvFixture, 'uv.lock'), 'utf8'),
      'uv.lock': 'not read: it is beside no manifest named\n',
    };
    const contract = specContract(detectWith(tree, 'svc/pyproject.toml'));
    expect(contract.dependencies).toEqual({
      format: 'uv',
      files: ['svc/pyproject.toml'],
      lockfile: 'svc/uv.lock',
    });
    expect(contract.python).toEqual({ version: '3.12', source: 'svc/uv.lock:2' });
    expect(contract.frameworks).toEqual([
      { name: 'scikit-learn', spec: '>=1.5.2', locked: '1.5.2', source: 'svc/pyproject.toml:9' },
      { name: 'lightgbm', spec: '>=4.5.0', locked: '4.5.0', source: 'svc/pyproject.toml:10' },
    ]);
    expect(contract.entrypoint).toBe('sk_server.main:run');
  });

  it('uses the Pipfile.lock beside a Pipfile, and reads a pyproject.toml without a lock by its tables', () => {
    const pipfile = detectWith(
      {
        'api/Pipfile': '[packages]\nnumpy = "*"\n',
        'api/Pipfile.lock': readFileSync(
          join(fixtures, 'detect/pipfile-lock-transformers/Pipfile.lock'),
          'utf8',
        ),
      },
      'api/Pipfile',
    );
    expect(pipfile.dependencies).toMatchObject({
      format: 'pipfile',
      files: ['api/Pipfile'],
      lockfile: 'api/Pipfile.lock',
    });
    const pep621 = detectWith(
      { 'api/pyproject.toml': '[project]\nname = "api"\ndependencies = ["torch>=2.1"]\n' },
      'api/pyproject.toml',
    );
    expect(pep621.dependencies).toMatchObject({
      format: 'pep621',
      files: ['api/pyproject.toml'],
      lockfile: null,
    });
    expect(pep621.frameworks[0]?.source).toBe('api/pyproject.toml:3');
    const error = userError(() =>
      detectWith({ 'api/pyproject.toml': '[project]\nname = "api"\n' }, 'api/pyproject.toml'),
    );
    expect(error.located).toMatch(
      /^api\/pyproject\.toml: input 'dependency-file': api\/pyproject\.toml lists no dependencies/,
    );
  });

  it('reads a conda environment file of any name, and cog.yaml with its predictor beside it', () => {
    const conda = detectWith(
      { 'env/conda.yaml': 'dependencies:\n  - python=3.10\n  - scikit-learn=1.5\n' },
      'env/conda.yaml',
    );
    expect(conda.dependencies).toMatchObject({ format: 'conda', files: ['env/conda.yaml'] });
    expect(conda.python).toEqual({ version: '3.10', source: 'env/conda.yaml:2' });
    const cog = detectWith(
      {
        'serve/cog.yaml':
          'build:\n  python_version: "3.12"\n  python_requirements: requirements.txt\npredict: "predict.py:Predictor"\n',
        'serve/requirements.txt': 'torch==2.3.1\n',
        'serve/predict.py': 'class Predictor: ...\n',
      },
      'serve/cog.yaml',
    );
    expect(cog.dependencies).toMatchObject({
      format: 'cog',
      files: ['serve/cog.yaml', 'serve/requirements.txt'],
    });
    expect(cog.entrypoint?.path).toBe('serve/predict.py');
  });

  it("reads the pin files of the dependency file's folder first, then the top's", () => {
    const python = (tree: Record<string, string>) =>
      detectWith({ ...split, ...tree }, 'inference/requirements.txt').python;
    expect(python({ 'inference/.python-version': '3.10\n', '.python-version': '3.12\n' })).toEqual({
      version: '3.10',
      source: 'inference/.python-version:1',
    });
    expect(python({ 'inference/runtime.txt': 'python-3.10.4\n', '.python-version': '3.12\n' })).toEqual({
      version: '3.10',
      source: 'inference/runtime.txt:1',
    });
    expect(python({ '.python-version': '3.12\n', 'train/.python-version': '3.9\n' })).toEqual({
      version: '3.12',
      source: '.python-version:1',
    });
  });

  it("looks for the entry point at the top first, then in the dependency file's folder", () => {
    const entrypoint = (tree: Record<string, string>) =>
      detectWith(tree, 'inference/requirements.txt').entrypoint?.path ?? null;
    expect(entrypoint(split)).toBe('inference/predict.py');
    expect(entrypoint({ ...split, 'app.py': 'print(1)\n' })).toBe('app.py');
    expect(
      entrypoint({
        'inference/requirements.txt': 'numpy\n',
        'inference/serve.py': '',
        'train/predict.py': '',
      }),
    ).toBe('inference/serve.py');
  });

  it('lists no other manifest of the folder as unused: the user chose', () => {
    const spec = detectWith(
      {
        'inference/requirements.txt': 'numpy\n',
        'inference/setup.py': 'from setuptools import setup\nsetup()\n',
      },
      'inference/requirements.txt',
    );
    expect(spec.warnings).toEqual([]);
  });
});

describe('no manifest at the top', () => {
  it('names, per project folder, the manifest detect would choose there, and prefers a folder that serves', () => {
    const error = userError(() =>
      detect(
        memoryReader({
          'a-train/requirements.txt': 'numpy\n',
          'b-serve/pyproject.toml': '[project]\ndependencies = ["numpy"]\n',
          'b-serve/uv.lock': '',
          'b-serve/requirements.txt': 'numpy\n',
          'b-serve/serve.py': '',
        }),
      ),
    );
    expect(error.message).toContain(
      "found a-train/requirements.txt, b-serve/pyproject.toml — set 'context: b-serve' to build that folder alone, or 'dependency-file: b-serve/pyproject.toml'",
    );
  });

  it('keeps requirements-dev.txt no manifest, but points at it when nothing else is there', () => {
    const error = userError(() =>
      detect(memoryReader({ 'requirements-dev.txt': 'pytest\n', 'tests/test_x.py': '' })),
    );
    expect(error.message).toBe(
      'no Python project found: none of cog.yaml, pylock.toml, requirements.txt, pyproject.toml, Pipfile, environment.yml, environment.yaml, setup.cfg, setup.py exists; ' +
        "requirements files under other names: requirements-dev.txt — name one with 'dependency-file'",
    );
  });

  it('lists at most ten manifests', () => {
    const tree = Object.fromEntries(
      Array.from({ length: 12 }, (_, index) => [
        `p${String(index).padStart(2, '0')}/requirements.txt`,
        'numpy\n',
      ]),
    );
    expect(userError(() => detect(memoryReader(tree))).message).toContain(
      'p09/requirements.txt and 2 more —',
    );
  });
});
