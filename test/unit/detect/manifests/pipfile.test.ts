import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../../../src/detect/manifest.js';
import { readPipfile } from '../../../../src/detect/manifests/pipfile.js';
import { isUserError } from '../../../../src/errors.js';
import { memoryReader } from '../../../../src/project/reader.js';
import { normalizeName } from '../../../../src/python/pep508.js';
import type { Requirement } from '../../../../src/python/types.js';
import { userError } from '../../helpers.js';

const PIPFILE = 'Pipfile';

function read(text: string, path = PIPFILE): Manifest {
  return readPipfile(memoryReader({ [path]: text }), path);
}

/** A Pipfile whose [packages] holds `lines`, from line 2 on. */
function packages(...lines: string[]): Manifest {
  return read(`[packages]\n${lines.join('\n')}\n`);
}

function requirement(
  name: string,
  specifier: string,
  line: number,
  more: Partial<Requirement> = {},
): Requirement {
  return {
    name,
    extras: [],
    specifier,
    marker: null,
    url: null,
    hashes: [],
    source: { file: PIPFILE, line },
    ...more,
  };
}

// Shaped after a PyTorch project's Pipfile that pins CUDA 11.3 wheels through a named source.
const TORCH_CU113 = `[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[[source]]
url = "https://download.pytorch.org/whl/cu113/"
verify_ssl = true
name = "downloadpytorch"

[packages]
torch = {index="downloadpytorch", version="==1.11.0+cu113"}
torchvision = {index="downloadpytorch", version="==0.12.0+cu113"}
numpy = "==1.19.5"
tensorboardx = "==2.1"
scipy = "*"

[dev-packages]
gdown = "*"

[requires]
python_version = "3.8"
`;

// Shaped after pypa/pipenv's documented Pipfile features: extras, markers, VCS, local path, a file URL.
const PIPENV_DOCS = `[[source]]
url = "https://pypi.python.org/simple"
verify_ssl = true
name = "pypi"

[packages]
requests = "*"
"Django" = {version = ">=4.2", extras = ["argon2", "bcrypt"]}
pywinusb = {version = "*", sys_platform = "== 'win32'"}
gunicorn = {version = "*", markers = "sys_platform != 'win32'"}
records = {git = "https://github.com/kennethreitz/records.git", ref = "v0.5.3"}
mypkg = {path = ".", editable = true}
wheel-pkg = {file = "https://example.com/wheel_pkg-1.0-py3-none-any.whl"}

[dev-packages]
pytest = "*"

[requires]
python_version = "3.11"
python_full_version = "3.11.6"
`;

describe('readPipfile: real Pipfiles', () => {
  it('reads a CUDA 11.3 PyTorch Pipfile: sources as indexes, [packages] with lines, the python pin', () => {
    expect(read(TORCH_CU113)).toEqual({
      format: 'pipfile',
      files: [PIPFILE],
      requirements: [
        requirement('torch', '==1.11.0+cu113', 12, { index: 'downloadpytorch' }),
        requirement('torchvision', '==0.12.0+cu113', 13, { index: 'downloadpytorch' }),
        requirement('numpy', '==1.19.5', 14),
        requirement('tensorboardx', '==2.1', 15),
        requirement('scipy', '', 16),
      ],
      python: [{ kind: 'exact', text: '3.8', source: { file: PIPFILE, line: 22 } }],
      indexes: [
        { url: 'https://pypi.org/simple', name: 'pypi', source: { file: PIPFILE, line: 2 } },
        {
          url: 'https://download.pytorch.org/whl/cu113/',
          name: 'downloadpytorch',
          source: { file: PIPFILE, line: 7 },
          extra: true,
          explicit: true,
        },
      ],
      cuda: [],
      gpu: null,
      cpuBuilds: [],
      entrypoint: null,
      systemPackages: [],
      warnings: [],
    });
  });

  it("reads pipenv's features: extras, marker keys, VCS refs, file URLs; a local path is a warning", () => {
    const manifest = read(PIPENV_DOCS);
    expect(manifest.requirements).toEqual([
      requirement('requests', '', 7),
      requirement('django', '>=4.2', 8, { extras: ['argon2', 'bcrypt'] }),
      requirement('pywinusb', '', 9, { marker: "sys_platform == 'win32'" }),
      requirement('gunicorn', '', 10, { marker: "sys_platform != 'win32'" }),
      requirement('records', '', 11, { url: 'git+https://github.com/kennethreitz/records.git@v0.5.3' }),
      requirement('wheel-pkg', '', 13, { url: 'https://example.com/wheel_pkg-1.0-py3-none-any.whl' }),
    ]);
    expect(manifest.warnings).toEqual([
      {
        message:
          "mypkg is the local path '.', not a requirement; the project's own code is copied into the image",
        source: 'Pipfile:12',
      },
    ]);
    expect(manifest.python).toEqual([
      { kind: 'exact', text: '3.11', source: { file: PIPFILE, line: 19 } },
      { kind: 'exact', text: '3.11.6', source: { file: PIPFILE, line: 20 } },
    ]);
    expect(manifest.indexes).toEqual([
      { url: 'https://pypi.python.org/simple', name: 'pypi', source: { file: PIPFILE, line: 2 } },
    ]);
  });
});

describe('readPipfile: [packages]', () => {
  it.each([
    ['numpy = "*"', ''],
    ['numpy = "==1.26.4"', '==1.26.4'],
    ['numpy = ">=1.24,<2"', '>=1.24,<2'],
    ['numpy = "~=1.26"', '~=1.26'],
    ['numpy = {version = "*"}', ''],
    ['numpy = {version = ">=1"}', '>=1'],
    ['numpy = {}', ''],
    ['"numpy" = "*"', ''],
    ["'numpy' = '>=1'", '>=1'],
    ['  numpy   =   "==2.0"  # pinned', '==2.0'],
  ])('%s → %j', (line, specifier) => {
    expect(packages(line).requirements).toEqual([requirement('numpy', specifier, 2)]);
  });

  it('normalizes names and extras', () => {
    expect(packages('Scikit_Learn = {version = "*", extras = ["All_Deps"]}').requirements).toEqual([
      requirement('scikit-learn', '', 2, { extras: ['all-deps'] }),
    ]);
  });

  it('joins several marker conditions with and', () => {
    expect(
      packages(
        'uvloop = {version = "*", markers = "python_version >= \'3.8\'", sys_platform = "!= \'win32\'"}',
      ).requirements[0]?.marker,
    ).toBe("(python_version >= '3.8') and (sys_platform != 'win32')");
  });

  it('builds VCS URLs with ref and subdirectory', () => {
    const manifest = packages(
      'a = {git = "https://github.com/o/a.git", ref = "main", subdirectory = "python"}',
      'b = {git = "git+ssh://git@github.com/o/b.git", editable = true}',
      'c = {hg = "https://hg.example.com/c"}',
    );
    expect(manifest.requirements.map((r) => [r.name, r.url, r.source.line])).toEqual([
      ['a', 'git+https://github.com/o/a.git@main#subdirectory=python', 2],
      ['b', 'git+ssh://git@github.com/o/b.git', 3],
      ['c', 'hg+https://hg.example.com/c', 4],
    ]);
  });

  it('warns about local files and an index no source defines', () => {
    const manifest = packages(
      'local = {file = "wheels/local-1.0-py3-none-any.whl"}',
      'torch = {version = "*", index = "pytorch"}',
    );
    expect(manifest.requirements).toEqual([requirement('torch', '', 3)]);
    expect(manifest.warnings).toEqual([
      {
        message:
          "local is the local path 'wheels/local-1.0-py3-none-any.whl', not a requirement; the project's own code is copied into the image",
        source: 'Pipfile:2',
      },
      { message: "torch names index 'pytorch', which no [[source]] defines", source: 'Pipfile:3' },
    ]);
  });

  it('finds the line within [packages], not an earlier section naming the same package', () => {
    const manifest = read(
      '[dev-packages]\nnumpy = "*"\n\n[packages]\n# numpy for arrays\nnumpy = "==1.26.4"\n',
    );
    expect(manifest.requirements).toEqual([requirement('numpy', '==1.26.4', 6)]);
  });

  it('locates a [packages.name] table at its header', () => {
    const manifest = read(
      '[packages]\nnumpy = "*"\n\n[packages.torch]\nversion = "==2.3.1"\nindex = "pytorch"\n\n[[source]]\nurl = "https://download.pytorch.org/whl/cu121"\nname = "pytorch"\n',
    );
    expect(manifest.requirements).toEqual([
      requirement('numpy', '', 2),
      requirement('torch', '==2.3.1', 4, { index: 'pytorch' }),
    ]);
    expect(manifest.indexes).toEqual([
      { url: 'https://download.pytorch.org/whl/cu121', name: 'pytorch', source: { file: PIPFILE, line: 9 } },
    ]);
    expect(manifest.warnings).toEqual([]);
  });

  it('ignores [dev-packages] and other categories', () => {
    expect(read('[dev-packages]\npytest = "*"\n\n[docs]\nsphinx = "*"\n').requirements).toEqual([]);
  });
});

describe('readPipfile: [requires]', () => {
  it.each([
    ['python_version = "3.10"', 'exact', '3.10'],
    ['python_version = "3.8.12"', 'exact', '3.8.12'],
    ['python_full_version = "3.10.4"', 'exact', '3.10.4'],
    ['python_version = 3.10', 'exact', '3.10'],
    ['python_version = "3"', 'range', '==3.*'],
  ])('%s → %s %s', (line, kind, text) => {
    expect(read(`[requires]\n${line}\n`).python).toEqual([
      { kind, text, source: { file: PIPFILE, line: 2 } },
    ]);
  });

  it('warns when python_version and python_full_version disagree', () => {
    const manifest = read('[requires]\npython_version = "3.10"\npython_full_version = "3.11.2"\n');
    expect(manifest.python.map((hint) => hint.text)).toEqual(['3.10', '3.11.2']);
    expect(manifest.warnings).toEqual([
      {
        message: 'python_version "3.10" and python_full_version "3.11.2" disagree; the first is used',
        source: 'Pipfile:3',
      },
    ]);
  });

  it('returns an empty manifest for an empty Pipfile', () => {
    expect(read('')).toEqual({
      format: 'pipfile',
      files: [PIPFILE],
      requirements: [],
      python: [],
      indexes: [],
      cuda: [],
      gpu: null,
      cpuBuilds: [],
      entrypoint: null,
      systemPackages: [],
      warnings: [],
    });
  });
});

describe('readPipfile: errors', () => {
  it('reports malformed TOML at its line and column', () => {
    const error = userError(() => read('[packages]\nnumpy = "*"\ntorch = {version = \n'));
    expect(error.phase).toBe('detect');
    expect(error.message).toMatch(/^invalid TOML: /);
    expect(error.source).toMatchObject({ file: PIPFILE, line: 3, column: expect.any(Number) });
  });

  it('reports a duplicate key as malformed TOML', () => {
    expect(userError(() => read('[packages]\nnumpy = "*"\nnumpy = "==1"\n')).source).toMatchObject({
      file: PIPFILE,
      line: 3,
    });
  });

  it.each([
    ['packages = "numpy"\n', 'Pipfile:1: [packages] must be a table'],
    ['\npackages = 1\n[requires]\n', 'Pipfile:2: [packages] must be a table'],
    ['[packages]\nnumpy = 1\n', 'Pipfile:2: numpy must be a version string or a table'],
    ['[packages]\nnumpy = ["*"]\n', 'Pipfile:2: numpy must be a version string or a table'],
    ['[packages]\nnumpy = {version = 1}\n', 'Pipfile:2: numpy: version must be a string'],
    ['[packages]\nnumpy = {extras = "all"}\n', 'Pipfile:2: numpy: extras must be a list of strings'],
    ['[packages]\nnumpy = {extras = [1]}\n', 'Pipfile:2: numpy: extras must be a list of strings'],
    ['[packages]\nnumpy = {markers = true}\n', 'Pipfile:2: numpy: markers must be a string'],
    [
      '[packages]\nnumpy = {sys_platform = 1}\n',
      `Pipfile:2: numpy: sys_platform must be a string like "== 'linux'"`,
    ],
    ['[packages]\nnumpy = {git = ""}\n', 'Pipfile:2: numpy: git must be a URL'],
    ['[packages]\nnumpy = {path = 3}\n', 'Pipfile:2: numpy: file and path must be strings'],
    [
      '[packages]\nnumpy = ">>1"\n',
      "Pipfile:2: invalid version specifier '>>1' for numpy: '>1' is not a PEP 440 version",
    ],
    ['[packages]\n"not a name!" = "*"\n', "Pipfile:2: 'not a name!' is not a package name"],
    ['[packages]\n"requests[socks]" = "*"\n', "Pipfile:2: 'requests[socks]' is not a package name"],
    ['[[source]]\nname = "pypi"\n', 'Pipfile:1: each [[source]] needs a url'],
    ['source = "https://pypi.org/simple"\n', 'Pipfile:1: [[source]] must be an array of tables'],
    ['[requires]\npython_version = "latest"\n', 'Pipfile:2: python_version must be a version like "3.11"'],
    ['requires = 3\n', 'Pipfile:1: [requires] must be a table'],
  ])('rejects %j', (text, located) => {
    expect(userError(() => read(text)).located).toBe(located);
  });

  it('reports an unreadable Pipfile', () => {
    expect(userError(() => readPipfile(memoryReader({}), PIPFILE)).located).toBe(
      "Pipfile: cannot read 'Pipfile'",
    );
  });
});

const TOKENS = [
  '[packages]',
  '[dev-packages]',
  '[requires]',
  '[[source]]',
  '[packages.torch]',
  '\n',
  ' = ',
  '=',
  'url = "https://download.pytorch.org/whl/cu121"',
  'name = "pytorch"',
  'numpy',
  'torch',
  '"*"',
  '"==1.26.4"',
  '">>1"',
  '{',
  '}',
  '[',
  ']',
  ', ',
  'version = ',
  'extras = ["a"]',
  'markers = "sys_platform == \'linux\'"',
  'sys_platform = "== \'linux\'"',
  'git = "https://github.com/o/a.git"',
  'ref = "v1"',
  'path = "."',
  'file = "https://x.org/a-1.0.tar.gz"',
  'index = "pytorch"',
  'python_version = ',
  'python_full_version = "3.10.4"',
  '"3.10"',
  '3.10',
  '"',
  "'",
  '#',
  '1',
  'true',
  'constructor',
  '__proto__',
];

const text = fc.oneof(
  fc.string({ unit: fc.constantFrom(...TOKENS), maxLength: 40 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
);

const mangled = fc.oneof(
  fc.nat({ max: TORCH_CU113.length }).map((end) => TORCH_CU113.slice(0, end)),
  fc
    .tuple(fc.nat({ max: PIPENV_DOCS.length }), fc.nat({ max: PIPENV_DOCS.length }))
    .map(([a, b]) => PIPENV_DOCS.slice(0, Math.min(a, b)) + PIPENV_DOCS.slice(Math.max(a, b))),
  fc
    .tuple(fc.nat({ max: PIPENV_DOCS.length }), text)
    .map(([at, inserted]) => PIPENV_DOCS.slice(0, at) + inserted + PIPENV_DOCS.slice(at)),
);

describe('readPipfile never fails except with a UserError', () => {
  it('on random, truncated and spliced Pipfiles (property)', () => {
    fc.assert(
      fc.property(fc.oneof(text, mangled), (main) => {
        let manifest: Manifest;
        try {
          manifest = read(main);
        } catch (error) {
          if (!isUserError(error)) throw error;
          expect(error.phase).toBe('detect');
          expect(error.source?.file).toBe(PIPFILE);
          if (error.source?.line !== undefined) expect(error.source.line).toBeGreaterThanOrEqual(1);
          if (error.source?.column !== undefined) expect(error.source.column).toBeGreaterThanOrEqual(1);
          return;
        }
        expect(manifest.format).toBe('pipfile');
        expect(manifest.files).toEqual([PIPFILE]);
        const lines = main.split(/\r?\n/).length;
        for (const found of [...manifest.requirements, ...manifest.indexes, ...manifest.python]) {
          expect(found.source.file).toBe(PIPFILE);
          if (found.source.line !== undefined) {
            expect(found.source.line).toBeGreaterThanOrEqual(1);
            expect(found.source.line).toBeLessThanOrEqual(lines);
          }
        }
        for (const found of manifest.requirements) expect(found.name).toBe(normalizeName(found.name));
      }),
      { numRuns: 200 },
    );
  });
});
