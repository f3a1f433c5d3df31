import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hostileDocker } from './hostile-docker.js';
import { runnerCommands } from './workflow-commands.js';

const docker = vi.hoisted(() => ({ buildFails: false }));
vi.mock('../../src/adapters/docker.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  dockerCli: () => hostileDocker(docker),
}));
vi.mock('../../src/adapters/git.js', () => ({
  commitFacts: async () => ({ sha: null, time: '2026-11-20T10:00:00Z' }),
}));

const { run } = await import('../../src/main.js');

const dir = mkdtempSync(join(tmpdir(), 'ml-container-main-'));
// @actions/core keeps the summary file it first opened, so every run writes this one.
const summary = join(dir, 'summary.md');

/** The action run as the runner runs it, on a fork's pull request: its log, summary and exit code. */
async function runAction(): Promise<{ log: string; summary: string; exitCode: number }> {
  const event = join(dir, 'event.json');
  writeFileSync(
    event,
    JSON.stringify({
      pull_request: { number: 7, head: { repo: { full_name: 'fork/iris' } } },
      repository: { full_name: 'acme/iris' },
    }),
  );
  writeFileSync(summary, '');
  for (const [name, value] of Object.entries({
    INPUT_CONTEXT: resolve('examples/sklearn-iris'),
    GITHUB_WORKSPACE: resolve('.'),
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_REF: 'refs/pull/7/merge',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REPOSITORY: 'acme/iris',
    GITHUB_STEP_SUMMARY: summary,
    // Outputs as workflow commands on stdout, so the test sees them among the log's commands.
    GITHUB_OUTPUT: '',
  }))
    vi.stubEnv(name, value);
  let log = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    log += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  const exitCode = process.exitCode;
  try {
    await run();
    return { log, summary: readFileSync(summary, 'utf8'), exitCode: Number(process.exitCode ?? 0) };
  } finally {
    write.mockRestore();
    process.exitCode = exitCode;
  }
}

describe('the action’s log, with a pull request whose build scripts and model talk to the runner', () => {
  beforeEach(() => {
    docker.buildFails = false;
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('runs only its own commands: the build’s output and the failed check run none', async () => {
    const { log, exitCode } = await runAction();
    expect(exitCode).toBe(1);
    const reading = runnerCommands(log);
    expect(reading.stoppedAtEnd).toBe(false);
    expect(reading.stops).toBeGreaterThanOrEqual(1);
    const names = new Set(reading.commands.map((command) => command.name));
    expect([...names].sort()).toEqual(['endgroup', 'error', 'group', 'set-output']);
    // The error annotation cites no file: its name holds a line break.
    const errors = reading.commands.filter((command) => command.name === 'error');
    expect(errors[0]?.line).toMatch(/^::error title=ml-container%3A smoke failed::smoke test failed/);
    expect(errors[0]?.line).not.toContain('file=');
    // The build's output is all there, between the stop and resume lines, its last line ended.
    expect(log).toMatch(
      /::stop-commands::([0-9a-f]{32})\n#5 \[3\/4\] RUN pip[\s\S]*#5 1\.4 ::error::split across chunks\n#5 1\.5 no newline at the end\n::\1::\n/,
    );
  });

  it('shows a failed build’s output with commands off, then its own error', async () => {
    docker.buildFails = true;
    const { log, summary } = await runAction();
    const reading = runnerCommands(log);
    expect(reading.stoppedAtEnd).toBe(false);
    expect(log).toContain('::add-mask::passed');
    expect(reading.commands.map((command) => command.name)).not.toContain('add-mask');
    const errors = reading.commands.filter((command) => command.name === 'error');
    expect(errors.map((command) => command.data)).toEqual([
      'docker buildx build failed',
      'docker buildx build failed',
    ]);
    expect(summary).toContain('## ml-container: ❌ failed in build');
  });
});
