import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLAMP_SCRIPT } from '../../../src/render/clamp.js';

const python = spawnSync('python3', ['--version']).status === 0;

/** Runs the generated clamp script on a folder standing for the image's root. */
function clamp(root: string, started: number, epoch: number) {
  const script = join(mkdtempSync(join(tmpdir(), 'ml-container-clamp-')), 'clamp.py');
  writeFileSync(script, CLAMP_SCRIPT);
  const result = spawnSync('python3', ['-I', '-S', '-B', script, String(started), String(epoch), root], {
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
}

describe.skipIf(!python)('clamp.py, run at the end of each generated RUN step', () => {
  it('sets the time of what the step changed, leaves older files and what links point at alone', () => {
    const root = mkdtempSync(join(tmpdir(), 'ml-container-root-'));
    const outside = mkdtempSync(join(tmpdir(), 'ml-container-outside-'));
    const started = Math.floor(Date.now() / 1000);
    const old = started - 3600;
    mkdirSync(join(root, 'usr'));
    writeFileSync(join(root, 'usr', 'base-file'), 'from the base image\n');
    utimesSync(join(root, 'usr', 'base-file'), old, old);
    utimesSync(join(root, 'usr'), old, old);
    mkdirSync(join(root, 'app'));
    writeFileSync(join(root, 'app', 'new.py'), 'print(1)\n');
    writeFileSync(join(outside, 'target'), 'not the image\n');
    symlinkSync(join(outside, 'target'), join(root, 'app', 'link'));
    // Deeper than Python's recursion limit: walked with a list.
    let deep = join(root, 'app');
    for (let level = 0; level < 1100; level++) deep = join(deep, 'd');
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'leaf'), 'x');
    const outsideBefore = lstatSync(join(outside, 'target')).mtimeMs;

    clamp(root, started, 1_700_000_000);

    expect(lstatSync(join(root, 'app', 'new.py')).mtimeMs).toBe(1_700_000_000_000);
    expect(lstatSync(join(root, 'app')).mtimeMs).toBe(1_700_000_000_000);
    expect(lstatSync(join(deep, 'leaf')).mtimeMs).toBe(1_700_000_000_000);
    expect(lstatSync(join(root, 'app', 'link')).mtimeMs).toBe(1_700_000_000_000);
    expect(lstatSync(join(outside, 'target')).mtimeMs).toBe(outsideBefore);
    expect(lstatSync(join(root, 'usr', 'base-file')).mtimeMs).toBe(old * 1000);
    expect(lstatSync(join(root, 'usr')).mtimeMs).toBe(old * 1000);
  });
});

describe.skipIf(!python)('clamp.py on one folder (the source and heavy-file steps)', () => {
  it('sets the time of the folder itself and what the step wrote in it, and walks nothing beside it', () => {
    const root = mkdtempSync(join(tmpdir(), 'ml-container-root-'));
    const started = Math.floor(Date.now() / 1000);
    mkdirSync(join(root, 'app'));
    writeFileSync(join(root, 'app', 'predict.py'), 'print(1)\n');
    // Changed during the step but outside the folder: not this walk's (the step cannot write there).
    writeFileSync(join(root, 'beside'), 'x');

    clamp(join(root, 'app'), started, 1_700_000_000);

    expect(lstatSync(join(root, 'app')).mtimeMs).toBe(1_700_000_000_000);
    expect(lstatSync(join(root, 'app', 'predict.py')).mtimeMs).toBe(1_700_000_000_000);
    expect(lstatSync(join(root, 'beside')).mtimeMs).toBeGreaterThanOrEqual((started - 2) * 1000);
  });
});

describe('clamp.py as written', () => {
  it('unescapes mount points as /proc/self/mountinfo escapes them (\\040 for a space)', () => {
    expect(CLAMP_SCRIPT).toContain(String.raw`re.sub(r"\\([0-7]{3})"`);
  });
});
