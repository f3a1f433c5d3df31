import { existsSync } from 'node:fs';
import type { DockerCli } from '../adapters/docker.js';
import { UserError } from '../errors.js';
import { type Lock, platformMachine } from '../lock/index.js';
import type { Logger } from '../log.js';
import type { BuildPlan } from '../plan/types.js';
import { NOBODY, runsAsRoot } from '../smoke/args.js';
import type { ExpectedOutput } from '../smoke/expected.js';
import {
  type AfterScript,
  failedChecks,
  type ImageConfig,
  imageConfig,
  type SmokeResult,
  type SmokeSettings,
  smokeEveryPlatform,
} from '../smoke/index.js';
import type { ServeRequest } from '../smoke/request.js';
import { serveTest } from '../smoke/serve.js';
import { oneLine } from '../text.js';
import type { Step } from './step.js';

/**
 * Smoke-tests one variant's image offline on every platform, then, when it serves, starts it with
 * its own command and probes it (the serve test), logging each check on a line of its own.
 */
export async function smokeImage(
  plan: BuildPlan,
  lock: Lock | null,
  image: string,
  options: {
    settings: SmokeSettings;
    expected: ExpectedOutput | null;
    request: ServeRequest | null;
    /** Run in the smoke test's container once its checks passed (the size listing). */
    after?: AfterScript | null;
    docker: DockerCli;
    logger: Logger;
    step: Step;
  },
): Promise<SmokeResult> {
  const { logger } = options;
  const smoked = await options.step('smoke', `Smoke-test the ${plan.variant} image offline`, async () => {
    const { dockerfile } = plan;
    let config: ImageConfig | null = null;
    if (dockerfile.kind === 'project') {
      config = await imageConfig(options.docker, image);
      if (runsAsRoot(config.user)) {
        logger.warning(
          oneLine(
            `${dockerfile.path} runs as root (no USER, or USER root): the smoke test runs its image as nobody (${NOBODY}), since model code never runs as root here; set a non-root USER to test it as it deploys`,
          ),
        );
      }
    }
    const result = await smokeEveryPlatform(plan, lock, {
      imageUser: config?.user,
      machineOf: platformMachine,
      docker: options.docker,
      image,
      command: options.settings.command,
      timeoutSeconds: options.settings.timeoutSeconds,
      memory: options.settings.memory,
      expected: options.expected,
      after: options.after,
    });
    const { server } = plan;
    // A model that does not load fails first, and alone: a server around it could only fail too.
    if (!result.passed || !server?.test) return result;
    for (const platform of plan.platforms.length > 0 ? plan.platforms : [null]) {
      const served = await serveTest(plan, server, options.request, {
        docker: options.docker,
        image,
        timeoutSeconds: options.settings.timeoutSeconds,
        memory: options.settings.memory,
        platform,
        imageConfig: config,
        gpus: existsSync('/dev/nvidiactl'),
      });
      result.checks.push(...served.checks);
      result.serve ??= served.serve;
      result.passed &&= served.checks.every((check) => check.status !== 'failed');
    }
    return result;
  });
  for (const check of smoked.checks) {
    // The name is a model file's, the error and reason the model code's: one line, whatever they hold.
    logger.info(
      oneLine(
        `${check.status.padEnd(7)} ${check.platform ? `[${check.platform}] ` : ''}${check.kind} ${check.name}${check.status === 'passed' && SHOWS_DETAIL.has(check.kind) ? `: ${check.detail}` : ''}${check.error ? `: ${check.error}` : ''}${check.reason ? ` (${check.reason})` : ''}`,
      ),
    );
  }
  return smoked;
}

/** Passed serve checks say what ran and how fast it answered. */
const SHOWS_DETAIL = new Set(['serve', 'http']);

/** The error that stops the run when a check failed, naming every failed check; null when all passed. */
export function smokeFailure(smoked: SmokeResult, variant: string, named: boolean): UserError | null {
  const failed = failedChecks(smoked);
  if (failed.length === 0) return null;
  const modelFailure = failed.find((check) => check.kind === 'model');
  // The serve test's failure carries the server's last log lines, which say why it did not start.
  const trace = failed.find((check) => ['serve', 'http'].includes(check.kind) && check.trace)?.trace;
  return new UserError(
    `smoke test failed${named ? ` (${variant})` : ''}: ${failed.map((check) => `${check.kind} ${check.name}: ${check.error}`).join('; ')}`,
    'smoke',
    modelFailure ? { file: modelFailure.name } : undefined,
    trace,
  );
}
