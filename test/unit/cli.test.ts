import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inputTable } from '../../src/inputs.js';

// A check that let bad input through would reach these: fail loudly rather than build anything.
vi.mock('../../src/adapters/docker.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  dockerCli: () => {
    throw new Error('docker reached: the command line should have been refused');
  },
}));
vi.mock('../../src/adapters/git.js', () => ({
  commitFacts: async () => ({ sha: null, time: '2026-11-20T10:00:00Z' }),
}));

const { cli } = await import('../../src/cli.js');

const EXAMPLE = 'examples/sklearn-iris';
const missing = join(mkdtempSync(join(tmpdir(), 'ml-container-cli-')), 'missing');

/** One command line run in-process, as the bin runs it: exit code, stdout, stderr. */
async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const code = await cli(argv);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ml-container --version', () => {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

  it.each([['--version'], ['-V'], ['version']])('%s prints the package version, exit 0', async (flag) => {
    expect(await run(flag)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('ml-container --help', () => {
  it.each([['--help'], ['-h'], ['help']])('%s prints the usage on stdout, exit 0', async (flag) => {
    const result = await run(flag);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ml-container — /);
    expect(result.stdout).toContain('--version');
  });

  describe.each(['run', 'plan', 'detect'])('%s', (command) => {
    it.each([
      [command, '--help'],
      [command, '-h'],
      ['help', command],
      [command, EXAMPLE, '--json', '--help'],
    ])('%s %s prints its usage on stdout, exit 0', async (...argv) => {
      const result = await run(...argv);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(new RegExp(`^usage: ml-container ${command} \\[DIR\\]`));
      expect(result.stdout).toContain('--json');
    });
  });

  it.each(['run', 'plan'])('lists every action input as a flag of %s', async (command) => {
    const { stdout } = await run(command, '--help');
    for (const input of inputTable) expect(stdout).toMatch(new RegExp(`--${input.name}\\b`));
  });

  it('lists the flags of detect and none of the build inputs', async () => {
    const { stdout } = await run('detect', '--help');
    expect(stdout).toContain('--dependency-file FILE');
    expect(stdout).not.toContain('--push');
  });
});

describe('bad input exits 2 with one line naming the flag or path', () => {
  it.each([
    [['detect', EXAMPLE, '--no-such-flag'], "unknown flag '--no-such-flag'"],
    [['run', EXAMPLE, '-x'], "unknown flag '-x'"],
    [['detect', EXAMPLE, '--push', 'true'], "unknown flag '--push'"],
    [['plan', EXAMPLE, '--out'], "flag '--out' needs a value"],
    [['run', EXAMPLE, '--push', '--json'], "flag '--push' needs a value"],
    [['detect', EXAMPLE, '--json=yes'], "flag '--json' takes no value"],
    [['detect', EXAMPLE, 'other'], "'detect' takes one DIR, got 2"],
    [['plan', EXAMPLE], "'plan' needs --out OUT"],
    [['frobnicate'], "unknown command 'frobnicate'"],
    [['help', 'frobnicate'], "unknown command 'frobnicate'"],
    [[], 'missing command'],
    [['--version', 'extra'], "'--version' takes no arguments"],
  ])('%j: usage errors print the usage after the message', async (argv, message) => {
    const result = await run(...argv);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toContain(message);
    expect(result.stderr).toContain('usage:');
  });

  it.each([
    [['detect', missing], `DIR '${missing}' does not exist`],
    [['detect', 'package.json'], "DIR 'package.json' is not a directory"],
    [['run', missing], `DIR '${missing}' does not exist`],
    [['plan', missing, '--out', 'out'], `DIR '${missing}' does not exist`],
    [['run', '--context', missing], `--context '${missing}' does not exist`],
    [
      ['plan', EXAMPLE, '--out', join(missing, 'out')],
      `--out '${join(missing, 'out')}': folder '${missing}'`,
    ],
    [['plan', EXAMPLE, '--out', 'package.json'], "--out 'package.json' is not a directory"],
    [['run', EXAMPLE, '--summary', join(missing, 's.md')], `--summary '${join(missing, 's.md')}': folder`],
    [['run', EXAMPLE, '--summary', EXAMPLE], `--summary '${EXAMPLE}' is a directory`],
  ])('%j', async (argv, message) => {
    const result = await run(...argv);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toContain('internal error');
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining(message)]);
  });
});

it('still detects a real project, exit 0', async () => {
  const result = await run('detect', EXAMPLE, '--json');
  expect(result.code, result.stderr).toBe(0);
  expect(JSON.parse(result.stdout)).toHaveProperty('python');
});
