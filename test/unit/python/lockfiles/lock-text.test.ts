// A lockfile's versions are written into requirements.lock after `==`, where pip splits lines as
// Python's str.splitlines does: at \x1c, \x85 and U+2028 too. `1.6.0\x1c--extra-index-url=…` would
// be `joblib==1.6.0` and a line adding an index. Every reader refuses such a value at its line.
import { describe, expect, it } from 'vitest';
import { lockFromLockRead } from '../../../../src/lock/convert.js';
import type { RepoReader } from '../../../../src/project/reader.js';
import { readPdmLock } from '../../../../src/python/lockfiles/pdm-lock.js';
import { readPipfileLock } from '../../../../src/python/lockfiles/pipfile-lock.js';
import { readPoetryLock } from '../../../../src/python/lockfiles/poetry-lock.js';
import { readPylock } from '../../../../src/python/lockfiles/pylock.js';
import { readUvLock } from '../../../../src/python/lockfiles/uv-lock.js';
import { linuxEnvironment } from '../../../../src/python/markers.js';
import type { LockRead } from '../../../../src/python/types.js';
import { hasControlCharacters } from '../../../../src/text.js';
import { readWith, userErrorOf } from './helpers.js';

const HASH = 'a'.repeat(64);
const EVIL = '--extra-index-url=https://evil.example/simple';

/**
 * Control characters that are no whitespace to `\S`, so a version could hold them. TOML and JSON
 * write them as `\uXXXX` escapes, so the file itself is one line per key.
 */
const SEPARATORS = [['\\u001c'], ['\\u001d'], ['\\u001e'], ['\\u0085'], ['\\u0000'], ['\\u007f']] as const;

const readers: Record<
  string,
  { read: (reader: RepoReader, path: string) => LockRead; file: (escaped: string) => string; line: number }
> = {
  'uv.lock': {
    read: readUvLock,
    file: (version) => `version = 1
requires-python = ">=3.10"

[[package]]
name = "joblib"
version = "1.6.0${version}${EVIL}"
source = { registry = "https://pypi.org/simple" }
wheels = [{ url = "https://files.example/joblib-1.6.0-py3-none-any.whl", hash = "sha256:${HASH}" }]
`,
    line: 5,
  },
  'poetry.lock': {
    read: readPoetryLock,
    file: (version) => `[[package]]
name = "joblib"
version = "1.6.0${version}${EVIL}"
description = ""
optional = false
python-versions = ">=3.8"
files = [{file = "joblib-1.6.0-py3-none-any.whl", hash = "sha256:${HASH}"}]

[metadata]
lock-version = "2.0"
python-versions = "^3.10"
content-hash = "x"
`,
    line: 2,
  },
  'pdm.lock': {
    read: readPdmLock,
    file: (version) => `[metadata]
groups = ["default"]
lock_version = "4.4"

[[package]]
name = "joblib"
version = "1.6.0${version}${EVIL}"
groups = ["default"]
files = [{file = "joblib-1.6.0-py3-none-any.whl", hash = "sha256:${HASH}"}]
`,
    line: 6,
  },
  'pylock.toml': {
    read: readPylock,
    file: (version) => `lock-version = "1.0"
created-by = "test"

[[packages]]
name = "joblib"
version = "1.6.0${version}${EVIL}"
wheels = [{ url = "https://files.example/joblib-1.6.0-py3-none-any.whl", hashes = { sha256 = "${HASH}" } }]
`,
    line: 5,
  },
  'Pipfile.lock': {
    read: readPipfileLock,
    file: (version) => `{
  "_meta": { "requires": { "python_version": "3.11" }, "sources": [] },
  "default": {
    "joblib": {
      "hashes": ["sha256:${HASH}"],
      "version": "==1.6.0${version}${EVIL}"
    }
  },
  "develop": {}
}
`,
    line: 4,
  },
};

describe('lockfile versions with whitespace or control characters', () => {
  for (const [path, { read, file, line }] of Object.entries(readers)) {
    it.each(SEPARATORS)(`${path}: refuses a version holding %s, at its line`, (escaped) => {
      const error = userErrorOf(() => readWith(read, path)(file(escaped)));
      expect(error.phase).toBe('detect');
      expect(error.source).toEqual({ file: path, line });
      expect(error.message).toMatch(/package 'joblib'.*is not (?:a version|an exact pin)/);
      expect(hasControlCharacters(error.message)).toBe(false);
    });

    it(`${path}: still reads a plain version`, () => {
      const read_ = readWith(read, path)(file('').replace(EVIL, ''));
      expect(read_.packages.map((pkg) => `${pkg.name}==${pkg.version}`)).toEqual(['joblib==1.6.0']);
    });
  }

  it('never writes the extra index into requirements.lock (the uv.lock of the report)', () => {
    const { read, file } = readers['uv.lock'] ?? {};
    if (!read || !file) throw new Error('no uv.lock reader');
    const error = userErrorOf(() =>
      lockFromLockRead(readWith(read, 'uv.lock')(file('\\u001c')), linuxEnvironment('3.11.0', 'x86_64'), []),
    );
    expect(error.located).toMatch(/^uv\.lock:5: package 'joblib': '1\.6\.0\\u001c--extra-index-url/);
  });
});

describe('lockfile index URLs with whitespace or control characters', () => {
  it.each([
    [
      'uv.lock',
      readUvLock,
      `[[package]]\nname = "joblib"\nversion = "1.6.0"\nsource = { registry = "https://pypi.org/simple\\u0085x" }\n`,
      2,
    ],
    [
      'pylock.toml',
      readPylock,
      `lock-version = "1.0"\n[[packages]]\nname = "joblib"\nversion = "1.6.0"\nindex = "https://pypi.org/simple x"\n`,
      5,
    ],
    [
      'poetry.lock',
      readPoetryLock,
      `[[package]]\nname = "joblib"\nversion = "1.6.0"\n\n[package.source]\ntype = "legacy"\nurl = "https://corp.example/simple\\u001cx"\nreference = "corp"\n`,
      2,
    ],
    [
      'Pipfile.lock',
      readPipfileLock,
      `{"_meta": {"sources": [{"name": "pypi", "url": "https://pypi.org/simple\\u2028x"}]}, "default": {}}`,
      1,
    ],
  ] as const)('%s: refuses one, at its line', (path, read, content, line) => {
    const error = userErrorOf(() => readWith(read, path)(content));
    expect(error.source).toEqual({ file: path, line });
    expect(error.message).toMatch(/^index URL '.*' has whitespace or a control character$/);
    expect(hasControlCharacters(error.message)).toBe(false);
  });
});
