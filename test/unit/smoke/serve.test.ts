import { describe, expect, it } from 'vitest';
import type { DockerCli } from '../../../src/adapters/docker.js';
import type { ProcessResult } from '../../../src/adapters/process.js';
import type { ServerPlan } from '../../../src/plan/types.js';
import { serveArgs } from '../../../src/smoke/args.js';
import { answerProblem, chosenPort, serveTest } from '../../../src/smoke/serve.js';
import { irisPlan } from '../helpers.js';

const ok = (stdout = '', stderr = ''): ProcessResult => ({ exitCode: 0, stdout, stderr, timedOut: false });

const server: ServerPlan = {
  kind: 'fastapi',
  command: 'exec uvicorn main:app --host 0.0.0.0 --port "$PORT"',
  port: 8000,
  portFromEnv: true,
  readiness: 'answers',
  probes: [
    { method: 'GET', path: '/health', expect: 'success', why: 'route' },
    { method: 'GET', path: '/', expect: 'answers', why: 'root' },
  ],
  testEnv: {},
  test: true,
  required: false,
  why: 'main.py:3',
};

/**
 * A Docker CLI whose probe prints `outcome` (signed with the nonce it is given), or nothing when
 * the server died; the container is running unless `exited` says with which code it stopped.
 */
function dockerFor(
  outcome: object | null,
  state: { exited?: number; exitedAfterProbe?: number } = {},
): DockerCli & { calls: string[][] } {
  const calls: string[][] = [];
  let probed = false;
  return {
    calls,
    async exec(args, options) {
      calls.push([...args]);
      const [first] = args;
      if (first === 'run') return ok('c0ffee\n');
      if (first === 'exec') {
        probed = true;
        const nonce = options?.input?.split('\n')[0];
        if (!outcome) return { exitCode: 137, stdout: '', stderr: '', timedOut: false };
        return ok(`server noise\nML_CONTAINER_SERVE_RESULT ${nonce} ${JSON.stringify(outcome)}\n`);
      }
      if (first === 'container') {
        const code = state.exited ?? (probed ? state.exitedAfterProbe : undefined);
        return ok(code === undefined ? 'true 0 false\n' : `false ${code} false\n`);
      }
      if (first === 'logs') {
        return ok(
          '',
          'ERROR:    Traceback\nRuntimeError: model not found\nERROR:    Application startup failed. Exiting.\n',
        );
      }
      if (first === 'rm') return ok();
      throw new Error(`unexpected docker call: ${args.join(' ')}`);
    },
  };
}

const answered = {
  first_answer_seconds: 1.5,
  error: null,
  probes: [
    { method: 'GET', path: '/health', status: 200, seconds: 0.01, body: '{"ok":true}' },
    { method: 'GET', path: '/', status: 404, seconds: 0.01, body: '{"detail":"Not Found"}' },
  ],
};

describe('the serve test', () => {
  it("starts the image's own command detached, confined as the smoke test is, with the test's env", () => {
    expect(
      serveArgs(irisPlan(), {
        image: 'r/iris:pr-1',
        containerName: 'serve-1',
        memory: '2g',
        env: { STREAMLIT_SERVER_SCRIPT_HEALTH_CHECK_ENABLED: 'true' },
      }),
    ).toEqual([
      'run',
      '--detach',
      '--pull=never',
      '--name',
      'serve-1',
      '--network=none',
      '--read-only',
      '--tmpfs',
      '/tmp:rw,exec,nosuid,nodev,size=1g',
      '--cap-drop=ALL',
      '--security-opt=no-new-privileges',
      '--memory',
      '2g',
      '--memory-swap',
      '2g',
      '--pids-limit',
      '4096',
      '--ulimit',
      'nproc=8192:8192',
      '--ulimit',
      'nofile=8192:8192',
      '--env',
      'STREAMLIT_SERVER_SCRIPT_HEALTH_CHECK_ENABLED=true',
      'r/iris:pr-1',
    ]);
  });

  it('passes when the server answers every probe as planned, and always removes its container', async () => {
    const docker = dockerFor(answered);
    const { checks, serve } = await serveTest(irisPlan(), server, null, {
      docker,
      image: 'r/iris:pr-1',
      timeoutSeconds: 60,
      memory: '2g',
    });
    expect(checks.map((check) => [check.kind, check.name, check.status])).toEqual([
      ['serve', 'port 8000', 'passed'],
      ['http', 'GET /health', 'passed'],
      ['http', 'GET /', 'passed'],
    ]);
    expect(serve).toMatchObject({ kind: 'fastapi', port: 8000, command: server.command });
    expect(serve.first_answer_seconds).toBeGreaterThanOrEqual(1.5);
    const probe = docker.calls.find((call) => call[0] === 'exec') ?? [];
    // As a user other than the server's (10001 here), which therefore cannot read its nonce.
    expect(probe.slice(0, 9)).toEqual([
      'exec',
      '--interactive',
      '--user',
      '65533:65533',
      probe[4],
      'python3',
      '-I',
      '-S',
      '-c',
    ]);
    expect(docker.calls.at(-1)).toEqual(['rm', '--force', probe[4]]);
  });

  it('fails with the last log lines when the server exits before answering', async () => {
    const docker = dockerFor(null, { exited: 3 });
    const { checks } = await serveTest(irisPlan(), server, null, {
      docker,
      image: 'r/iris:pr-1',
      timeoutSeconds: 60,
      memory: '2g',
    });
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({
      kind: 'serve',
      status: 'failed',
      error: 'the server exited with code 3 before answering',
      trace: expect.stringContaining('Application startup failed'),
    });
    expect(docker.calls.at(-1)?.[0]).toBe('rm');
  });

  it('fails a probe answered wrongly, and a server that dies while probed', async () => {
    const failing = {
      ...answered,
      probes: [
        { method: 'GET', path: '/health', status: 503, seconds: 0.01, body: 'starting' },
        { method: 'GET', path: '/', status: 500, seconds: 0.01, body: 'Internal Server Error' },
      ],
    };
    const { checks } = await serveTest(irisPlan(), server, null, {
      docker: dockerFor(failing, { exitedAfterProbe: 1 }),
      image: 'i',
      timeoutSeconds: 60,
      memory: '2g',
    });
    expect(checks.filter((check) => check.status === 'failed').map((check) => check.error)).toEqual([
      'answered 503: starting',
      'answered 500: Internal Server Error',
      'the server exited with code 1 while it was probed',
    ]);
    expect(checks.at(-1)?.trace).toContain('RuntimeError');
  });

  it('sends the prediction request and compares the answer with its golden response', async () => {
    const request = {
      method: 'POST',
      path: '/predict',
      body: '{"features":[5.1,3.5,1.4,0.2]}',
      status: 200,
      expected: {
        output: { species: 'setosa', probabilities: [0.981657, 0.018343, 0] },
        tolerance: 1e-6,
        relativeTolerance: 0,
        source: { file: 'smoke-request.yml', line: 6 },
      },
      source: { file: 'smoke-request.yml', line: 2 },
    };
    const outcome = (answer: string) => ({
      ...answered,
      probes: [
        ...answered.probes,
        { method: 'POST', path: '/predict', status: 200, seconds: 0.02, body: answer },
      ],
    });
    const run = (answer: string) =>
      serveTest(irisPlan(), server, request, {
        docker: dockerFor(outcome(answer)),
        image: 'i',
        timeoutSeconds: 9,
        memory: '1g',
      });
    const good = await run(
      '{"probabilities":[0.981656829444016,0.01834315616093856,1.4395045350105303e-08],"species":"setosa"}',
    );
    expect(good.checks.slice(-2).map((check) => [check.kind, check.name, check.status])).toEqual([
      ['http', 'POST /predict', 'passed'],
      ['response', 'smoke-request.yml', 'passed'],
    ]);
    const bad = await run('{"probabilities":[0.5,0.5,0],"species":"setosa"}');
    expect(bad.checks.at(-1)).toMatchObject({
      kind: 'response',
      status: 'failed',
      error: expect.stringMatching(
        /^response differs from smoke-request\.yml:6: \$\.probabilities\[0\]: 0\.5 differs/,
      ),
    });
  });

  it('fails, naming the wait, a server that never answered', async () => {
    const { checks } = await serveTest(irisPlan(), server, null, {
      docker: dockerFor({
        first_answer_seconds: null,
        error: 'no answer within 60s: Connection refused',
        probes: [],
      }),
      image: 'i',
      timeoutSeconds: 60,
      memory: '2g',
    });
    expect(checks).toEqual([
      expect.objectContaining({ status: 'failed', error: 'no answer within 60s: Connection refused' }),
    ]);
  });

  it("probes a project's image that runs as 65533 as another user still", async () => {
    const docker = dockerFor(answered);
    await serveTest(irisPlan(), { ...server, command: null }, null, {
      docker,
      image: 'i',
      timeoutSeconds: 9,
      memory: '1g',
      imageConfig: { user: '65533', ports: [8000], command: '["serve"]' },
    });
    expect(docker.calls.find((call) => call[0] === 'exec')?.slice(2, 4)).toEqual(['--user', '65532:65532']);
  });

  it('fails a result line printed twice, or not of the shape the probe prints, whatever it says', async () => {
    const forged = { first_answer_seconds: 0.1, error: null, probes: [] };
    const twice: DockerCli = {
      async exec(args, options) {
        if (args[0] !== 'exec') return dockerFor(answered).exec(args, options);
        const nonce = options?.input?.split('\n')[0];
        const line = (outcome: object) => `ML_CONTAINER_SERVE_RESULT ${nonce} ${JSON.stringify(outcome)}\n`;
        return ok(line(answered) + line(answered));
      },
    };
    const doubled = await serveTest(irisPlan(), server, null, {
      docker: twice,
      image: 'i',
      timeoutSeconds: 9,
      memory: '1g',
    });
    expect(doubled.checks).toEqual([
      expect.objectContaining({
        status: 'failed',
        error: 'the probe reported 2 results where it prints one',
      }),
    ]);
    // No answers for the probes sent is not a pass.
    const empty = await serveTest(irisPlan(), server, null, {
      docker: dockerFor(forged),
      image: 'i',
      timeoutSeconds: 9,
      memory: '1g',
    });
    expect(empty.checks).toEqual([
      expect.objectContaining({ status: 'failed', error: 'the probe reported a malformed result' }),
    ]);
    const badStatus = {
      ...answered,
      probes: answered.probes.map((probe) => ({ ...probe, status: '200' })),
    };
    const typed = await serveTest(irisPlan(), server, null, {
      docker: dockerFor(badStatus),
      image: 'i',
      timeoutSeconds: 9,
      memory: '1g',
    });
    expect(typed.checks[0]?.error).toBe('the probe reported a malformed result');
  });

  it("skips a project's own image that EXPOSEs nothing under smoke-serve: auto, and fails it under true", async () => {
    const own = { ...server, command: null, kind: null, port: 0 };
    const config = { user: 'app', ports: [], command: '["python","train.py"]' };
    const options = { image: 'i', timeoutSeconds: 9, memory: '1g', imageConfig: config };
    const auto = await serveTest(irisPlan(), own, null, { ...options, docker: dockerFor(answered) });
    expect(auto.checks).toEqual([
      expect.objectContaining({
        status: 'skipped',
        reason: "the image EXPOSEs no port; set 'smoke-serve: true' to serve it anyway",
      }),
    ]);
    const required = await serveTest(irisPlan(), { ...own, required: true }, null, {
      ...options,
      docker: dockerFor(answered),
    });
    expect(required.checks[0]).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('EXPOSEs no port'),
    });
  });

  it('says the probe ran out of time, not that the server exited, when it did', async () => {
    const slow: DockerCli = {
      async exec(args, options) {
        if (args[0] === 'exec') return { exitCode: 137, stdout: '', stderr: '', timedOut: true };
        return dockerFor(answered).exec(args, options);
      },
    };
    const { checks } = await serveTest(irisPlan(), server, null, {
      docker: slow,
      image: 'i',
      timeoutSeconds: 9,
      memory: '1g',
    });
    expect(checks[0]?.error).toBe('the probe did not finish within smoke-timeout (9s) and a minute');
  });

  it('judges answers: 5xx always fails, a health route wants 2xx, a request its status', () => {
    expect(answerProblem(200, { kind: 'success' }, '')).toBeNull();
    expect(answerProblem(404, { kind: 'success' }, 'nope')).toBe('answered 404, expected 2xx: nope');
    expect(answerProblem(404, { kind: 'answers' }, '')).toBeNull();
    expect(answerProblem(502, { kind: 'answers' }, '')).toBe('answered 502');
    expect(answerProblem(201, { kind: 'status', status: 200 }, '')).toBe('answered 201, expected 200');
    expect(answerProblem(null, { kind: 'answers' }, '')).toBe('no answer');
  });

  it("probes the project's image on the EXPOSEd port its framework uses, else its lowest", () => {
    const own = { ...server, command: null };
    expect(chosenPort(own, [9000, 8000])).toBe(8000);
    expect(chosenPort(own, [9000, 7000])).toBe(7000);
    expect(chosenPort(own, [])).toBe(8000);
    expect(chosenPort(server, [9000])).toBe(8000);
  });
});
