import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectFiles, TEXT_CAP } from '../../../src/adapters/project-file.js';
import { userError } from '../helpers.js';

const SECRET = 'GHP_SECRET_TOKEN_c0ffee';
const hasFifo = spawnSync('mkfifo', ['--version']).status === 0;

describe.skipIf(process.platform === 'win32')('projectFiles: the one rule for reading a project', () => {
  let root: string;
  let outside: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ml-container-project-'));
    outside = mkdtempSync(join(tmpdir(), 'ml-container-outside-'));
    writeFileSync(join(outside, 'secret.txt'), `TOKEN=${SECRET}\n`);
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'real.txt'), 'numpy\n');
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('reads a file, and one through a link that stays inside the project', () => {
    symlinkSync('src/real.txt', join(root, 'alias.txt'));
    symlinkSync('src', join(root, 'folder-alias'));
    const project = projectFiles(root, 'detect');
    expect(project.readText('src/real.txt')).toBe('numpy\n');
    expect(project.readText('alias.txt')).toBe('numpy\n');
    expect(project.readText('folder-alias/real.txt')).toBe('numpy\n');
    expect(project.size('alias.txt')).toBe(6);
  });

  it('gives null for a missing file, a dangling link and a folder', () => {
    symlinkSync('nowhere.txt', join(root, 'dangling.txt'));
    const project = projectFiles(root, 'detect');
    expect(project.readText('missing.txt')).toBeNull();
    expect(project.size('missing.txt')).toBeNull();
    expect(project.readText('dangling.txt')).toBeNull();
    expect(project.readText('src')).toBeNull();
  });

  it('refuses a link to a file outside, naming the file and the rule, never what it points at', () => {
    symlinkSync(join(outside, 'secret.txt'), join(root, 'env.txt'));
    const project = projectFiles(root, 'detect');
    for (const read of [() => project.readText('env.txt'), () => project.size('env.txt')]) {
      const error = userError(read);
      expect(error.message).toBe(
        'env.txt links to a file outside the project; links may only point inside it',
      );
      expect(error.source).toEqual({ file: 'env.txt' });
      expect(error.phase).toBe('detect');
      expect(`${error.located} ${error.detail ?? ''}`).not.toContain(SECRET);
    }
  });

  it('refuses a path through a linked folder that leads out', () => {
    symlinkSync(outside, join(root, 'vendor'));
    const error = userError(() => projectFiles(root, 'render').readText('vendor/secret.txt'));
    expect(error.message).toBe(
      'vendor/secret.txt links to a file outside the project; links may only point inside it',
    );
    expect(error.phase).toBe('render');
  });

  it('refuses a path that climbs out of the project without any link', () => {
    const error = userError(() => projectFiles(root, 'detect').readText('../secret.txt'));
    expect(error.message).toBe('../secret.txt is outside the project');
  });

  it.skipIf(!existsSync('/proc/self/environ'))('refuses a link to /proc/self/environ', () => {
    symlinkSync('/proc/self/environ', join(root, 'requirements.txt'));
    const error = userError(() => projectFiles(root, 'detect').readText('requirements.txt'));
    expect(error.message).toContain('links to a file outside the project');
    expect(error.message).not.toContain('PATH=');
  });

  it.skipIf(!hasFifo)('refuses a FIFO without blocking on it', () => {
    expect(spawnSync('mkfifo', [join(root, 'pipe.txt')]).status).toBe(0);
    const project = projectFiles(root, 'detect');
    const error = userError(() => project.readText('pipe.txt'));
    expect(error.message).toBe(
      'pipe.txt is a named pipe (FIFO), not a regular file; only regular files are read from the project',
    );
    expect(userError(() => project.size('pipe.txt')).source).toEqual({ file: 'pipe.txt' });
  });

  it('refuses a file over the cap, whether its size says so or only its bytes do', () => {
    writeFileSync(join(root, 'big.txt'), 'x'.repeat(2048));
    const project = projectFiles(root, 'detect');
    expect(userError(() => project.readText('big.txt', 1024)).message).toBe(
      'big.txt is larger than 1024 bytes, the most read of one file of the project',
    );
    expect(project.readText('big.txt', 2048)).toHaveLength(2048);
  });

  it('refuses a text file over 16 MiB by default', () => {
    // Sparse: no disk is spent, and the size alone refuses it before a byte is read.
    writeFileSync(join(root, 'uv.lock'), '');
    truncateSync(join(root, 'uv.lock'), TEXT_CAP + 1);
    expect(userError(() => projectFiles(root, 'detect').readText('uv.lock')).message).toBe(
      'uv.lock is larger than 16 MiB, the most read of one file of the project',
    );
  });

  it('escapes a name with a newline in a message', () => {
    symlinkSync(join(outside, 'secret.txt'), join(root, 'a\nb.txt'));
    expect(userError(() => projectFiles(root, 'detect').readText('a\nb.txt')).message).toMatch(
      /^a\\nb\.txt links to a file outside/,
    );
  });
});

describe.skipIf(process.platform === 'win32')('projectFiles.sha256', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ml-container-hash-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('streams the file through sha256, over many chunks', async () => {
    // Several read chunks (1 MiB each), so the streamed hash is compared across chunk boundaries.
    const bytes = randomBytes(5 * 2 ** 20 + 123);
    writeFileSync(join(root, 'model.joblib'), bytes);
    const expected = createHash('sha256').update(bytes).digest('hex');
    expect(await projectFiles(root, 'build').sha256('model.joblib')).toBe(expected);
    expect(await projectFiles(root, 'build').sha256('missing.joblib')).toBeNull();
  });

  it('refuses a model linked from outside', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'ml-container-outside-'));
    writeFileSync(join(outside, 'weights.pt'), 'x');
    symlinkSync(join(outside, 'weights.pt'), join(root, 'model.pt'));
    await expect(projectFiles(root, 'build').sha256('model.pt')).rejects.toThrow(
      'model.pt links to a file outside the project; links may only point inside it',
    );
    rmSync(outside, { recursive: true, force: true });
  });

  // One byte past the 2 GiB a single buffer holds, where reading the model whole failed; sparse, so
  // it costs no disk, only the ~6 s of hashing it.
  it('hashes a model larger than 2 GiB', async () => {
    writeFileSync(join(root, 'model.pt'), '');
    truncateSync(join(root, 'model.pt'), 2 ** 31 + 1);
    expect(await projectFiles(root, 'build').sha256('model.pt')).toBe(
      'b8030a8ab89280935633d8d991da3d9907c0f12e8b6fc3bfc515f4d440872b6e',
    );
  }, 60_000);
});
