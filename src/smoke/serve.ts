import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type DockerCli, outputTail } from '../adapters/docker.js';
import type { BuildPlan, ServerPlan } from '../plan/types.js';
import { formatSource } from '../source.js';
import { serveArgs } from './args.js';
import { compareOutput } from './expected.js';
import type { SmokeCheck } from './index.js';
import type { ServeRequest } from './request.js';

const PROBE = readFileSync(new URL('./probe.py', import.meta.url), 'utf8');
const MARKER = 'ML_CONTAINER_SERVE_RESULT ';
/**
 * The probe's user: not the server's, so the server (a fork's code) cannot open the probe's
 * /proc/<pid>/fd to read its nonce or write a result; 65533 is neither nobody nor the generated
 * image's user, and the other one is taken when the image runs as 65533.
 */
const PROBE_USERS = ['65533:65533', '65532:65532'];
/** The server's log lines a failure shows: enough for a traceback, short enough to read. */
const LOG_LINES = 40;

/** What the serve test found, for the summary and the metadata output. */
export interface ServeReport {
  kind: string | null;
  /** The image's command as it ran: the plan's, or the project image's own. */
  command: string;
  port: number;
  /** From `docker run` to the server's first answer of any status; null when it never answered. */
  first_answer_seconds: number | null;
  probes: { method: string; path: string; status: number | null; seconds: number; passed: boolean }[];
  platform?: string;
}

interface ProbeOutcome {
  first_answer_seconds: number | null;
  error: string | null;
  probes: {
    method: string;
    path: string;
    status: number | null;
    seconds: number;
    body?: string;
    error?: string;
  }[];
}

type Expectation = { kind: 'success' } | { kind: 'answers' } | { kind: 'status'; status: number };

/**
 * Starts the image as it deploys (its own command, read-only root, no network but loopback, the
 * smoke test's limits), waits for the server's first answer, then probes it from inside the
 * container. A server that exits, never answers, or answers a probe wrongly fails a check; the
 * server's last log lines are that check's trace.
 */
export async function serveTest(
  plan: BuildPlan,
  server: ServerPlan,
  request: ServeRequest | null,
  options: {
    docker: DockerCli;
    image: string;
    timeoutSeconds: number;
    memory: string;
    platform?: string | null;
    /** The project's own image: its configured USER and EXPOSEd ports. */
    imageConfig?: { user: string; ports: number[]; command: string } | null;
    gpus?: boolean;
  },
): Promise<{ checks: SmokeCheck[]; serve: ServeReport }> {
  const { docker } = options;
  const port = chosenPort(server, options.imageConfig?.ports ?? []);
  const command = server.command ?? options.imageConfig?.command ?? "the image's own command";
  const platform = options.platform ?? undefined;
  const serve: ServeReport = {
    kind: server.kind,
    command,
    port,
    first_answer_seconds: null,
    probes: [],
    ...(platform ? { platform } : {}),
  };
  const name = `port ${port}`;
  // Under smoke-serve: auto, a project's own image that EXPOSEs nothing may be a batch job.
  if (server.command === null && options.imageConfig?.ports.length === 0 && !server.required) {
    return {
      checks: [
        {
          kind: 'serve',
          name,
          status: 'skipped',
          seconds: 0,
          reason: "the image EXPOSEs no port; set 'smoke-serve: true' to serve it anyway",
          ...(platform ? { platform } : {}),
        },
      ],
      serve,
    };
  }
  if (port === 0) {
    return {
      checks: [
        failed(
          name,
          'the image EXPOSEs no port and no framework was detected to name one: set EXPOSE in the Dockerfile',
          platform,
        ),
      ],
      serve,
    };
  }
  const containerName = `ml-container-serve-${randomBytes(6).toString('hex')}`;
  const nonce = randomBytes(16).toString('hex');
  const probes = [
    ...server.probes.map((probe) => ({
      method: probe.method,
      path: probe.path,
      body: null as string | null,
      expect: { kind: probe.expect } as Expectation,
      keep_body: false,
    })),
    ...(request
      ? [
          {
            method: request.method,
            path: request.path,
            body: request.body,
            expect: { kind: 'status', status: request.status } as Expectation,
            keep_body: true,
          },
        ]
      : []),
  ];
  const started = Date.now();
  const run = await docker.exec(
    serveArgs(plan, {
      image: options.image,
      containerName,
      memory: options.memory,
      platform: options.platform ?? null,
      imageUser: options.imageConfig?.user,
      gpus: options.gpus,
      env: server.testEnv,
    }),
  );
  try {
    if (run.exitCode !== 0) {
      return {
        checks: [failed(name, `the container did not start: ${outputTail(run, 3)}`, platform)],
        serve,
      };
    }
    const execStarted = Date.now();
    const [first] = probes;
    const waitOn = first?.method === 'GET' ? first : null;
    const probed = await docker.exec(
      [
        'exec',
        '--interactive',
        '--user',
        probeUser(options.imageConfig?.user ?? ''),
        containerName,
        'python3',
        '-I',
        '-S',
        '-c',
        PROBE,
      ],
      {
        input: `${nonce}\n${JSON.stringify({
          port,
          timeout: options.timeoutSeconds,
          readiness: server.readiness,
          wait_path: waitOn?.path ?? '/',
          wait_expect: waitOn?.expect.kind === 'success' ? 'success' : 'answers',
          probes: probes.map(({ method, path, body, keep_body }) => ({ method, path, body, keep_body })),
        })}\n`,
        // Probes sent once the wait is over get a few seconds each, past the wait's own limit.
        timeoutMs: (options.timeoutSeconds + 60) * 1000,
        onTimeout: async () => {
          await docker.exec(['rm', '--force', containerName]);
        },
      },
    );
    if (probed.timedOut) {
      return {
        checks: [
          failed(
            name,
            `the probe did not finish within smoke-timeout (${options.timeoutSeconds}s) and a minute`,
            platform,
          ),
        ],
        serve,
      };
    }
    const prefix = `${MARKER}${nonce} `;
    const lines = probed.stdout.split('\n').filter((candidate) => candidate.startsWith(prefix));
    const state = await containerState(docker, containerName);
    const outcome = lines.length === 1 ? readOutcome(lines[0] ?? '', prefix, probes.length) : null;
    if (lines.length > 1 || (lines.length === 1 && !outcome)) {
      return {
        checks: [
          failed(
            name,
            `the probe reported ${lines.length > 1 ? `${lines.length} results where it prints one` : 'a malformed result'}`,
            platform,
          ),
        ],
        serve,
      };
    }
    if (!outcome) {
      const why = state.running
        ? `the probe could not run in the container (exit code ${probed.exitCode}): ${outputTail(probed, 3)}`
        : `the server exited with code ${state.exitCode}${state.oomKilled ? ` (killed: over the ${options.memory} memory limit)` : ''} before answering`;
      return { checks: [failed(name, why, platform, await serverLog(docker, containerName))], serve };
    }
    serve.first_answer_seconds =
      outcome.first_answer_seconds === null
        ? null
        : (execStarted - started) / 1000 + outcome.first_answer_seconds;
    if (outcome.error) {
      const exited = state.running ? '' : ` (the server exited with code ${state.exitCode})`;
      return {
        checks: [failed(name, `${outcome.error}${exited}`, platform, await serverLog(docker, containerName))],
        serve,
      };
    }
    const checks: SmokeCheck[] = [
      {
        kind: 'serve',
        name,
        status: 'passed',
        seconds: serve.first_answer_seconds ?? 0,
        detail: `${command}; first answer after ${(serve.first_answer_seconds ?? 0).toFixed(1)} s`,
        ...(platform ? { platform } : {}),
      },
    ];
    for (const [index, answer] of outcome.probes.entries()) {
      // Named by what was sent: the result line only reports each answer's status and time.
      const sent = probes[index];
      if (!sent) break;
      const { expect } = sent;
      const problem = answer.error ?? answerProblem(answer.status, expect, answer.body ?? '');
      serve.probes.push({
        method: sent.method,
        path: sent.path,
        status: answer.status,
        seconds: answer.seconds,
        passed: problem === null,
      });
      checks.push({
        kind: 'http',
        name: `${sent.method} ${sent.path}`,
        status: problem === null ? 'passed' : 'failed',
        seconds: answer.seconds,
        ...(problem === null
          ? { detail: `${answer.status} in ${answer.seconds.toFixed(2)} s` }
          : { error: problem }),
        ...(platform ? { platform } : {}),
      });
      if (index === probes.length - 1 && request?.expected && problem === null) {
        const difference = compareOutput(answer.body ?? '', request.expected);
        checks.push({
          kind: 'response',
          name: request.expected.source.file,
          status: difference === null ? 'passed' : 'failed',
          seconds: 0,
          ...(difference === null
            ? { detail: 'response matches' }
            : { error: `response differs from ${formatSource(request.expected.source)}: ${difference}` }),
          ...(platform ? { platform } : {}),
        });
      }
    }
    // A server that answered and then died (a worker crashing on its first request) fails too.
    const after = await containerState(docker, containerName);
    if (!after.running) {
      checks.push(
        failed(name, `the server exited with code ${after.exitCode} while it was probed`, platform),
      );
    }
    const failures = checks.filter((check) => check.status === 'failed');
    const last = failures.at(-1);
    if (last) last.trace = await serverLog(docker, containerName);
    return { checks, serve };
  } finally {
    await docker.exec(['rm', '--force', containerName]);
  }
}

/** The probe's user, never the server's. */
function probeUser(imageUser: string): string {
  const [user = ''] = imageUser.split(':');
  return PROBE_USERS.find((candidate) => candidate.split(':')[0] !== user) ?? '65533:65533';
}

/**
 * The probe's result, or null when it is not the shape the probe prints: one answer per probe
 * sent, statuses whole numbers, times finite. Only the probe writes it, but the supervisor trusts
 * no more than it checks.
 */
export function readOutcome(line: string, prefix: string, sent: number): ProbeOutcome | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.slice(prefix.length));
  } catch {
    return null;
  }
  const outcome = parsed as ProbeOutcome;
  const number = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0;
  if (typeof outcome !== 'object' || outcome === null || !Array.isArray(outcome.probes)) return null;
  if (outcome.first_answer_seconds !== null && !number(outcome.first_answer_seconds)) return null;
  if (outcome.error !== null && typeof outcome.error !== 'string') return null;
  if (outcome.error === null && outcome.probes.length !== sent) return null;
  const wellFormed = outcome.probes.every(
    (probe) =>
      typeof probe === 'object' &&
      probe !== null &&
      typeof probe.method === 'string' &&
      typeof probe.path === 'string' &&
      (probe.status === null ||
        (Number.isInteger(probe.status) && probe.status >= 100 && probe.status <= 599)) &&
      number(probe.seconds) &&
      (probe.body === undefined || typeof probe.body === 'string') &&
      (probe.error === undefined || typeof probe.error === 'string'),
  );
  return wellFormed ? outcome : null;
}

/** The project image's EXPOSEd port the framework uses, else its lowest; the plan's port otherwise. */
export function chosenPort(server: ServerPlan, exposed: readonly number[]): number {
  if (server.command !== null || exposed.length === 0) return server.port;
  return exposed.includes(server.port) ? server.port : Math.min(...exposed);
}

/** Why an answer is wrong, or null: 5xx always fails; a health route must answer 2xx. */
export function answerProblem(status: number | null, expect: Expectation, body: string): string | null {
  const shown = body.trim() ? `: ${body.trim().slice(0, 200)}` : '';
  if (status === null) return 'no answer';
  if (expect.kind === 'status') {
    return status === expect.status ? null : `answered ${status}, expected ${expect.status}${shown}`;
  }
  if (status >= 500) return `answered ${status}${shown}`;
  if (expect.kind === 'success' && (status < 200 || status > 299))
    return `answered ${status}, expected 2xx${shown}`;
  return null;
}

function failed(name: string, error: string, platform: string | undefined, trace?: string): SmokeCheck {
  return {
    kind: 'serve',
    name,
    status: 'failed',
    seconds: 0,
    error,
    ...(trace ? { trace } : {}),
    ...(platform ? { platform } : {}),
  };
}

async function containerState(
  docker: DockerCli,
  name: string,
): Promise<{ running: boolean; exitCode: number; oomKilled: boolean }> {
  const inspect = await docker.exec([
    'container',
    'inspect',
    '--format',
    '{{.State.Running}} {{.State.ExitCode}} {{.State.OOMKilled}}',
    name,
  ]);
  const [running, exitCode, oomKilled] = inspect.stdout.trim().split(' ');
  return { running: running === 'true', exitCode: Number(exitCode ?? -1), oomKilled: oomKilled === 'true' };
}

/** The server's last log lines (both streams); the model code wrote them, so they are shown as data. */
async function serverLog(docker: DockerCli, name: string): Promise<string> {
  const log = await docker.exec(['logs', '--tail', String(LOG_LINES), name]);
  return outputTail(log, LOG_LINES);
}
