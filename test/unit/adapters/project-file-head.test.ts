import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectFiles, TEXT_CAP } from '../../../src/adapters/project-file.js';
import { userError } from '../helpers.js';

const hasFifo = spawnSync('mkfifo', ['--version']).status === 0;

describe.skipIf(process.platform === 'win32')('projectFiles.readHead: the start of a file', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ml-container-head-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('reads the start of a file over the text cap, which readText refuses', () => {
    writeFileSync(join(root, 'model.json'), '{"learner": {}}');
    truncateSync(join(root, 'model.json'), TEXT_CAP + 1);
    const project = projectFiles(root, 'detect');
    expect(project.readHead('model.json', 11)).toBe('{"learner":');
    expect(userError(() => project.readText('model.json')).message).toMatch(/larger than 16 MiB/);
  });

  it('reads a short file whole, and is null for a missing one', () => {
    writeFileSync(join(root, 'a.txt'), 'tree\n');
    const project = projectFiles(root, 'detect');
    expect(project.readHead('a.txt', 4096)).toBe('tree\n');
    expect(project.readHead('missing.txt', 4096)).toBeNull();
  });

  it('keeps the one rule: no link out, no device', () => {
    symlinkSync('/dev/zero', join(root, 'zero.json'));
    symlinkSync('/etc/hostname', join(root, 'out.json'));
    const project = projectFiles(root, 'detect');
    expect(userError(() => project.readHead('zero.json', 10)).source).toEqual({ file: 'zero.json' });
    expect(userError(() => project.readHead('out.json', 10)).message).toMatch(/links to a file outside/);
  });

  it.skipIf(!hasFifo)('refuses a FIFO without blocking on it', () => {
    spawnSync('mkfifo', [join(root, 'pipe.json')]);
    expect(userError(() => projectFiles(root, 'detect').readHead('pipe.json', 10)).message).toMatch(
      /named pipe \(FIFO\)/,
    );
  });
});
