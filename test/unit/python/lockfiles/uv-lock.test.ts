// Fixture shaped after NVlabs/earth2grid's uv.lock (uv lock `version = 1`, `revision = 3`):
// top-level `requires-python` and `resolution-markers`, registry sources, `sdist`/`wheels` with
// `upload-time`, one `numpy` entry per Python range, the project itself as `{ editable = "." }`
// with its `[package.metadata]`. The alabaster hashes are copied from that file; the torch entry
// follows the shape uv writes for a package pinned to the PyTorch CUDA index.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryReader } from '../../../../src/project/reader.js';
import { readUvLock } from '../../../../src/python/lockfiles/uv-lock.js';
import { contentNear, readWith, resultOrUserError, userErrorOf } from './helpers.js';

const read = readWith(readUvLock, 'uv.lock');

const ALABASTER_SDIST = 'c00dca57bca26fa62a6d7d0a9fcce65f3e026e9bfe33e9c538fd3fbb2144fd9e';
const ALABASTER_WHEEL = 'fc6786402dc3fcb2de3cabd5fe455a2db534b371124f1f21de8731783dec828b';
const NUMPY_226_SDIST = 'd09a18ff73f400e236026b30a148cd7ba60e69fc286d2331ba14cb53dfa3e4b3';
const NUMPY_226_WHEEL = '96447c762d572a0537d869aac3192f4a399752459cf2116113138643bba5f1c6';
const NUMPY_235_SDIST = 'ca6068dd5a70d4779015797ee5ebe6de3c55a9560b4734fd8f054b1e7c227b6f';
const NUMPY_235_WHEEL = 'f8f3658056e3cdeaa55fcb874581802414124b99a0f4bc545919547f6099548c';
const TORCH_311 = '7e60adc4f78db0eecd3a432532d34bb384c3cae4071b31a526182c8bb8b8744b';
const TORCH_312 = 'ee2b14ed9f97f5e245282a219aef12874f9989537cf14830678d974eec999de1';

const UV_LOCK = `version = 1
revision = 3
requires-python = ">=3.10"
resolution-markers = [
    "python_full_version >= '3.12'",
    "python_full_version == '3.11.*'",
    "python_full_version < '3.11'",
]

[[package]]
name = "alabaster"
version = "1.0.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/a6/f8/d9c74d0daf3f742840fd818d69cfae176fa332022fd44e3469487d5a9420/alabaster-1.0.0.tar.gz", hash = "sha256:${ALABASTER_SDIST}", size = 24210, upload-time = "2024-07-26T18:15:03.762Z" }
wheels = [
    { url = "https://files.pythonhosted.org/packages/7e/b3/6b4067be973ae96ba0d615946e314c5ae35f9f993eca561b356540bb0c2b/alabaster-1.0.0-py3-none-any.whl", hash = "sha256:${ALABASTER_WHEEL}", size = 13929, upload-time = "2024-07-26T18:15:02.05Z" },
]

[[package]]
name = "earth2grid"
source = { editable = "." }
dependencies = [
    { name = "numpy", version = "2.2.6", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version < '3.11'" },
    { name = "numpy", version = "2.3.5", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version >= '3.11'" },
    { name = "torch" },
]

[package.metadata]
requires-dist = [
    { name = "numpy" },
    { name = "torch", specifier = ">=2.3", index = "https://download.pytorch.org/whl/cu121" },
]

[[package]]
name = "einops"
version = "0.8.1"
source = { git = "https://github.com/arogozhnikov/einops?rev=v0.8.1#0e3a3ec6bcc9d1a4eb05d1b3b5ea9a4e9e8a0f1c" }

[[package]]
name = "numpy"
version = "2.2.6"
source = { registry = "https://pypi.org/simple" }
resolution-markers = [
    "python_full_version < '3.11'",
]
sdist = { url = "https://files.pythonhosted.org/packages/76/21/7d2a95e4bba9dc13d043ee156a356c0a8f0c6309dff6b21b4d71a073b8a8/numpy-2.2.6.tar.gz", hash = "sha256:${NUMPY_226_SDIST}", size = 20276440, upload-time = "2025-05-17T22:38:04.611Z" }
wheels = [
    { url = "https://files.pythonhosted.org/packages/9a/3e/ed6db5be21ce87955c0cbd3009f2803f59fa08df21b5df06862e2d8e2bdd/numpy-2.2.6-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:${NUMPY_226_WHEEL}", size = 16438127, upload-time = "2025-05-17T21:28:39.467Z" },
]

[[package]]
name = "numpy"
version = "2.3.5"
source = { registry = "https://pypi.org/simple" }
resolution-markers = [
    "python_full_version >= '3.12'",
    "python_full_version == '3.11.*'",
]
sdist = { url = "https://files.pythonhosted.org/packages/76/65/21b3bc86aac7b8f2862db1e808f1ea22b028e30a225a34a5ede9bf8678f2/numpy-2.3.5.tar.gz", hash = "sha256:${NUMPY_235_SDIST}", size = 20584950, upload-time = "2025-11-16T22:52:42.067Z" }
wheels = [
    { url = "https://files.pythonhosted.org/packages/43/77/84dd1d2e34d7e2792a236ba180b5e8fcc1e3e414e761ce0253f63d7f572e/numpy-2.3.5-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl", hash = "sha256:${NUMPY_235_WHEEL}", size = 16652495, upload-time = "2025-11-16T22:50:19.466Z" },
    { url = "https://files.pythonhosted.org/packages/43/77/84dd1d2e34d7e2792a236ba180b5e8fcc1e3e414e761ce0253f63d7f572e/numpy-2.3.5-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl", hash = "sha256:${NUMPY_235_WHEEL}", size = 16652495, upload-time = "2025-11-16T22:50:19.466Z" },
]

[[package]]
name = "torch"
version = "2.3.1+cu121"
source = { registry = "https://download.pytorch.org/whl/cu121" }
dependencies = [
    { name = "filelock" },
    { name = "nvidia-cuda-runtime-cu12", marker = "platform_machine == 'x86_64' and sys_platform == 'linux'" },
]
wheels = [
    { url = "https://download.pytorch.org/whl/cu121/torch-2.3.1%2Bcu121-cp311-cp311-linux_x86_64.whl", hash = "sha256:${TORCH_311}" },
    { url = "https://download.pytorch.org/whl/cu121/torch-2.3.1%2Bcu121-cp312-cp312-linux_x86_64.whl", hash = "sha256:${TORCH_312}" },
]
`;

describe('readUvLock', () => {
  it('reads every locked package with its version, hashes, markers and line', () => {
    const lock = read(UV_LOCK);
    expect(lock.format).toBe('uv');
    expect(lock.file).toBe('uv.lock');
    expect(lock.packages).toEqual([
      {
        name: 'alabaster',
        version: '1.0.0',
        hashes: [`sha256:${ALABASTER_SDIST}`, `sha256:${ALABASTER_WHEEL}`],
        marker: null,
        source: { file: 'uv.lock', line: 11 },
      },
      {
        name: 'einops',
        version: '0.8.1',
        hashes: [],
        marker: null,
        source: { file: 'uv.lock', line: 35 },
      },
      {
        name: 'numpy',
        version: '2.2.6',
        hashes: [`sha256:${NUMPY_226_SDIST}`, `sha256:${NUMPY_226_WHEEL}`],
        marker: "python_full_version < '3.11'",
        source: { file: 'uv.lock', line: 40 },
      },
      {
        name: 'numpy',
        version: '2.3.5',
        // The wheel listed twice is one hash.
        hashes: [`sha256:${NUMPY_235_SDIST}`, `sha256:${NUMPY_235_WHEEL}`],
        marker: "(python_full_version >= '3.12') or (python_full_version == '3.11.*')",
        source: { file: 'uv.lock', line: 52 },
      },
      {
        name: 'torch',
        version: '2.3.1+cu121',
        hashes: [`sha256:${TORCH_311}`, `sha256:${TORCH_312}`],
        marker: null,
        source: { file: 'uv.lock', line: 66 },
      },
    ]);
  });

  it('leaves out the editable project itself', () => {
    expect(read(UV_LOCK).packages.map((pkg) => pkg.name)).not.toContain('earth2grid');
  });

  it('leaves out a virtual project, which has no version', () => {
    const lock = read(`version = 1
requires-python = ">=3.12"

[[package]]
name = "my-service"
version = "0.1.0"
source = { virtual = "." }
dependencies = [
    { name = "six" },
]

[[package]]
name = "six"
version = "1.17.0"
source = { registry = "https://pypi.org/simple" }
`);
    expect(lock.packages.map((pkg) => [pkg.name, pkg.version, pkg.source.line])).toEqual([
      ['six', '1.17.0', 13],
    ]);
  });

  it('reads requires-python as a range hint', () => {
    expect(read(UV_LOCK).python).toEqual([
      { kind: 'range', text: '>=3.10', source: { file: 'uv.lock', line: 3 } },
    ]);
  });

  it('collects the registries once each, cited at their first source line', () => {
    expect(read(UV_LOCK).indexes).toEqual([
      { url: 'https://pypi.org/simple', name: null, source: { file: 'uv.lock', line: 13 } },
      { url: 'https://download.pytorch.org/whl/cu121', name: null, source: { file: 'uv.lock', line: 68 } },
    ]);
  });

  it('skips a local source tree whose version is dynamic, but not a registry package without one', () => {
    const local = read(
      'version = 1\n\n[[package]]\nname = "vendored"\nsource = { directory = "libs/vendored" }\n',
    );
    expect(local.packages).toEqual([]);
    const error = userErrorOf(() =>
      read('version = 1\n\n[[package]]\nname = "six"\nsource = { registry = "https://pypi.org/simple" }\n'),
    );
    expect(error.message).toBe("package 'six' has no 'version'");
    expect(error.source).toEqual({ file: 'uv.lock', line: 4 });
  });

  it('reads an empty lock', () => {
    expect(read('version = 1\nrevision = 3\n')).toEqual({
      format: 'uv',
      file: 'uv.lock',
      packages: [],
      python: [],
      indexes: [],
    });
  });

  it('reports malformed TOML at its line and column', () => {
    const error = userErrorOf(() => read('version = 1\n\n[[package]]\nname = "six\nversion = "1.17.0"\n'));
    expect(error.message).toMatch(/^invalid TOML/);
    expect(error.source?.file).toBe('uv.lock');
    expect(error.source?.line).toBe(4);
    expect(error.source?.column).toBeGreaterThan(0);
  });

  it('reports a missing file', () => {
    const error = userErrorOf(() => readUvLock(memoryReader({}), 'uv.lock'));
    expect(error.message).toBe("cannot read 'uv.lock'");
  });

  it.each([
    ['requires-python = 3.10\n', "uv.lock: 'requires-python' must be a string, found a number", 1],
    ['package = "numpy"\n', "'package' must be an array of tables ([[package]]), found a string", 1],
    ['[[package]]\nversion = "1.0"\n', "[[package]] entry 1 has no 'name'", 1],
    ['[[package]]\nname = 7\n', "[[package]] entry 1: 'name' must be a string, found a number", 1],
    [
      '[[package]]\nname = "-bad-"\nversion = "1"\n',
      "[[package]] entry 1: '-bad-' is not a valid package name",
      2,
    ],
    [
      '[[package]]\nname = "six"\nversion = 1.17\n',
      "package 'six': 'version' must be a string, found a number",
      2,
    ],
    [
      '[[package]]\nname = "six"\nversion = "1.17"\nsource = "pypi"\n',
      "package 'six': 'source' must be a table, found a string",
      2,
    ],
    [
      '[[package]]\nname = "six"\nversion = "1.17"\nsource = { registry = 1 }\n',
      "package 'six' source: 'registry' must be a string, found a number",
      2,
    ],
    [
      '[[package]]\nname = "six"\nversion = "1.17"\nwheels = "x"\n',
      "package 'six': 'wheels' must be an array, found a string",
      2,
    ],
    [
      '[[package]]\nname = "six"\nversion = "1.17"\nwheels = ["x"]\n',
      "package 'six': 'wheels' item 1 must be a table, found a string",
      2,
    ],
    [
      '[[package]]\nname = "six"\nversion = "1.17"\nsdist = { hash = "sha256:abc" }\n',
      "package 'six': 'abc' is not a sha256 digest (64 hex digits)",
      2,
    ],
    [
      '[[package]]\nname = "six"\nversion = "1.17"\nsdist = { hash = 5 }\n',
      "package 'six': a hash must be a string, found a number",
      2,
    ],
    [
      '[[package]]\nname = "six"\nversion = "1.17"\nresolution-markers = [1]\n',
      "package 'six': 'resolution-markers' item 1 must be a string, found a number",
      2,
    ],
  ])('rejects wrong types: %j', (content, message, line) => {
    const error = userErrorOf(() => read(content));
    expect(error.message).toBe(message);
    expect(error.source).toEqual({ file: 'uv.lock', line });
  });

  it('ignores hashes of other algorithms', () => {
    const lock = read(
      `[[package]]\nname = "six"\nversion = "1.17.0"\nsdist = { hash = "sha512:${'ab'.repeat(64)}" }\n`,
    );
    expect(lock.packages[0]?.hashes).toEqual([]);
  });

  it('returns a LockRead or throws a UserError for any content', () => {
    const tokens = [
      '[[package]]\n',
      'name = "torch"\n',
      'version = "2.3.1"\n',
      'source = { editable = "." }\n',
      'source = { registry = 3 }\n',
      'wheels = [{ hash = "sha256:00" }]\n',
      'resolution-markers = ["a", 2]\n',
      'requires-python = ">=3.10"\n',
      '"',
      '=',
      '[',
      ']',
      '{',
      '}',
      '\n',
    ];
    fc.assert(
      fc.property(contentNear(UV_LOCK, tokens), (content) => resultOrUserError(() => read(content), content)),
      { numRuns: 200 },
    );
  });
});
