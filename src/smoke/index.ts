import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { type DockerCli, outputTail } from '../adapters/docker.js';
import { UserError } from '../errors.js';
import type { Lock } from '../lock/report.js';
import type { BuildPlan } from '../plan/types.js';
import { formatSource } from '../source.js';
import { smokeArgs, smokeRequest } from './args.js';
import { compareOutput, type ExpectedOutput } from './expected.js';
import type { ServeReport } from './serve.js';

const HARNESS = readFileSync(new URL('./harness.py', import.meta.url), 'utf8');
const MARKER = 'ML_CONTAINER_SMOKE_RESULT ';
/** How long past its time a harness that has not reported is left before its container is killed. */
const BACKSTOP_SECONDS = 30;

export interface SmokeCheck {
  /** serve, http and response: the serve test's start, probes and golden response (serve.ts). */
  kind: 'import' | 'model' | 'command' | 'expected' | 'cuda' | 'gpu' | 'serve' | 'http' | 'response';
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  seconds: number;
  version?: string;
  error?: string;
  /** A failed check's traceback, or the last of its output when it did not report. */
  trace?: string;
  reason?: string;
  /** A model's type as its loader names it (`sklearn.ensemble._forest.RandomForestClassifier`). */
  type?: string;
  first_prediction_seconds?: number;
  prediction?: string;
  detail?: string;
  /** The smoke command's whole standard output (up to 1 MiB), for the smoke-expected comparison. */
  stdout?: string;
  /** Set when the image has several platforms: the one this check ran on. */
  platform?: string;
}

export interface SmokeResult {
  passed: boolean;
  checks: SmokeCheck[];
  python: string;
  peak_memory_bytes: number;
  /** The checks' time, the after-script's left out. */
  seconds: number;
  /** The serve test of the first platform, when the image serves and the test ran. */
  serve?: ServeReport;
  /** What the after-script printed, when one was given and every check passed: for its caller, not reported. */
  after?: AfterOutput;
}

/**
 * A standard-library script of ours (the size listing) that the harness runs in the same container
 * once every check has passed, so that it neither starts a container of its own nor takes from the
 * checks' timings; it gets `timeoutSeconds` on top of the smoke test's own.
 */
export interface AfterScript {
  script: string;
  argument: string;
  timeoutSeconds: number;
}

export interface AfterOutput {
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** What the run asks of every smoke test, the same for each variant and platform (plan/run.ts). */
export interface SmokeSettings {
  command: string | null;
  timeoutSeconds: number;
  memory: string;
}

/** Runs the harness in the built image and fails the step, naming each failed check, unless all passed. */
export async function smoke(
  plan: BuildPlan,
  lock: Lock | null,
  options: SmokeSettings & {
    docker: DockerCli;
    image: string;
    expected?: ExpectedOutput | null;
    /** One platform of a multi-platform image, with Python's name for its machine. */
    platform?: { name: string; machine: string } | null;
    /** The project's own image's configured USER (see imageUser). */
    imageUser?: string;
    after?: AfterScript | null;
  },
): Promise<SmokeResult> {
  const { after } = options;
  const containerName = `ml-container-smoke-${randomBytes(6).toString('hex')}`;
  // Model code runs in the container and can print anything: only the harness's supervisor knows this.
  const nonce = randomBytes(16).toString('hex');
  const started = Date.now();
  const result = await options.docker.exec(
    smokeArgs(plan, {
      image: options.image,
      containerName,
      memory: options.memory,
      script: HARNESS,
      request: {
        ...smokeRequest(plan, lock, options.command, options.timeoutSeconds, options.platform?.machine),
        ...(after && {
          after: { script: after.script, argument: after.argument, timeout: after.timeoutSeconds },
        }),
      },
      gpus: existsSync('/dev/nvidiactl'),
      platform: options.platform?.name ?? null,
      imageUser: options.imageUser,
    }),
    {
      input: `${nonce}\n`,
      // The harness keeps the checks' time itself and says when it ran out; this is the backstop,
      // with the after-script's own time and a margin for the container's start and stop.
      timeoutMs: (options.timeoutSeconds + (after?.timeoutSeconds ?? 0) + BACKSTOP_SECONDS) * 1000,
      onTimeout: async () => {
        await options.docker.exec(['kill', containerName]);
      },
    },
  );
  const timedOut = (detail?: string) =>
    new UserError(
      `smoke test timed out after ${options.timeoutSeconds}s (input 'smoke-timeout')`,
      'smoke',
      undefined,
      detail,
    );
  if (result.timedOut) throw timedOut();
  const prefix = `${MARKER}${nonce} `;
  const lines = result.stdout.split('\n').filter((candidate) => candidate.startsWith(prefix));
  if (lines.length > 1) {
    throw new UserError(
      `smoke test reported ${lines.length} results where its harness prints one`,
      'smoke',
      undefined,
      outputTail(result),
    );
  }
  const [line] = lines;
  if (!line) {
    const reason = result.exitCode === 137 ? ` (killed: over the ${options.memory} memory limit?)` : '';
    throw new UserError(
      `smoke test crashed before reporting, exit code ${result.exitCode}${reason}`,
      'smoke',
      undefined,
      outputTail(result),
    );
  }
  const {
    after: afterReport,
    timed_out: ranOutOfTime,
    ...report
  } = JSON.parse(line.slice(prefix.length)) as Omit<SmokeResult, 'seconds' | 'after'> & {
    after?: HarnessAfter;
    timed_out?: boolean;
  };
  // The harness keeps the checks' time and says when it ran out, as the backstop above would.
  if (ranOutOfTime) throw timedOut(outputTail(result));
  if (options.expected) {
    const check = expectedCheck(report.checks, options.expected);
    report.checks.push(check);
    report.passed &&= check.status !== 'failed';
  }
  const platform = options.platform?.name;
  if (platform) for (const check of report.checks) check.platform = platform;
  const seconds = (Date.now() - started) / 1000;
  if (!afterReport) return { ...report, seconds };
  return {
    ...report,
    seconds: Math.max(0, seconds - afterReport.seconds),
    after: {
      exitCode: afterReport.exit_code,
      timedOut: afterReport.timed_out,
      stdout: afterReport.stdout,
      stderr: afterReport.stderr,
      seconds: afterReport.seconds,
    },
  };
}

/** The after-script's output as harness.py's run_after reports it. */
interface HarnessAfter {
  exit_code: number | null;
  timed_out: boolean;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** The smoke command's output against the golden file; skipped, saying why, when the command failed. */
function expectedCheck(checks: SmokeCheck[], expected: ExpectedOutput): SmokeCheck {
  const name = expected.source.file;
  const command = checks.find((check) => check.kind === 'command');
  if (command?.status !== 'passed' || command.stdout === undefined) {
    return {
      kind: 'expected',
      name,
      status: 'skipped',
      seconds: 0,
      reason: 'the smoke command did not pass',
    };
  }
  const difference = compareOutput(command.stdout, expected);
  return difference === null
    ? { kind: 'expected', name, status: 'passed', seconds: 0, detail: 'output matches' }
    : {
        kind: 'expected',
        name,
        status: 'failed',
        seconds: 0,
        error: `output differs from ${formatSource(expected.source)}: ${difference}`,
      };
}

/** What a project's own image is configured to run: its USER (empty for root), EXPOSEd TCP ports and command. */
export interface ImageConfig {
  user: string;
  ports: number[];
  command: string;
}

export async function imageConfig(docker: DockerCli, image: string): Promise<ImageConfig> {
  const inspect = await docker.exec(['image', 'inspect', '--format', '{{json .Config}}', image]);
  const unreadable = () =>
    new UserError(`could not read the configuration of ${image}`, 'smoke', undefined, outputTail(inspect));
  if (inspect.exitCode !== 0) throw unreadable();
  let config: {
    User?: string;
    ExposedPorts?: Record<string, unknown>;
    Entrypoint?: string[];
    Cmd?: string[];
  };
  try {
    config = JSON.parse(inspect.stdout) ?? {};
  } catch {
    throw unreadable();
  }
  const ports = Object.keys(config.ExposedPorts ?? {})
    .map((key) => /^(\d+)(?:\/tcp)?$/.exec(key)?.[1])
    .filter((port): port is string => port !== undefined)
    .map(Number)
    .filter((port) => port > 0 && port < 65536);
  return {
    user: (config.User ?? '').trim(),
    ports,
    command: JSON.stringify([...(config.Entrypoint ?? []), ...(config.Cmd ?? [])]),
  };
}

export function failedChecks(result: SmokeResult): SmokeCheck[] {
  return result.checks.filter((check) => check.status === 'failed');
}

/**
 * Smoke-tests each platform of the image on itself (natively or emulated), one after another, as
 * one result: it passes only when every platform passed.
 */
export async function smokeEveryPlatform(
  plan: BuildPlan,
  lock: Lock | null,
  options: Omit<Parameters<typeof smoke>[2], 'platform'> & { machineOf: (platform: string) => string },
): Promise<SmokeResult> {
  if (plan.platforms.length === 0) return smoke(plan, lock, options);
  const results: SmokeResult[] = [];
  for (const name of plan.platforms) {
    results.push(
      await smoke(plan, lock, {
        ...options,
        platform: { name, machine: options.machineOf(name) },
        // Once, on the first platform: the size listing reads one image.
        after: results.length === 0 ? options.after : null,
      }),
    );
  }
  const [first] = results;
  if (!first || results.length === 1) return first as SmokeResult;
  return {
    passed: results.every((result) => result.passed),
    checks: results.flatMap((result) => result.checks),
    python: first.python,
    peak_memory_bytes: Math.max(...results.map((result) => result.peak_memory_bytes)),
    seconds: results.reduce((sum, result) => sum + result.seconds, 0),
    ...(first.after && { after: first.after }),
  };
}
