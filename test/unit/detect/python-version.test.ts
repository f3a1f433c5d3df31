// `.python-version` read as pyenv reads it (libexec/pyenv-version-file-read: the first word of each
// line, blank lines and words starting '#' skipped, the first version the one used), with the CPython
// request forms uv documents for the same file; `runtime.txt` as Heroku's buildpack reads it.
import { describe, expect, it } from 'vitest';
import { choosePython, pinFileHints } from '../../../src/detect/python-version.js';
import type { Warning } from '../../../src/detect/spec.js';
import { memoryReader } from '../../../src/project/reader.js';
import { userError } from '../helpers.js';

function chosen(tree: Record<string, string>, folders?: string[]) {
  const warnings: Warning[] = [];
  const python = choosePython(pinFileHints(memoryReader(tree), folders, warnings));
  return { ...python, warnings };
}

function refused(tree: Record<string, string>) {
  return userError(() => pinFileHints(memoryReader(tree)));
}

describe('.python-version in pyenv syntax', () => {
  it.each<[string, string, string]>([
    ['3.11', '3.11', '.python-version:1'],
    ['3.11.4\n', '3.11', '.python-version:1'],
    ['3.9.18\n', '3.9', '.python-version:1'],
    ['3.12.0rc1\n', '3.12', '.python-version:1'],
    ['3.14.0a2\n', '3.14', '.python-version:1'],
    ['3.13-dev\n', '3.13', '.python-version:1'],
    ['# pinned by pyenv local\n\n  3.10.14  \n', '3.10', '.python-version:3'],
    ['  # 3.8 was the old one\n3.10\n', '3.10', '.python-version:2'],
    ['3.12.1 the word after the version is not read\n', '3.12', '.python-version:1'],
    ['3.12\n3.11\n', '3.12', '.python-version:1'],
    ['\r\n3.13.1\r\n', '3.13', '.python-version:2'],
    ['\t3.11.9\n', '3.11', '.python-version:1'],
  ])('%j is Python %s', (text, version, source) => {
    expect(chosen({ '.python-version': text })).toEqual({ version, source, warnings: [] });
  });

  it.each<[string, string]>([
    ['cpython@3.12', '3.12'],
    ['cpython@3.12.3', '3.12'],
    ['cpython-3.11', '3.11'],
    ['cpython-3.12.3-linux-x86_64-gnu', '3.12'],
    ['cpython3.12', '3.12'],
    ['cp3.10', '3.10'],
    ['cp312', '3.12'],
    ['cp39', '3.9'],
  ])('the uv CPython request %j is Python %s', (text, version) => {
    expect(chosen({ '.python-version': `${text}\n` })).toMatchObject({ version, warnings: [] });
  });

  it.each([
    '3.13t',
    '3.13.1t',
    '3.14t-dev',
    '3.13+freethreaded',
    'cpython-3.13.0+freethreaded-linux-x86_64-gnu',
  ])('a free-threaded build (%s) is its minor, with a warning that the image has the GIL build', (text) => {
    const python = chosen({ '.python-version': `${text}\n` });
    expect(python).toMatchObject({
      version: expect.stringMatching(/^3\.1[34]$/),
      source: '.python-version:1',
    });
    expect(python.warnings).toEqual([
      { message: expect.stringMatching(/free-threaded.*GIL/), source: '.python-version:1' },
    ]);
  });

  it("treats 'system' as no pin, with a warning naming the line", () => {
    const python = chosen({ '.python-version': '# use the machine Python\nsystem\n' });
    expect(python.version).toBe('3.11');
    expect(python.source).toMatch(/^default/);
    expect(python.warnings).toEqual([
      { message: expect.stringMatching(/'system'.*names no version/), source: '.python-version:2' },
    ]);
  });

  it("goes on to runtime.txt after 'system'", () => {
    expect(chosen({ '.python-version': 'system\n', 'runtime.txt': 'python-3.10.4' })).toMatchObject({
      version: '3.10',
      source: 'runtime.txt:1',
    });
  });

  it.each([[''], ['\n\n'], ['# only a comment\n']])('%j pins nothing (pyenv reads no version)', (text) => {
    expect(chosen({ '.python-version': text })).toMatchObject({ version: '3.11', warnings: [] });
    expect(chosen({ '.python-version': text }).source).toMatch(/^default/);
  });

  it.each<[string, RegExp, number, number]>([
    ['three point eleven\n', /'three point eleven' is not a Python version.*3\.11/, 1, 1],
    ['# pin\n\n  three point eleven\n', /'three point eleven'/, 3, 3],
    ['3\n', /'3' names no minor version.*3\.11/, 1, 1],
    ['python\n', /'python' is not a Python version/, 1, 1],
    ['my-project-env\n', /'my-project-env' is not a Python version.*virtualenv/, 1, 1],
    ['>=3.10\n', /'>=3\.10' is a range.*one version/, 1, 1],
    ['3.11.x\n', /'3\.11\.x' is not a Python version/, 1, 1],
    ['v3.11\n', /'v3\.11' is not a Python version/, 1, 1],
    ['2.7.18\n', /Python 2\.7.*Python 3/, 1, 1],
  ])('refuses %j', (text, message, line, column) => {
    const error = refused({ '.python-version': text });
    expect(error.phase).toBe('detect');
    expect(error.source).toEqual({ file: '.python-version', line, column });
    expect(error.message).toMatch(message);
  });

  it.each<[string, RegExp]>([
    ['pypy3.10-7.3.12', /'pypy3\.10-7\.3\.12' is PyPy.*builds CPython.*3\.10/],
    ['pypy-3.10', /PyPy/],
    ['pp310', /PyPy/],
    ['miniconda3-latest', /Miniconda.*builds CPython/],
    ['miniforge3-24.3.0-0', /Miniforge.*builds CPython/],
    ['anaconda3-2024.02', /Anaconda.*builds CPython/],
    ['graalpy-24.0.0', /GraalPy.*builds CPython/],
    ['graalpython-22.3.0', /GraalPy/],
    ['jython-2.7.2', /Jython/],
    ['ironpython-3.4.1', /IronPython/],
    ['micropython-1.22.0', /MicroPython/],
    ['stackless-3.7.5', /Stackless/],
    ['pyston-2.3.5', /Pyston/],
    ['pyodide', /Pyodide/],
  ])('refuses the non-CPython %s', (text, message) => {
    const error = refused({ '.python-version': `${text}\n` });
    expect(error.source).toEqual({ file: '.python-version', line: 1, column: 1 });
    expect(error.message).toMatch(message);
  });

  it('names the dependency folder in the error', () => {
    const error = userError(() =>
      pinFileHints(memoryReader({ 'inference/.python-version': 'three\n' }), ['inference', '.']),
    );
    expect(error.source).toEqual({ file: 'inference/.python-version', line: 1, column: 1 });
  });
});

describe('runtime.txt in Heroku syntax', () => {
  it.each<[string, string, string]>([
    ['python-3.12.3', '3.12', 'runtime.txt:1'],
    ['python-3.12.3\n', '3.12', 'runtime.txt:1'],
    ['python-3.12\n', '3.12', 'runtime.txt:1'],
    ['\n  python-3.10.4  \n\n', '3.10', 'runtime.txt:2'],
  ])('%j is Python %s', (text, version, source) => {
    expect(chosen({ 'runtime.txt': text })).toEqual({ version, source, warnings: [] });
  });

  it.each<[string, RegExp, number]>([
    ['python 3.8\n', /'python 3\.8' is not a runtime\.txt version.*python-3\.X\.Y/, 1],
    ['3.10.4\n', /'3\.10\.4'.*python-3\.X\.Y/, 1],
    ['Python-3.10.4\n', /'Python-3\.10\.4'/, 1],
    ['python-3\n', /'python-3'/, 1],
    ['python-3.10.4.1\n', /'python-3\.10\.4\.1'/, 1],
    ['python-3.10.4a1\n', /'python-3\.10\.4a1'/, 1],
    ['python\u20133.10.4\n', /'python\u20133\.10\.4'/, 1],
    ['pypy3.10-7.3.12\n', /'pypy3\.10-7\.3\.12'/, 1],
    ['# the runtime\npython-3.10.4\n', /'# the runtime'/, 1],
    ['python-3.10.4\npython-3.11.0\n', /one version.*'python-3\.11\.0'/, 2],
    ['', /runtime\.txt is empty.*python-3\.X\.Y/, 1],
    ['python-2.7.18\n', /Python 2\.7.*Python 3/, 1],
  ])('refuses %j', (text, message, line) => {
    const error = refused({ 'runtime.txt': text });
    expect(error.phase).toBe('detect');
    expect(error.source).toMatchObject({ file: 'runtime.txt', line });
    expect(error.message).toMatch(message);
  });
});

describe('the order of the pin files', () => {
  it('reads .python-version before runtime.txt, and the dependency folder before the top', () => {
    const tree = {
      'runtime.txt': 'python-3.9.18\n',
      '.python-version': '3.10\n',
      'serve/runtime.txt': 'python-3.12.1\n',
      'serve/.python-version': '3.13\n',
    };
    expect(chosen(tree, ['serve', '.'])).toMatchObject({
      version: '3.13',
      source: 'serve/.python-version:1',
    });
    expect(chosen({ ...tree, 'serve/.python-version': 'system\n' }, ['serve', '.'])).toMatchObject({
      version: '3.12',
      source: 'serve/runtime.txt:1',
    });
  });

  it('still refuses a malformed pin file that a better one precedes', () => {
    const error = refused({ '.python-version': '3.11\n', 'runtime.txt': 'python 3.8\n' });
    expect(error.source).toMatchObject({ file: 'runtime.txt', line: 1 });
  });
});
