import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detect } from '../../../src/detect/index.js';
import type { UserError } from '../../../src/errors.js';
import { directoryReader } from '../../../src/project/reader.js';
import { readExpected } from '../../../src/smoke/expected.js';
import { userError } from '../helpers.js';

const SECRET = 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI';
const RULE = 'links to a file outside the project; links may only point inside it';
const hasFifo = spawnSync('mkfifo', ['--version']).status === 0;

/** Everything a failure shows: the annotation's line, and the detail the log and summary print. */
const shown = (error: UserError): string => `${error.located}\n${error.detail ?? ''}`;

describe.skipIf(process.platform === 'win32')('directoryReader: links out of the project', () => {
  let root: string;
  let outside: string;
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const linkOut = (path: string, target = join(outside, 'secret.txt')): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    symlinkSync(target, join(root, path));
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ml-container-links-'));
    outside = mkdtempSync(join(tmpdir(), 'ml-container-outside-'));
    // Shaped so that each reader would fail on it and quote it, were it ever read.
    writeFileSync(join(outside, 'secret.txt'), `${SECRET}\n`);
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('refuses a -r include linked out, naming it, never printing what it holds', () => {
    write('requirements.txt', 'numpy\n-r env.txt\n');
    linkOut('env.txt');
    const error = userError(() => detect(directoryReader(root)));
    expect(error.message).toBe(`env.txt ${RULE}`);
    expect(error.source?.file).toBe('env.txt');
    expect(shown(error)).not.toContain('wJalrXUtnFEMI');
  });

  it.skipIf(!existsSync('/proc/self/environ'))('refuses a -r include linked to /proc/self/environ', () => {
    write('requirements.txt', '-r env.txt\n');
    linkOut('env.txt', '/proc/self/environ');
    const error = userError(() => detect(directoryReader(root)));
    expect(error.message).toBe(`env.txt ${RULE}`);
    expect(shown(error)).not.toContain('PATH=');
  });

  it('says a top-level manifest links out, rather than that there is no project', () => {
    linkOut('requirements.txt');
    const error = userError(() => detect(directoryReader(root)));
    expect(error.message).toBe(`requirements.txt ${RULE}`);
    expect(error.source).toEqual({ file: 'requirements.txt' });
    expect(shown(error)).not.toContain('wJalrXUtnFEMI');
  });

  it('says so of a top-level lockfile linked out too', () => {
    write('pyproject.toml', '[project]\nname = "x"\ndependencies = ["numpy"]\n');
    linkOut('uv.lock');
    expect(userError(() => detect(directoryReader(root))).message).toBe(`uv.lock ${RULE}`);
  });

  it('says so of a top-level manifest linked to a folder outside', () => {
    linkOut('pyproject.toml', outside);
    expect(userError(() => detect(directoryReader(root))).message).toBe(
      'pyproject.toml links to a folder outside the project; links may only point inside it',
    );
  });

  it('still takes a manifest linked to a file inside the project', () => {
    write('deps/requirements.txt', 'numpy\n');
    symlinkSync('deps/requirements.txt', join(root, 'requirements.txt'));
    expect(detect(directoryReader(root)).dependencies.requirements.map((item) => item.name)).toEqual([
      'numpy',
    ]);
  });

  it('refuses .python-version linked out', () => {
    write('requirements.txt', 'numpy\n');
    linkOut('.python-version');
    const error = userError(() => detect(directoryReader(root)));
    expect(error.message).toBe(`.python-version ${RULE}`);
    expect(shown(error)).not.toContain('wJalrXUtnFEMI');
  });

  it("refuses cog's python_requirements linked out", () => {
    write(
      'cog.yaml',
      'build:\n  python_version: "3.11"\n  python_requirements: deps.txt\npredict: predict.py:P\n',
    );
    write('predict.py', '');
    linkOut('deps.txt');
    const error = userError(() => detect(directoryReader(root)));
    expect(error.message).toBe(`deps.txt ${RULE}`);
    expect(shown(error)).not.toContain('wJalrXUtnFEMI');
  });

  it('refuses a smoke-expected file linked out', () => {
    linkOut('golden.yml');
    const error = userError(() => readExpected(directoryReader(root), 'golden.yml'));
    expect(error.message).toBe(`golden.yml ${RULE}`);
    expect(shown(error)).not.toContain('wJalrXUtnFEMI');
  });

  it('refuses a .dockerignore linked out', () => {
    write('requirements.txt', 'numpy\n');
    linkOut('.dockerignore');
    expect(userError(() => directoryReader(root).files()).message).toBe(`.dockerignore ${RULE}`);
  });

  it.skipIf(!hasFifo)('refuses a -r include that is a FIFO, without hanging', () => {
    write('requirements.txt', '-r pipe.txt\n');
    expect(spawnSync('mkfifo', [join(root, 'pipe.txt')]).status).toBe(0);
    expect(userError(() => detect(directoryReader(root))).message).toBe(
      'pipe.txt is a named pipe (FIFO), not a regular file; only regular files are read from the project',
    );
  });

  it('leaves links out of the project elsewhere unlisted, as before', () => {
    write('requirements.txt', 'numpy\n');
    linkOut('notes.txt');
    linkOut('sub/requirements.txt');
    expect(directoryReader(root).files()).toEqual(['requirements.txt']);
  });
});

describe('requirements: repository text in messages', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ml-container-quote-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('quotes a bad line cut short and on one line', () => {
    writeFileSync(join(root, 'requirements.txt'), `numpy ${'A'.repeat(500)}\n`);
    const error = userError(() => detect(directoryReader(root)));
    expect(error.message).toMatch(/^invalid version specifier 'A{80}…' for numpy: expected an operator/);
  });
});
