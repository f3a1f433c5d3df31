// lockFromLockRead walks a uv.lock or poetry.lock from the project's own dependencies: a package
// is installed when some path of edges whose markers hold reaches it, as `uv sync` and
// `poetry install` decide. The fixtures (test/unit/python/lockfiles/graph-fixtures.ts) lock
// Windows-only packages without a marker of their own: only the edges leave them out.
import { describe, expect, it } from 'vitest';
import { isUserError, type UserError } from '../../../src/errors.js';
import { lockFromLockRead } from '../../../src/lock/convert.js';
import { memoryReader } from '../../../src/project/reader.js';
import { readPoetryLock } from '../../../src/python/lockfiles/poetry-lock.js';
import { readUvLock } from '../../../src/python/lockfiles/uv-lock.js';
import { linuxEnvironment, type MarkerEnvironment } from '../../../src/python/markers.js';
import {
  POETRY_LINUX_311,
  POETRY_LOCK,
  POETRY_PEP621_PYPROJECT,
  POETRY_PYPROJECT,
  UV_LINUX_311,
  UV_LOCK,
  UV_PYPROJECT,
} from '../python/lockfiles/graph-fixtures.js';

const HEADER = ['Converted from the project lock.'];
const PY311 = linuxEnvironment('3.11.9');
const PY310 = linuxEnvironment('3.10.15');
const ARM311 = linuxEnvironment('3.11.9', 'aarch64');
const WIN311: MarkerEnvironment = {
  ...linuxEnvironment('3.11.9', 'AMD64'),
  os_name: 'nt',
  sys_platform: 'win32',
  platform_system: 'Windows',
};

function userErrorOf(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    if (isUserError(error)) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

/** The 1-based line of the first line of `text` that contains `needle`, from line `after` on. */
function lineOf(text: string, needle: string, after = 1): number {
  const index = text.split('\n').findIndex((line, at) => at + 1 >= after && line.includes(needle));
  if (index < 0) throw new Error(`no line holds ${needle}`);
  return index + 1;
}

function uvNames(env: MarkerEnvironment, pyproject: string | null = UV_PYPROJECT, lock = UV_LOCK): string[] {
  const tree: Record<string, string> = { 'uv.lock': lock };
  if (pyproject !== null) tree['pyproject.toml'] = pyproject;
  const read = readUvLock(memoryReader(tree), 'uv.lock');
  return lockFromLockRead(read, env, HEADER).packages.map((pkg) => pkg.name);
}

function poetryNames(env: MarkerEnvironment, pyproject: string | null, lock = POETRY_LOCK): string[] {
  const tree: Record<string, string> = { 'poetry.lock': lock };
  if (pyproject !== null) tree['pyproject.toml'] = pyproject;
  const read = readPoetryLock(memoryReader(tree), 'poetry.lock');
  return lockFromLockRead(read, env, HEADER).packages.map((pkg) => pkg.name);
}

describe('lockFromLockRead walks uv.lock from the project', () => {
  it('leaves out colorama and pywin32, reached only by Windows edges, and keeps what Linux reaches', () => {
    const names = uvNames(PY311);
    expect(names).toEqual(UV_LINUX_311);
    expect(names).not.toContain('colorama');
    expect(names).not.toContain('pywin32');
  });

  it('keeps them on Windows, where those edges hold', () => {
    const names = uvNames(WIN311);
    expect(names).toContain('colorama');
    expect(names).toContain('pywin32');
    expect(names).not.toContain('nvidia-cublas-cu12');
  });

  it('follows the Python markers of edges: pytest needs tomli and exceptiongroup before 3.11', () => {
    expect(uvNames(PY310)).toEqual([...UV_LINUX_311, 'exceptiongroup', 'tomli'].sort());
  });

  it('follows the machine markers of edges: no CUDA library for torch on aarch64', () => {
    expect(uvNames(ARM311)).toEqual(UV_LINUX_311.filter((name) => name !== 'nvidia-cublas-cu12'));
  });

  it("installs the extras an edge asks for (requests[socks]), not the project's own or others", () => {
    const names = uvNames(PY311);
    expect(names).toContain('pysocks');
    expect(names).not.toContain('chardet'); // requests' use-chardet-on-py3, asked for by no one
    expect(names).not.toContain('matplotlib'); // the project's `plot` extra
    expect(names).not.toContain('pyparsing'); // reached only through matplotlib
  });

  it('installs the dev group by default, the other groups when default-groups says so', () => {
    expect(uvNames(PY311)).not.toContain('ruff');
    const all = `${UV_PYPROJECT}\n[tool.uv]\ndefault-groups = "all"\n`;
    expect(uvNames(PY311, all)).toEqual([...UV_LINUX_311, 'ruff'].sort());
    const lint = `${UV_PYPROJECT}\n[tool.uv]\ndefault-groups = ["lint"]\n`;
    const pytestOnly = ['iniconfig', 'packaging', 'pluggy', 'pytest'];
    expect(uvNames(PY311, lint)).toEqual(
      [...UV_LINUX_311.filter((name) => !pytestOnly.includes(name)), 'ruff'].sort(),
    );
    const none = `${UV_PYPROJECT}\n[tool.uv]\ndefault-groups = []\n`;
    expect(uvNames(PY311, none)).toEqual(UV_LINUX_311.filter((name) => !pytestOnly.includes(name)));
  });

  it('walks from the project entry of the lock when no pyproject.toml is beside it (dev by default)', () => {
    expect(uvNames(PY311, null)).toEqual(UV_LINUX_311);
  });

  it("settles uv's conflict markers against the groups installed", () => {
    const lock = UV_LOCK.replace(
      '    { name = "tqdm" },\n]',
      `    { name = "tqdm" },
    { name = "ruff", marker = "extra == 'group-8-ml-serve-dev' and extra != 'extra-8-ml-serve-plot'" },
    { name = "chardet", marker = "extra == 'extra-8-ml-serve-plot'" },
]`,
    );
    expect(lock).not.toBe(UV_LOCK);
    const names = uvNames(PY311, UV_PYPROJECT, lock);
    expect(names).toContain('ruff');
    expect(names).not.toContain('chardet');
    const none = `${UV_PYPROJECT}\n[tool.uv]\ndefault-groups = []\n`;
    expect(uvNames(PY311, none, lock)).not.toContain('ruff');
  });

  it('names the line of an edge whose marker cannot be evaluated', () => {
    const broken = UV_LOCK.replace(
      `name = "click"
version = "8.1.7"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "colorama", marker = "sys_platform == 'win32'" },`,
      `name = "click"
version = "8.1.7"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "colorama", marker = "sys_platform = 'win32'" },`,
    );
    expect(broken).not.toBe(UV_LOCK);
    const error = userErrorOf(() => uvNames(PY311, UV_PYPROJECT, broken));
    expect(error.phase).toBe('lock');
    expect(error.source).toEqual({ file: 'uv.lock', line: lineOf(broken, "sys_platform = 'win32'") });
    expect(error.message).toBe(
      `click 8.1.7: dependency colorama: invalid marker "sys_platform = 'win32'": unexpected '=' (did you mean '==') at column 14`,
    );
  });

  it('refuses a lock that lacks a dependency pyproject.toml adds, naming both files', () => {
    const added = UV_PYPROJECT.replace('    "tqdm>=4.66",\n', '    "tqdm>=4.66",\n    "numpy>=2.1",\n');
    expect(added).not.toBe(UV_PYPROJECT);
    const error = userErrorOf(() => uvNames(PY311, added));
    expect(error.phase).toBe('lock');
    expect(error.message).toBe(
      `uv.lock does not lock numpy, which pyproject.toml:${lineOf(added, 'numpy')} needs: run \`uv lock\``,
    );
    expect(error.source).toEqual({ file: 'uv.lock' });
  });

  it('does not ask the lock for a dependency whose marker does not hold here', () => {
    const windowsOnly = UV_PYPROJECT.replace(
      '    "tqdm>=4.66",\n',
      '    "tqdm>=4.66",\n    "pywin32-ctypes; sys_platform == \'win32\'",\n',
    );
    expect(uvNames(PY311, windowsOnly)).toEqual(UV_LINUX_311);
    expect(userErrorOf(() => uvNames(WIN311, windowsOnly)).message).toMatch(
      /^uv\.lock does not lock pywin32-ctypes, which pyproject\.toml:\d+ needs/,
    );
  });

  it('keeps every package whose marker holds when the lock has no project entry, as before', () => {
    const noProject = UV_LOCK.replace(
      'source = { editable = "." }',
      'source = { registry = "https://pypi.org/simple" }\nwheels = []',
    );
    expect(noProject).not.toBe(UV_LOCK);
    // The project entry is a package now, with no artifacts: the walk is off, so it is kept and refused.
    expect(userErrorOf(() => uvNames(PY311, UV_PYPROJECT, noProject)).message).toBe(
      'ml-serve 0.1.0 has no sha256 in uv.lock: it cannot be installed with --require-hashes',
    );
  });
});

describe('lockFromLockRead walks poetry.lock from the main dependencies of pyproject.toml', () => {
  it('leaves out the Windows-only colorama and pywin32, the dev group and the optional rich', () => {
    const names = poetryNames(PY311, POETRY_PYPROJECT);
    expect(names).toEqual(POETRY_LINUX_311);
    for (const dropped of ['colorama', 'pywin32', 'pytest', 'iniconfig', 'rich', 'pygments', 'mdurl']) {
      expect(names).not.toContain(dropped);
    }
  });

  it('reads the PEP 621 dependencies of Poetry 2 the same way', () => {
    expect(poetryNames(PY311, POETRY_PEP621_PYPROJECT)).toEqual(POETRY_LINUX_311);
  });

  it('follows Python markers of edges and the extras asked for (httpx[http2] pulls h2, not brotli)', () => {
    expect(poetryNames(PY310, POETRY_PYPROJECT)).toEqual(
      [...POETRY_LINUX_311, 'exceptiongroup', 'typing-extensions'].sort(),
    );
    const noExtra = POETRY_PYPROJECT.replace(
      'httpx = {version = "^0.27", extras = ["http2"]}',
      'httpx = "^0.27"',
    );
    expect(noExtra).not.toBe(POETRY_PYPROJECT);
    expect(poetryNames(PY311, noExtra)).toEqual(
      POETRY_LINUX_311.filter((name) => !['h2', 'hpack', 'hyperframe'].includes(name)),
    );
  });

  it('keeps colorama and pywin32 on Windows', () => {
    const names = poetryNames(WIN311, POETRY_PYPROJECT);
    expect(names).toContain('colorama');
    expect(names).toContain('pywin32');
  });

  it('refuses a lock that lacks a main dependency pyproject.toml adds', () => {
    const added = POETRY_PYPROJECT.replace(
      'portalocker = "^2.10"\n',
      'portalocker = "^2.10"\nnumpy = "^2.1"\n',
    );
    const error = userErrorOf(() => poetryNames(PY311, added));
    expect(error.message).toBe(
      `poetry.lock does not lock numpy, which pyproject.toml:${lineOf(added, 'numpy')} needs: run \`poetry lock\``,
    );
    expect(error.source).toEqual({ file: 'poetry.lock' });
    const windowsOnly = POETRY_PYPROJECT.replace(
      'portalocker = "^2.10"\n',
      'portalocker = "^2.10"\npywin32-ctypes = {version = "*", markers = "sys_platform == \'win32\'"}\n',
    );
    expect(poetryNames(PY311, windowsOnly)).toEqual(POETRY_LINUX_311);
  });

  it('keeps every package as before when pyproject.toml names no dependencies or is absent', () => {
    const everything = [
      'anyio',
      'certifi',
      'click',
      'colorama',
      'exceptiongroup',
      'h11',
      'h2',
      'hpack',
      'httpcore',
      'httpx',
      'hyperframe',
      'idna',
      'iniconfig',
      'markdown-it-py',
      'mdurl',
      'packaging',
      'pluggy',
      'portalocker',
      'pygments',
      'pytest',
      'pywin32',
      'rich',
      'sniffio',
      'tomli',
      'typing-extensions',
    ];
    expect(poetryNames(PY311, null)).toEqual(everything);
    expect(poetryNames(PY311, '[tool.poetry]\nname = "ml-serve"\nversion = "0.1.0"\n')).toEqual(everything);
  });
});
