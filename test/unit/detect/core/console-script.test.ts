import { describe, expect, it } from 'vitest';
import { detect } from '../../../../src/detect/index.js';
import { memoryReader } from '../../../../src/project/reader.js';
import { userError } from '../../helpers.js';

/** A pyproject.toml with one console script, `build` inserted before `[project]`. */
const pyproject = (build: string, script = 'iris-serve = "iris.cli:main"') => `${build}[project]
name = "iris"
dependencies = ["scikit-learn==1.6.1"]

[project.scripts]
${script}
other = "iris.other:main"
`;

const HATCH =
  '[build-system]\nrequires = ["hatchling>=1.26", "editables"]\nbuild-backend = "hatchling.build"\n\n';

describe('console scripts', () => {
  it('takes the first script of a package, with its build backend and requires at their lines', () => {
    const spec = detect(memoryReader({ 'pyproject.toml': pyproject(HATCH) }));
    expect(spec.entrypoint).toEqual({
      path: 'iris.cli:main',
      source: 'pyproject.toml:10',
      script: {
        name: 'iris-serve',
        backend: 'hatchling.build',
        buildSource: 'pyproject.toml:1',
        buildRequires: [
          expect.objectContaining({
            name: 'hatchling',
            specifier: '>=1.26',
            source: { file: 'pyproject.toml', line: 2 },
          }),
          expect.objectContaining({
            name: 'editables',
            specifier: '',
            source: { file: 'pyproject.toml', line: 2 },
          }),
        ],
      },
    });
  });

  it("takes setuptools' legacy backend for a project built by the setup.py beside it", () => {
    const spec = detect(memoryReader({ 'pyproject.toml': pyproject(''), 'setup.py': 'setup()\n' }));
    expect(spec.entrypoint?.script).toMatchObject({
      backend: 'setuptools.build_meta:__legacy__',
      buildSource: "setup.py (no [build-system]: PEP 517's setuptools default)",
      buildRequires: [expect.objectContaining({ name: 'setuptools', specifier: '>=40.8.0' })],
    });
  });

  it('runs no script of a project that is no package, and says why at the script', () => {
    const spec = detect(memoryReader({ 'pyproject.toml': pyproject('') }));
    expect(spec.entrypoint).toBeNull();
    expect(spec.warnings).toContainEqual({
      message: expect.stringMatching(/^script 'iris-serve' is not the entry point: with no \[build-system\]/),
      source: 'pyproject.toml:6',
    });
  });

  it('prefers a conventional file, which needs no install', () => {
    const spec = detect(memoryReader({ 'pyproject.toml': pyproject(HATCH), 'predict.py': '' }));
    expect(spec.entrypoint).toEqual({
      path: 'predict.py',
      source: 'predict.py (conventional entry point name)',
    });
  });

  it.each([
    [
      'a script name the image could not run by name',
      pyproject(HATCH, '"serve;id" = "iris.cli:main"'),
      10,
      /^script 'serve;id' is run by its name/,
    ],
    [
      'a build-system without requires',
      pyproject('[build-system]\nbuild-backend = "x"\n\n'),
      1,
      /^\[build-system\] must have `requires`/,
    ],
    [
      'a build requirement that is no requirement',
      pyproject('[build-system]\nrequires = ["hatchling>>1"]\n\n'),
      2,
      /hatchling/,
    ],
    [
      'a build requirement that is no string',
      pyproject('[build-system]\nrequires = [1]\n\n'),
      1,
      /must hold requirement strings/,
    ],
  ])('refuses %s at its line', (_, text, line, message) => {
    const error = userError(() => detect(memoryReader({ 'pyproject.toml': text })));
    expect(error.source).toMatchObject({ file: 'pyproject.toml', line });
    expect(error.message).toMatch(message);
  });
});
