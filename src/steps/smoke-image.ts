import type { DockerCli } from '../adapters/docker.js';
import { UserError } from '../errors.js';
import { type Lock, platformMachine } from '../lock/index.js';
import type { Logger } from '../log.js';
import type { BuildPlan } from '../plan/types.js';
import { NOBODY, runsAsRoot } from '../smoke/args.js';
import type { ExpectedOutput } from '../smoke/expected.js';
import {
  failedChecks,
  imageUser,
  type SmokeResult,
  type SmokeSettings,
  smokeEveryPlatform,
} from '../smoke/index.js';
import { oneLine } from '../text.js';
import type { Step } from './step.js';

/** Smoke-tests one variant's image offline on every platform, logging each check on a line of its own. */
export async function smokeImage(
  plan: BuildPlan,
  lock: Lock | null,
  image: string,
  options: {
    settings: SmokeSettings;
    expected: ExpectedOutput | null;
    docker: DockerCli;
    logger: Logger;
    step: Step;
  },
): Promise<SmokeResult> {
  const { logger } = options;
  const smoked = await options.step('smoke', `Smoke-test the ${plan.variant} image offline`, async () => {
    const { dockerfile } = plan;
    let user: string | undefined;
    if (dockerfile.kind === 'project') {
      user = await imageUser(options.docker, image);
      if (runsAsRoot(user)) {
        logger.warning(
          oneLine(
            `${dockerfile.path} runs as root (no USER, or USER root): the smoke test runs its image as nobody (${NOBODY}), since model code never runs as root here; set a non-root USER to test it as it deploys`,
          ),
        );
      }
    }
    return smokeEveryPlatform(plan, lock, {
      imageUser: user,
      machineOf: platformMachine,
      docker: options.docker,
      image,
      command: options.settings.command,
      timeoutSeconds: options.settings.timeoutSeconds,
      memory: options.settings.memory,
      expected: options.expected,
    });
  });
  for (const check of smoked.checks) {
    // The name is a model file's, the error and reason the model code's: one line, whatever they hold.
    logger.info(
      oneLine(
        `${check.status.padEnd(7)} ${check.platform ? `[${check.platform}] ` : ''}${check.kind} ${check.name}${check.error ? `: ${check.error}` : ''}${check.reason ? ` (${check.reason})` : ''}`,
      ),
    );
  }
  return smoked;
}

/** The error that stops the run when a check failed, naming every failed check; null when all passed. */
export function smokeFailure(smoked: SmokeResult, variant: string, named: boolean): UserError | null {
  const failed = failedChecks(smoked);
  if (failed.length === 0) return null;
  const modelFailure = failed.find((check) => check.kind === 'model');
  return new UserError(
    `smoke test failed${named ? ` (${variant})` : ''}: ${failed.map((check) => `${check.kind} ${check.name}: ${check.error}`).join('; ')}`,
    'smoke',
    modelFailure ? { file: modelFailure.name } : undefined,
  );
}
