import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { detect } from '../../../src/detect/index.js';
import { isBadInput } from '../../../src/errors.js';
import { directoryReader } from '../../../src/project/reader.js';
import { userError } from '../helpers.js';

/**
 * Paths the file system refuses, as it does to a user without permission. Tests run as root in CI,
 * where `chmod 000` refuses nothing, so the refusal is simulated at the calls that meet it
 * (the fuzz test checks the real thing as an unprivileged user).
 */
const denied = vi.hoisted(() => new Set<string>());

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  type Call<Result> = (path: import('node:fs').PathLike, ...rest: unknown[]) => Result;
  const refused = (path: string, itself: boolean): boolean =>
    [...denied].some((folder) => (itself && path === folder) || path.startsWith(`${folder}/`));
  // Reading a denied folder or file fails; so does finding anything below it, as without the
  // search permission, while the denied path itself still resolves, its parent being searchable.
  const guard =
    <Result>(call: Call<Result>, itself: boolean): Call<Result> =>
    (path, ...rest) => {
      const shown = String(path).replace(/\/+$/, '');
      if (refused(shown, itself)) {
        throw Object.assign(new Error(`EACCES: permission denied, '${shown}'`), { code: 'EACCES' });
      }
      return call(path, ...rest);
    };
  const patched = {
    ...fs,
    readdirSync: guard(fs.readdirSync as Call<unknown>, true),
    openSync: guard(fs.openSync as Call<number>, true),
    realpathSync: Object.assign(guard(fs.realpathSync as Call<string>, false), {
      native: fs.realpathSync.native,
    }),
    lstatSync: guard(fs.lstatSync as Call<unknown>, false),
    statSync: guard(fs.statSync as Call<unknown>, false),
  };
  return { ...patched, default: patched };
});

describe.skipIf(process.platform === 'win32')('directoryReader: paths it may not read', () => {
  let root: string;
  const write = (path: string, text: string): void => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'ml-container-unreadable-')));
    write('requirements.txt', 'numpy\n');
  });
  afterEach(() => {
    denied.clear();
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses an unreadable project folder as bad input, naming it', () => {
    denied.add(root);
    const error = userError(() => detect(directoryReader(root)));
    expect(isBadInput(error)).toBe(true);
    expect(error.located).toBe(`.: the project folder ${root} cannot be read: permission denied`);
  });

  it('refuses an unreadable subfolder, naming it and how to leave it out', () => {
    write('src/deep/code.py', '');
    denied.add(join(root, 'src/deep'));
    const error = userError(() => detect(directoryReader(root)));
    expect(isBadInput(error)).toBe(true);
    expect(error.source).toEqual({ file: 'src/deep' });
    expect(error.message).toBe(
      'src/deep cannot be read: permission denied; make it readable, or leave it out with .dockerignore',
    );
  });

  it('does not read an unreadable folder that .dockerignore leaves out', () => {
    write('secret/key.txt', '');
    write('.dockerignore', 'secret\n');
    denied.add(join(root, 'secret'));
    expect(detect(directoryReader(root)).dependencies.files).toEqual(['requirements.txt']);
  });

  it.each([['requirements.txt'], ['.python-version'], ['more.txt']])(
    'refuses an unreadable file (%s), naming it',
    (path) => {
      write('.python-version', '3.10\n');
      write('more.txt', 'scipy\n');
      write('requirements.txt', 'numpy\n-r more.txt\n');
      denied.add(join(root, path));
      const error = userError(() => detect(directoryReader(root)));
      expect(isBadInput(error)).toBe(true);
      expect(error.source).toEqual({ file: path });
      expect(error.message).toBe(`${path} cannot be read: permission denied`);
    },
  );

  it('refuses a project folder that does not exist, naming it', () => {
    const error = userError(() => detect(directoryReader(join(root, 'missing'))));
    expect(error.located).toBe(`.: the project folder ${join(root, 'missing')} does not exist`);
  });

  it('refuses a file in a folder it may not search, naming the file', () => {
    write('cog.yaml', 'build:\n  python_requirements: sub/requirements.txt\n');
    write('sub/requirements.txt', 'numpy\n');
    denied.add(join(root, 'sub'));
    const error = userError(() => detect(directoryReader(root)));
    expect(error.source?.file).toMatch(/^sub/);
  });
});
