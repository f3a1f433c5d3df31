// Lock texts shaped after the reader fixtures in test/unit/python/lockfiles (themselves copied
// from real lockfiles), with the platform- and Python-specific entries each tool writes: uv's
// forks (one entry per resolution, `resolution-markers`), Poetry 2's and PDM's package markers,
// pipenv's `markers`, PEP 751 `marker`, and `uv pip compile --universal --generate-hashes`.
// Digests that are not copied from a real file are the sha256 of the artifact's file name.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isUserError, type UserError } from '../../../src/errors.js';
import { lockFromHashedRequirements, lockFromLockRead } from '../../../src/lock/convert.js';
import { memoryReader, type RepoReader } from '../../../src/project/reader.js';
import { readPdmLock } from '../../../src/python/lockfiles/pdm-lock.js';
import { readPipfileLock } from '../../../src/python/lockfiles/pipfile-lock.js';
import { readPoetryLock } from '../../../src/python/lockfiles/poetry-lock.js';
import { readPylock } from '../../../src/python/lockfiles/pylock.js';
import { readUvLock } from '../../../src/python/lockfiles/uv-lock.js';
import { linuxEnvironment, type MarkerEnvironment } from '../../../src/python/markers.js';
import type { LockRead } from '../../../src/python/types.js';

const digest = (file: string): string => createHash('sha256').update(file).digest('hex');

const HEADER = ['Converted from the project lock.', 'Install with: pip install --require-hashes --no-deps'];
const HEAD = '# Converted from the project lock.\n# Install with: pip install --require-hashes --no-deps\n';

const PY311 = linuxEnvironment('3.11.9');
const PY312 = linuxEnvironment('3.12.7');
const PY310 = linuxEnvironment('3.10.15');
const ARM311 = linuxEnvironment('3.11.9', 'aarch64');
const MAC312: MarkerEnvironment = {
  ...linuxEnvironment('3.12.7', 'arm64'),
  sys_platform: 'darwin',
  platform_system: 'Darwin',
};

function read(reader: (repo: RepoReader, path: string) => LockRead, path: string, text: string): LockRead {
  return reader(memoryReader({ [path]: text }), path);
}

function userErrorOf(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    if (isUserError(error)) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

// ---------------------------------------------------------------------------------------- uv.lock

const FILELOCK_SDIST = digest('filelock-3.16.1.tar.gz');
const FILELOCK_WHEEL = digest('filelock-3.16.1-py3-none-any.whl');
const NUMPY_126_X86 = digest('numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl');
const NUMPY_126_ARM = digest('numpy-1.26.4-cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64.whl');
const NUMPY_213_X86 = digest('numpy-2.1.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl');
const TORCH_MAC = digest('torch-2.5.1-cp312-none-macosx_11_0_arm64.whl');
const TORCH_CPU_311 = digest('torch-2.5.1+cpu-cp311-cp311-linux_x86_64.whl');
const TORCH_CPU_312 = digest('torch-2.5.1+cpu-cp312-cp312-linux_x86_64.whl');

const UV_LOCK = `version = 1
revision = 3
requires-python = ">=3.10"
resolution-markers = [
    "python_full_version >= '3.12' and sys_platform == 'darwin'",
    "python_full_version >= '3.12' and sys_platform != 'darwin'",
    "python_full_version < '3.12' and sys_platform == 'darwin'",
    "python_full_version < '3.12' and sys_platform != 'darwin'",
]

[[package]]
name = "filelock"
version = "3.16.1"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/9d/db/filelock-3.16.1.tar.gz", hash = "sha256:${FILELOCK_SDIST}", size = 18037, upload-time = "2024-09-17T19:02:01.779Z" }
wheels = [
    { url = "https://files.pythonhosted.org/packages/b9/f8/filelock-3.16.1-py3-none-any.whl", hash = "sha256:${FILELOCK_WHEEL}", size = 16163, upload-time = "2024-09-17T19:02:00.268Z" },
]

[[package]]
name = "ml-app"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "numpy", version = "1.26.4", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version < '3.12'" },
    { name = "numpy", version = "2.1.3", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version >= '3.12'" },
    { name = "torch", version = "2.5.1", source = { registry = "https://pypi.org/simple" }, marker = "sys_platform == 'darwin'" },
    { name = "torch", version = "2.5.1+cpu", source = { registry = "https://download.pytorch.org/whl/cpu" }, marker = "sys_platform != 'darwin'" },
]

[[package]]
name = "numpy"
version = "1.26.4"
source = { registry = "https://pypi.org/simple" }
resolution-markers = [
    "python_full_version < '3.12' and sys_platform == 'darwin'",
    "python_full_version < '3.12' and sys_platform != 'darwin'",
]
wheels = [
    { url = "https://files.pythonhosted.org/packages/3a/d0/numpy-1.26.4-cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64.whl", hash = "sha256:${NUMPY_126_ARM}", size = 14179047 },
    { url = "https://files.pythonhosted.org/packages/4b/d7/numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:${NUMPY_126_X86}", size = 18268039 },
]

[[package]]
name = "numpy"
version = "2.1.3"
source = { registry = "https://pypi.org/simple" }
resolution-markers = [
    "python_full_version >= '3.12' and sys_platform == 'darwin'",
    "python_full_version >= '3.12' and sys_platform != 'darwin'",
]
wheels = [
    { url = "https://files.pythonhosted.org/packages/fb/25/numpy-2.1.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:${NUMPY_213_X86}", size = 16038431 },
]

[[package]]
name = "torch"
version = "2.5.1"
source = { registry = "https://pypi.org/simple" }
resolution-markers = [
    "python_full_version >= '3.12' and sys_platform == 'darwin'",
    "python_full_version < '3.12' and sys_platform == 'darwin'",
]
dependencies = [
    { name = "filelock", marker = "sys_platform == 'darwin'" },
]
wheels = [
    { url = "https://files.pythonhosted.org/packages/d1/35/torch-2.5.1-cp312-none-macosx_11_0_arm64.whl", hash = "sha256:${TORCH_MAC}", size = 63866733 },
]

[[package]]
name = "torch"
version = "2.5.1+cpu"
source = { registry = "https://download.pytorch.org/whl/cpu" }
resolution-markers = [
    "python_full_version >= '3.12' and sys_platform != 'darwin'",
    "python_full_version < '3.12' and sys_platform != 'darwin'",
]
dependencies = [
    { name = "filelock", marker = "sys_platform != 'darwin'" },
]
wheels = [
    { url = "https://download.pytorch.org/whl/cpu/torch-2.5.1%2Bcpu-cp311-cp311-linux_x86_64.whl", hash = "sha256:${TORCH_CPU_311}" },
    { url = "https://download.pytorch.org/whl/cpu/torch-2.5.1%2Bcpu-cp312-cp312-linux_x86_64.whl", hash = "sha256:${TORCH_CPU_312}" },
]
`;

/** `s` sorted, as the lock lists each package's hashes. */
const hashes = (...digests: string[]): string =>
  [...digests]
    .sort()
    .map((hex) => ` --hash=sha256:${hex}`)
    .join('');

describe('lockFromLockRead: uv.lock', () => {
  const uv = read(readUvLock, 'uv.lock', UV_LOCK);

  it('keeps the fork whose resolution-markers hold, with every hash the entry lists', () => {
    const lock = lockFromLockRead(uv, PY311, HEADER);
    expect(lock.text).toBe(
      `${HEAD}` +
        `filelock==3.16.1${hashes(FILELOCK_SDIST, FILELOCK_WHEEL)}\n` +
        `numpy==1.26.4${hashes(NUMPY_126_ARM, NUMPY_126_X86)}\n` +
        `torch==2.5.1+cpu${hashes(TORCH_CPU_311, TORCH_CPU_312)}\n`,
    );
    expect(lock.packages).toEqual([
      { name: 'filelock', version: '3.16.1', sha256: [FILELOCK_SDIST, FILELOCK_WHEEL], url: null },
      { name: 'numpy', version: '1.26.4', sha256: [NUMPY_126_ARM, NUMPY_126_X86], url: null },
      { name: 'torch', version: '2.5.1+cpu', sha256: [TORCH_CPU_311, TORCH_CPU_312], url: null },
    ]);
    expect(lock.environment).toBe(PY311);
    expect(lock.sha256).toBe(createHash('sha256').update(lock.text).digest('hex'));
  });

  it('picks the other Python fork on 3.12', () => {
    const lock = lockFromLockRead(uv, PY312, HEADER);
    expect(lock.packages.map((pkg) => `${pkg.name}==${pkg.version}`)).toEqual([
      'filelock==3.16.1',
      'numpy==2.1.3',
      'torch==2.5.1+cpu',
    ]);
    expect(lock.text).toContain(`numpy==2.1.3${hashes(NUMPY_213_X86)}\n`);
  });

  it('picks the platform fork: the PyPI torch on macOS, the CPU-index one on Linux', () => {
    expect(lockFromLockRead(uv, MAC312, HEADER).text).toContain(`torch==2.5.1${hashes(TORCH_MAC)}\n`);
    expect(lockFromLockRead(uv, ARM311, HEADER).text).toContain('torch==2.5.1+cpu ');
  });

  it('gives the same bytes for the same lock and environment', () => {
    expect(lockFromLockRead(uv, PY311, HEADER).sha256).toBe(lockFromLockRead(uv, PY311, HEADER).sha256);
    expect(lockFromLockRead(uv, PY311, HEADER).sha256).not.toBe(lockFromLockRead(uv, PY312, HEADER).sha256);
  });

  it('names both lines when two forks of one package hold', () => {
    const overlapping = UV_LOCK.replace(
      `resolution-markers = [
    "python_full_version >= '3.12' and sys_platform == 'darwin'",
    "python_full_version >= '3.12' and sys_platform != 'darwin'",
]
wheels = [
    { url = "https://files.pythonhosted.org/packages/fb/25/`,
      `resolution-markers = [
    "python_full_version >= '3.11'",
]
wheels = [
    { url = "https://files.pythonhosted.org/packages/fb/25/`,
    );
    expect(overlapping).not.toBe(UV_LOCK);
    // The project's edge to numpy 2.1.3 widened the same way, so the walk from it reaches both.
    const widened = overlapping.replace(
      `version = "2.1.3", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version >= '3.12'"`,
      `version = "2.1.3", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version >= '3.11'"`,
    );
    expect(widened).not.toBe(overlapping);
    const error = userErrorOf(() => lockFromLockRead(read(readUvLock, 'uv.lock', widened), PY311, HEADER));
    expect(error.phase).toBe('lock');
    expect(error.message).toBe(
      'numpy is locked more than once for Python 3.11.9 on linux/x86_64: numpy 1.26.4 at uv.lock:32 and numpy 2.1.3 at uv.lock:45 both apply',
    );
    expect(error.source).toEqual({ file: 'uv.lock', line: 32 });
    // Where only one holds, the lock converts.
    expect(lockFromLockRead(read(readUvLock, 'uv.lock', widened), PY310, HEADER).text).toContain(
      'numpy==1.26.4 ',
    );
    // Where the project's edges reach one fork only, the other's markers do not matter.
    expect(lockFromLockRead(read(readUvLock, 'uv.lock', overlapping), PY311, HEADER).text).toContain(
      'numpy==1.26.4 ',
    );
  });

  it('rejects a git source, which has no sha256, at its line', () => {
    // torch needs einops, on the same line as filelock so that every line stays where it was.
    const withGit = `${UV_LOCK.replace(
      `{ name = "filelock", marker = "sys_platform != 'darwin'" },`,
      `{ name = "einops" }, { name = "filelock", marker = "sys_platform != 'darwin'" },`,
    )}
[[package]]
name = "einops"
version = "0.8.1"
source = { git = "https://github.com/arogozhnikov/einops?rev=v0.8.1#0e3a3ec6bcc9d1a4eb05d1b3b5ea9a4e9e8a0f1c" }
`;
    const error = userErrorOf(() => lockFromLockRead(read(readUvLock, 'uv.lock', withGit), PY311, HEADER));
    expect(error.phase).toBe('lock');
    expect(error.message).toBe(
      'einops 0.8.1 has no sha256 in uv.lock: it cannot be installed with --require-hashes',
    );
    expect(error.source).toEqual({ file: 'uv.lock', line: 88 });
    expect(error.located).toBe(
      'uv.lock:88: einops 0.8.1 has no sha256 in uv.lock: it cannot be installed with --require-hashes',
    );
  });

  it('does not ask for hashes of a package another platform installs', () => {
    const macOnlyGit = `${UV_LOCK}
[[package]]
name = "pyobjc-core"
version = "10.3.1"
source = { git = "https://github.com/ronaldoussoren/pyobjc?rev=v10.3.1#6f7e5b3c2d1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e" }
resolution-markers = [
    "python_full_version >= '3.12' and sys_platform == 'darwin'",
    "python_full_version < '3.12' and sys_platform == 'darwin'",
]
`;
    const lock = lockFromLockRead(read(readUvLock, 'uv.lock', macOnlyGit), PY311, HEADER);
    expect(lock.packages.map((pkg) => pkg.name)).toEqual(['filelock', 'numpy', 'torch']);
  });

  it('wraps a malformed marker in an error at the package line', () => {
    const broken = UV_LOCK.replace(
      `"python_full_version >= '3.12' and sys_platform != 'darwin'",
    "python_full_version < '3.12' and sys_platform != 'darwin'",
]
dependencies = [
    { name = "filelock", marker = "sys_platform != 'darwin'" },`,
      `"python_full_version >= '3.12' and sys_platform = 'linux'",
]
dependencies = [
    { name = "filelock", marker = "sys_platform != 'darwin'" },`,
    );
    expect(broken).not.toBe(UV_LOCK);
    const error = userErrorOf(() => lockFromLockRead(read(readUvLock, 'uv.lock', broken), PY311, HEADER));
    expect(error.phase).toBe('lock');
    expect(error.source).toEqual({ file: 'uv.lock', line: 72 });
    expect(error.message).toBe(
      `torch 2.5.1+cpu: invalid marker "python_full_version >= '3.12' and sys_platform = 'linux'": unexpected '=' (did you mean '==') at column 48`,
    );
  });
});

// ------------------------------------------------------------------------------------ poetry.lock

const TARFILE_WHEEL = '77e284d754527b01fb1e6fa8a1afe577858ebe4e9dad8919e34c862cb399bc34';
const TARFILE_SDIST = 'd75e02c268746e1b8144c278978b6e98e85de6ad16f8e4b0844a154557eca991';
const COLORAMA_WHEEL = digest('colorama-0.4.6-py2.py3-none-any.whl');
const COLORAMA_SDIST = digest('colorama-0.4.6.tar.gz');
const TOMLI = '20365bfafea2738b2ee4982e6c2b55b7296480f3e9d70c006358f2b7e63c0e41';
const TORCH_CPU = 'db5381cc55c7833531424451674201aba2f357e009e99672e143a58b86947390';
const TQDM_WHEEL = digest('tqdm-4.67.1-py3-none-any.whl');

const POETRY_LOCK = `# This file is automatically @generated by Poetry 2.1.1 and should not be changed by hand.

[[package]]
name = "backports-tarfile"
version = "1.2.0"
description = "Backport of CPython tarfile module"
optional = false
python-versions = ">=3.8"
groups = ["main"]
markers = "python_version < \\"3.12\\""
files = [
    {file = "backports.tarfile-1.2.0-py3-none-any.whl", hash = "sha256:${TARFILE_WHEEL}"},
    {file = "backports_tarfile-1.2.0.tar.gz", hash = "sha256:${TARFILE_SDIST}"},
]

[[package]]
name = "colorama"
version = "0.4.6"
description = "Cross-platform colored terminal text."
optional = false
python-versions = "!=3.0.*,!=3.1.*,!=3.2.*,!=3.3.*,!=3.4.*,!=3.5.*,!=3.6.*,>=2.7"
groups = ["main"]
markers = "platform_system == \\"Windows\\""
files = [
    {file = "colorama-0.4.6-py2.py3-none-any.whl", hash = "sha256:${COLORAMA_WHEEL}"},
    {file = "colorama-0.4.6.tar.gz", hash = "sha256:${COLORAMA_SDIST}"},
]

[[package]]
name = "pytest"
version = "8.3.4"
description = "pytest: simple powerful testing with Python"
optional = false
python-versions = ">=3.8"
groups = ["dev"]
files = []

[[package]]
name = "tomli"
version = "2.2.1"
description = "A lil' TOML parser"
optional = false
python-versions = ">=3.8"
groups = ["main", "dev"]
markers = {main = "python_version < \\"3.11\\"", dev = "python_full_version <= \\"3.11.0a6\\""}
files = [
    {file = "tomli-2.2.1-py3-none-any.whl", hash = "sha256:${TOMLI}"},
]

[[package]]
name = "torch"
version = "2.5.1+cpu"
description = "Tensors and Dynamic neural networks in Python with strong GPU acceleration"
optional = false
python-versions = ">=3.9.0"
groups = ["main"]
files = [
    {file = "torch-2.5.1+cpu-cp311-cp311-linux_x86_64.whl", hash = "sha256:${TORCH_CPU}"},
]

[package.dependencies]
filelock = "*"

[package.source]
type = "legacy"
url = "https://download.pytorch.org/whl/cpu"
reference = "pytorch-cpu"

[[package]]
name = "tqdm"
version = "4.67.1"
description = "Fast, Extensible Progress Meter"
optional = false
python-versions = ">=3.7"
groups = ["main"]
files = [
    {file = "tqdm-4.67.1-py3-none-any.whl", hash = "sha256:${TQDM_WHEEL}"},
]

[package.dependencies]
colorama = {version = "*", markers = "platform_system == \\"Windows\\""}

[metadata]
lock-version = "2.1"
python-versions = ">=3.10,<3.13"
content-hash = "8604fd1238bb6733970e9156e6113cc8b3e6aa3306bb318b690972d93648db51"
`;

describe('lockFromLockRead: poetry.lock', () => {
  const poetry = read(readPoetryLock, 'poetry.lock', POETRY_LOCK);

  it('leaves out the Windows-only colorama and what the main group marks for older Pythons', () => {
    expect(lockFromLockRead(poetry, PY311, HEADER).text).toBe(
      `${HEAD}` +
        `backports-tarfile==1.2.0${hashes(TARFILE_WHEEL, TARFILE_SDIST)}\n` +
        `torch==2.5.1+cpu${hashes(TORCH_CPU)}\n` +
        `tqdm==4.67.1${hashes(TQDM_WHEEL)}\n`,
    );
  });

  it("reads the main group's marker of a package the groups mark differently", () => {
    const names = (env: MarkerEnvironment) =>
      lockFromLockRead(poetry, env, HEADER).packages.map((pkg) => pkg.name);
    expect(names(PY310)).toEqual(['backports-tarfile', 'tomli', 'torch', 'tqdm']);
    expect(names(PY312)).toEqual(['torch', 'tqdm']);
  });

  it('names both lines of a lock-version 2.0 package locked twice without markers', () => {
    const twice = `# This file is automatically @generated by Poetry 1.8.4 and should not be changed by hand.

[[package]]
name = "numpy"
version = "1.26.4"
description = "Fundamental package for array computing in Python"
optional = false
python-versions = ">=3.9"
files = [
    {file = "numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:${NUMPY_126_X86}"},
]

[[package]]
name = "numpy"
version = "2.1.3"
description = "Fundamental package for array computing in Python"
optional = false
python-versions = ">=3.10"
files = [
    {file = "numpy-2.1.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:${NUMPY_213_X86}"},
]

[metadata]
lock-version = "2.0"
python-versions = "^3.10"
content-hash = "3c9fa1e8c4b1ea2fca8d7d2e0b1f4a8d5e3c9b2a1f0e8d7c6b5a4f3e2d1c0b9a"
`;
    const error = userErrorOf(() =>
      lockFromLockRead(read(readPoetryLock, 'poetry.lock', twice), PY311, HEADER),
    );
    expect(error.message).toBe(
      'numpy is locked more than once for Python 3.11.9 on linux/x86_64: numpy 1.26.4 at poetry.lock:4 and numpy 2.1.3 at poetry.lock:14 both apply',
    );
    expect(error.source).toEqual({ file: 'poetry.lock', line: 4 });
  });

  it('rejects a main-group package with no files at its line', () => {
    const noFiles = POETRY_LOCK.replace(
      `files = [
    {file = "tqdm-4.67.1-py3-none-any.whl", hash = "sha256:${TQDM_WHEEL}"},
]`,
      'files = []',
    );
    const error = userErrorOf(() =>
      lockFromLockRead(read(readPoetryLock, 'poetry.lock', noFiles), PY311, HEADER),
    );
    expect(error.message).toBe(
      'tqdm 4.67.1 has no sha256 in poetry.lock: it cannot be installed with --require-hashes',
    );
    expect(error.source).toEqual({ file: 'poetry.lock', line: 70 });
  });
});

// --------------------------------------------------------------------------------------- pdm.lock

const ANYIO_WHEEL = '9f76d541cad6e36af7beb62e978876f3b41e3e04f2c1fbf0884604c0a9c4d93c';
const ANYIO_SDIST = '673c0c244e15788651a4ff38710fea9675823028a6f08a5eda409e0c9840a028';
const BLINKER_WHEEL = 'ba0efaa9080b619ff2f3459d1d500c57bddea4a6b424b60a91141db6fd2f08bc';
const NCCL_WHEEL = digest('nvidia_nccl_cu12-2.21.5-py3-none-manylinux2014_x86_64.whl');
const TRITON_WHEEL = digest('triton-3.1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl');

const PDM_LOCK = `# This file is @generated by PDM.
# It is not intended for manual editing.

[metadata]
groups = ["default", "test"]
strategy = ["inherit_metadata"]
lock_version = "4.5.0"
content_hash = "sha256:b557096e04d5aa422a30c5f3c596fd5f62ef3b4c9c02ad2bf92b8d517e1e5802"

[[metadata.targets]]
requires_python = ">=3.9"

[[package]]
name = "anyio"
version = "4.9.0"
requires_python = ">=3.9"
summary = "High level compatibility layer for multiple asynchronous event loop implementations"
groups = ["default", "test"]
dependencies = [
    "idna>=2.8",
    "sniffio>=1.1",
]
files = [
    {file = "anyio-4.9.0-py3-none-any.whl", hash = "sha256:${ANYIO_WHEEL}"},
    {file = "anyio-4.9.0.tar.gz", hash = "sha256:${ANYIO_SDIST}"},
]

[[package]]
name = "blinker"
version = "1.9.0"
requires_python = ">=3.9"
summary = "Fast, simple object-to-object and broadcast signaling"
groups = ["default"]
marker = "python_version >= \\"3.10\\""
files = [
    {file = "blinker-1.9.0-py3-none-any.whl", hash = "sha256:${BLINKER_WHEEL}"},
]

[[package]]
name = "nvidia-nccl-cu12"
version = "2.21.5"
requires_python = ">=3"
summary = "NVIDIA Collective Communication Library (NCCL) Runtime"
groups = ["default"]
marker = "platform_system == \\"Linux\\" and platform_machine == \\"x86_64\\""
files = [
    {file = "nvidia_nccl_cu12-2.21.5-py3-none-manylinux2014_x86_64.whl", hash = "sha256:${NCCL_WHEEL}"},
]

[[package]]
name = "triton"
version = "3.1.0"
summary = "A language and compiler for custom Deep Learning operations"
groups = ["default"]
marker = "platform_system == \\"Linux\\" and platform_machine == \\"x86_64\\" and python_version < \\"3.13\\""
files = [
    {file = "triton-3.1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:${TRITON_WHEEL}"},
]
`;

describe('lockFromLockRead: pdm.lock', () => {
  const pdm = read(readPdmLock, 'pdm.lock', PDM_LOCK);

  it('keeps the x86_64 wheels on x86_64', () => {
    expect(lockFromLockRead(pdm, PY311, HEADER).text).toBe(
      `${HEAD}` +
        `anyio==4.9.0${hashes(ANYIO_WHEEL, ANYIO_SDIST)}\n` +
        `blinker==1.9.0${hashes(BLINKER_WHEEL)}\n` +
        `nvidia-nccl-cu12==2.21.5${hashes(NCCL_WHEEL)}\n` +
        `triton==3.1.0${hashes(TRITON_WHEEL)}\n`,
    );
  });

  it('leaves them out on aarch64', () => {
    expect(lockFromLockRead(pdm, ARM311, HEADER).text).toBe(
      `${HEAD}anyio==4.9.0${hashes(ANYIO_WHEEL, ANYIO_SDIST)}\nblinker==1.9.0${hashes(BLINKER_WHEEL)}\n`,
    );
  });

  it('rejects an editable path package, which has no files, at its line', () => {
    const withPath = `${PDM_LOCK}
[[package]]
name = "my-lib"
version = "0.1.0"
requires_python = ">=3.9"
editable = true
path = "./libs/my-lib"
summary = "Local library"
groups = ["default"]
`;
    const error = userErrorOf(() => lockFromLockRead(read(readPdmLock, 'pdm.lock', withPath), PY311, HEADER));
    expect(error.message).toBe(
      'my-lib 0.1.0 has no sha256 in pdm.lock: it cannot be installed with --require-hashes',
    );
    expect(error.source).toEqual({ file: 'pdm.lock', line: 61 });
  });
});

// ----------------------------------------------------------------------------------- Pipfile.lock

const ATTRS_1 = '69c0dbf2ed392de1cb5ec704444b08a5ef81680a61cb899dc08127123af36a79';
const ATTRS_2 = 'f0b870f674851ecbfbbbd364d6b5cbdff9dcedbc7f3f5e18a6891057f21fe399';
const NUMPY = '96447c762d572a0537d869aac3192f4a399752459cf2116113138643bba5f1c6';
const TORCH = '7e60adc4f78db0eecd3a432532d34bb384c3cae4071b31a526182c8bb8b8744b';

const PIPFILE_LOCK = `{
    "_meta": {
        "hash": {
            "sha256": "c45ee7b9ec13e88a28b707a1050cb4fc17781d818fbb6c3e8bafd35b9ad4c9d0"
        },
        "pipfile-spec": 6,
        "requires": {
            "python_version": "3.11"
        },
        "sources": [
            {
                "name": "pypi",
                "url": "https://pypi.org/simple",
                "verify_ssl": true
            },
            {
                "name": "pytorch",
                "url": "https://download.pytorch.org/whl/cu121",
                "verify_ssl": true
            }
        ]
    },
    "default": {
        "attrs": {
            "hashes": [
                "sha256:${ATTRS_1}",
                "sha256:${ATTRS_2}"
            ],
            "markers": "python_version >= '3.7'",
            "version": "==23.1.0"
        },
        "colorama": {
            "hashes": [
                "sha256:${COLORAMA_WHEEL}",
                "sha256:${COLORAMA_SDIST}"
            ],
            "markers": "platform_system == 'Windows'",
            "version": "==0.4.6"
        },
        "numpy": {
            "hashes": [
                "sha256:${NUMPY.toUpperCase()}"
            ],
            "index": "pypi",
            "markers": "python_version >= '3.9'",
            "version": "==1.26.4"
        },
        "torch": {
            "hashes": [
                "sha256:${TORCH}"
            ],
            "index": "pytorch",
            "markers": "python_full_version >= '3.8.0'",
            "version": "==2.3.1+cu121"
        }
    },
    "develop": {
        "pytest": {
            "hashes": [
                "sha256:${ATTRS_2}"
            ],
            "index": "pypi",
            "version": "==8.0.0"
        }
    }
}
`;

describe('lockFromLockRead: Pipfile.lock', () => {
  it('leaves out colorama on Linux and lower-cases the hashes', () => {
    const pipfile = read(readPipfileLock, 'Pipfile.lock', PIPFILE_LOCK);
    expect(lockFromLockRead(pipfile, PY311, HEADER).text).toBe(
      `${HEAD}` +
        `attrs==23.1.0${hashes(ATTRS_1, ATTRS_2)}\n` +
        `numpy==1.26.4${hashes(NUMPY)}\n` +
        `torch==2.3.1+cu121${hashes(TORCH)}\n`,
    );
  });

  it('keeps colorama where its marker holds', () => {
    const pipfile = read(readPipfileLock, 'Pipfile.lock', PIPFILE_LOCK);
    const windows = { ...PY311, platform_system: 'Windows', sys_platform: 'win32', os_name: 'nt' };
    expect(lockFromLockRead(pipfile, windows, HEADER).packages.map((pkg) => pkg.name)).toEqual([
      'attrs',
      'colorama',
      'numpy',
      'torch',
    ]);
  });

  it('rejects a default package with no hashes at its line', () => {
    const unhashed = PIPFILE_LOCK.replace(`"sha256:${TORCH}"`, '');
    const error = userErrorOf(() =>
      lockFromLockRead(read(readPipfileLock, 'Pipfile.lock', unhashed), PY311, HEADER),
    );
    expect(error.message).toBe(
      'torch 2.3.1+cu121 has no sha256 in Pipfile.lock: it cannot be installed with --require-hashes',
    );
    expect(error.source).toEqual({ file: 'Pipfile.lock', line: 48 });
  });
});

// ------------------------------------------------------------------------------------ pylock.toml

const TOMLI_SDIST = '20365bfafea2738b2ee4982e6c2b55b7296480f3e9d70c006358f2b7e63c0e41';
const TORCH_ARM = digest('torch-2.5.1-cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64.whl');
const TORCH_X86 = digest('torch-2.5.1+cpu-cp311-cp311-linux_x86_64.whl');
const ATTRS = 'c75a69e28a550a7e93789579c22aa26b0f5b83b75dc4e08fe092980051e1090a';

const PYLOCK = `# This file was autogenerated by uv via the following command:
#    uv pip compile --universal -o pylock.toml pyproject.toml
lock-version = "1.0"
created-by = "uv"
requires-python = ">=3.10"

[[packages]]
name = "attrs"
version = "25.1.0"
index = "https://pypi.org/simple"
wheels = [{ url = "https://files.pythonhosted.org/packages/fc/30/attrs-25.1.0-py3-none-any.whl", upload-time = 2025-01-25T11:30:10Z, size = 63152, hashes = { sha256 = "${ATTRS}" } }]

[[packages]]
name = "tomli"
version = "2.2.1"
marker = "python_full_version < '3.11'"
index = "https://pypi.org/simple"
sdist = { url = "https://files.pythonhosted.org/packages/18/87/tomli-2.2.1.tar.gz", upload-time = 2024-11-27T22:38:36Z, size = 17175, hashes = { sha256 = "${TOMLI_SDIST}" } }

[[packages]]
name = "torch"
version = "2.5.1"
marker = "platform_machine == 'aarch64' and sys_platform == 'linux'"
index = "https://pypi.org/simple"
wheels = [{ url = "https://files.pythonhosted.org/packages/a1/b2/torch-2.5.1-cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64.whl", hashes = { sha256 = "${TORCH_ARM}" } }]

[[packages]]
name = "torch"
version = "2.5.1+cpu"
marker = "platform_machine == 'x86_64' and sys_platform == 'linux'"
index = "https://download.pytorch.org/whl/cpu"
wheels = [{ url = "https://download.pytorch.org/whl/cpu/torch-2.5.1%2Bcpu-cp311-cp311-linux_x86_64.whl", hashes = { sha256 = "${TORCH_X86}" } }]

[[packages]]
name = "transformers"
vcs = { type = "git", url = "https://github.com/huggingface/transformers.git", requested-revision = "main", commit-id = "6f4c1406e22be8b85b71ccc12f95ce8fe497df92" }
`;

describe('lockFromLockRead: pylock.toml', () => {
  const pylock = read(readPylock, 'pylock.toml', PYLOCK);

  it('keeps the x86_64 torch on x86_64, the aarch64 wheel on aarch64', () => {
    expect(lockFromLockRead(pylock, PY311, HEADER).text).toBe(
      `${HEAD}attrs==25.1.0${hashes(ATTRS)}\ntorch==2.5.1+cpu${hashes(TORCH_X86)}\n`,
    );
    expect(lockFromLockRead(pylock, ARM311, HEADER).text).toBe(
      `${HEAD}attrs==25.1.0${hashes(ATTRS)}\ntorch==2.5.1${hashes(TORCH_ARM)}\n`,
    );
  });

  it('keeps an sdist-only package where its marker holds', () => {
    expect(lockFromLockRead(pylock, PY310, HEADER).text).toContain(`tomli==2.2.1${hashes(TOMLI_SDIST)}\n`);
  });

  it('reads a PEP 751 dependency-group marker against the groups given', () => {
    const grouped = PYLOCK.replace(
      `marker = "python_full_version < '3.11'"`,
      `marker = "'docs' in dependency_groups"`,
    );
    const lock = read(readPylock, 'pylock.toml', grouped);
    expect(lockFromLockRead(lock, PY311, HEADER).packages.map((pkg) => pkg.name)).not.toContain('tomli');
    expect(
      lockFromLockRead(lock, { ...PY311, dependency_groups: 'docs' }, HEADER).packages.map((pkg) => pkg.name),
    ).toContain('tomli');
  });
});

// ------------------------------------------------------------------------- hashed requirements.txt

const CLICK_1 = 'ae74fb96c20a0277a1d615f1e4d73c8414f5a98db8b799a7931d1582f3390c28';
const CLICK_2 = 'ca9853ad459e787e2192211578cc907e7594e294c7ccc834310722b41b9ca6de';
const COLORAMA_1 = '08695f5cb7ed6e0531a20572697297273c47b8cae5a63ffc6d6ed5c201be6e44';
const COLORAMA_2 = '4f1d9991f5acc0ca119f9d443620b77f9d6b33703e51011c16baf57afb285fc6';
const NUMPY_2 = digest('numpy-2.1.3.tar.gz');

const REQUIREMENTS = `# This file was autogenerated by uv via the following command:
#    uv pip compile --universal --generate-hashes requirements.in -o requirements.txt
click==8.1.7 \\
    --hash=sha256:${CLICK_1} \\
    --hash=sha256:${CLICK_2}
    # via -r requirements.in
colorama==0.4.6 ; sys_platform == 'win32' \\
    --hash=sha256:${COLORAMA_1} \\
    --hash=sha256:${COLORAMA_2}
    # via click
numpy==1.26.4 ; python_full_version < '3.12' \\
    --hash=sha256:${NUMPY_126_X86.toUpperCase()} \\
    --hash=sha256:${NUMPY_126_ARM}
    # via -r requirements.in
numpy==2.1.3 ; python_full_version >= '3.12' \\
    --hash=sha256:${NUMPY_2} \\
    --hash=sha512:${'ab'.repeat(64)}
    # via -r requirements.in
`;

function hashedLock(files: Record<string, string>, env: MarkerEnvironment, path = 'requirements.txt') {
  return lockFromHashedRequirements(memoryReader(files), path, env, HEADER);
}

describe('lockFromHashedRequirements', () => {
  it('keeps the requirements whose markers hold, with their sha256 hashes', () => {
    expect(hashedLock({ 'requirements.txt': REQUIREMENTS }, PY311).text).toBe(
      `${HEAD}click==8.1.7${hashes(CLICK_1, CLICK_2)}\nnumpy==1.26.4${hashes(NUMPY_126_ARM, NUMPY_126_X86)}\n`,
    );
  });

  it('picks the pin for the Python, leaving other algorithms out', () => {
    const lock = hashedLock({ 'requirements.txt': REQUIREMENTS }, PY312);
    expect(lock.text).toBe(
      `${HEAD}click==8.1.7${hashes(CLICK_1, CLICK_2)}\nnumpy==2.1.3${hashes(NUMPY_2)}\n`,
    );
    expect(lock.environment).toBe(PY312);
  });

  it('follows -r includes and cites the included file', () => {
    const files = {
      'requirements.txt': `-r base.txt\nclick==8.1.7 --hash=sha256:${CLICK_1}\n`,
      'base.txt': `--index-url https://pypi.org/simple\ncolorama==0.4.6 --hash=sha256:${COLORAMA_1}\n`,
    };
    expect(hashedLock(files, PY311).text).toBe(
      `${HEAD}click==8.1.7${hashes(CLICK_1)}\ncolorama==0.4.6${hashes(COLORAMA_1)}\n`,
    );
    const unpinned = { ...files, 'base.txt': `colorama>=0.4 --hash=sha256:${COLORAMA_1}` };
    const error = userErrorOf(() => hashedLock(unpinned, PY311));
    expect(error.source).toEqual({ file: 'base.txt', line: 1 });
  });

  it('rejects a requirement without ==version at its line', () => {
    const text = `click==8.1.7 --hash=sha256:${CLICK_1}\ntorch>=2.1 \\\n    --hash=sha256:${TORCH}\n`;
    const error = userErrorOf(() => hashedLock({ 'requirements.txt': text }, PY311));
    expect(error.phase).toBe('lock');
    expect(error.message).toBe(
      'torch is not pinned with ==version: every line of a hashed requirements file needs ==version and --hash',
    );
    expect(error.source).toEqual({ file: 'requirements.txt', line: 2 });
  });

  it('rejects a requirement without --hash, even one for another platform', () => {
    const text = `click==8.1.7 --hash=sha256:${CLICK_1}\ncolorama==0.4.6 ; sys_platform == 'win32'\n`;
    const error = userErrorOf(() => hashedLock({ 'requirements.txt': text }, PY311));
    expect(error.message).toBe(
      'colorama has no --hash: every line of a hashed requirements file needs ==version and --hash',
    );
    expect(error.source).toEqual({ file: 'requirements.txt', line: 2 });
  });

  it('rejects a wildcard pin and a URL, neither of which is ==version', () => {
    for (const line of [
      `numpy==1.26.* --hash=sha256:${NUMPY}`,
      `torch @ https://download.pytorch.org/whl/cpu/torch-2.5.1%2Bcpu-cp311-cp311-linux_x86_64.whl --hash=sha256:${TORCH_X86}`,
    ]) {
      const error = userErrorOf(() => hashedLock({ 'requirements.txt': `${line}\n` }, PY311));
      expect(error.message).toMatch(/is not pinned with ==version: every line/);
    }
  });

  it('rejects a pin with only sha512 hashes, and a short digest', () => {
    const sha512 = userErrorOf(() =>
      hashedLock({ 'requirements.txt': `click==8.1.7 --hash=sha512:${'ab'.repeat(64)}\n` }, PY311),
    );
    expect(sha512.message).toBe(
      'click==8.1.7 has no sha256 --hash in requirements.txt: it cannot be installed with --require-hashes',
    );
    const short = userErrorOf(() =>
      hashedLock({ 'requirements.txt': 'click==8.1.7 --hash=sha256:abc123\n' }, PY311),
    );
    expect(short.message).toBe("click: 'sha256:abc123' is not a sha256 digest (64 hex digits)");
    expect(short.source).toEqual({ file: 'requirements.txt', line: 1 });
  });

  it('names both lines when two pins of one package hold', () => {
    const text = `numpy==1.26.4 ; python_version >= '3.9' --hash=sha256:${NUMPY_126_X86}\nnumpy==2.1.3 ; python_version >= '3.10' --hash=sha256:${NUMPY_2}\n`;
    const error = userErrorOf(() => hashedLock({ 'requirements.txt': text }, PY311));
    expect(error.message).toBe(
      'numpy is locked more than once for Python 3.11.9 on linux/x86_64: numpy 1.26.4 at requirements.txt:1 and numpy 2.1.3 at requirements.txt:2 both apply',
    );
  });

  it('wraps a malformed marker in an error at its line', () => {
    const text = `click==8.1.7 ; python_version >> '3.8' --hash=sha256:${CLICK_1}\n`;
    const error = userErrorOf(() => hashedLock({ 'requirements.txt': text }, PY311));
    expect(error.phase).toBe('lock');
    expect(error.message).toBe(
      `click 8.1.7: invalid marker "python_version >> '3.8'": expected a variable or a quoted string, found '>' at column 17`,
    );
    expect(error.source).toEqual({ file: 'requirements.txt', line: 1 });
  });
});
