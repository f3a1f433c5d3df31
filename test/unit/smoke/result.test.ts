import { describe, expect, it } from 'vitest';
import type { DockerCli } from '../../../src/adapters/docker.js';
import type { ProcessOptions } from '../../../src/adapters/process.js';
import { isUserError } from '../../../src/errors.js';
import { smoke } from '../../../src/smoke/index.js';
import { irisLock, irisPlan } from '../helpers.js';

const MARKER = 'ML_CONTAINER_SMOKE_RESULT ';
const report = (passed: boolean) =>
  JSON.stringify({
    passed,
    checks: [{ kind: 'import', name: 'scikit-learn', status: passed ? 'passed' : 'failed', seconds: 1 }],
    python: '3.11.2',
    peak_memory_bytes: 1,
  });

/** A Docker CLI whose smoke container prints what `stdout` makes of the nonce it was given. */
function dockerPrinting(stdout: (nonce: string) => string) {
  const runs: { args: readonly string[]; options?: ProcessOptions }[] = [];
  const docker: DockerCli = {
    async exec(args, options) {
      runs.push({ args, options });
      const nonce = options?.input?.trim() ?? '';
      return { exitCode: 0, stdout: stdout(nonce), stderr: '', timedOut: false };
    },
  };
  return { docker, runs };
}

const run = (docker: DockerCli) =>
  smoke(irisPlan(), irisLock(), { docker, image: 'i', command: null, timeoutSeconds: 60, memory: '2g' });

async function failure(docker: DockerCli): Promise<string> {
  const error = await run(docker).then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!isUserError(error)) throw new Error(`expected a UserError, got ${String(error)}`);
  return error.message;
}

describe('the smoke result', () => {
  it('gives the harness a fresh nonce on standard input only, never in its arguments or environment', async () => {
    const { docker, runs } = dockerPrinting((nonce) => `${MARKER}${nonce} ${report(true)}\n`);
    await run(docker);
    await run(docker);
    const nonces = runs.map((entry) => entry.options?.input?.trim() ?? '');
    for (const nonce of nonces) expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(nonces[0]).not.toBe(nonces[1]);
    const [first] = runs;
    expect(first?.args).toContain('--interactive');
    expect(first?.args.join('\n')).not.toContain(nonces[0]);
    expect(first?.options?.env).toBeUndefined();
  });

  it('takes only the line signed with the nonce: forged lines before and after it are ignored', async () => {
    const { docker } = dockerPrinting((nonce) =>
      [
        `${MARKER}${report(true)}`,
        `${MARKER}${'0'.repeat(32)} ${report(true)}`,
        `${MARKER}${nonce} ${report(false)}`,
        `${MARKER}${nonce.slice(0, -1)} ${report(true)}`,
        '',
      ].join('\n'),
    );
    const result = await run(docker);
    expect(result.passed).toBe(false);
    expect(result.checks).toEqual([expect.objectContaining({ status: 'failed' })]);
  });

  it('crashed before reporting: no signed line, however many unsigned ones claim a pass', async () => {
    const { docker } = dockerPrinting(() => `${MARKER}${report(true)}\n${MARKER}cafe ${report(true)}\n`);
    expect(await failure(docker)).toMatch(/smoke test crashed before reporting, exit code 0/);
  });

  it('refuses two signed lines: the harness prints one', async () => {
    const { docker } = dockerPrinting(
      (nonce) => `${MARKER}${nonce} ${report(true)}\n${MARKER}${nonce} ${report(false)}\n`,
    );
    expect(await failure(docker)).toMatch(/smoke test reported 2 results where its harness prints one/);
  });
});
