import type { DockerCli } from '../adapters/docker.js';
import type { Logger } from '../log.js';
import { push } from '../publish/index.js';
import type { PushRecord } from '../report/run-report.js';
import type { Step } from './step.js';

/**
 * Pushes one variant's tags when its decision says so, recording each tag as the registry confirms
 * it, so a later failure still leaves an exact account in `record`.
 */
export async function publishImage(
  variant: string,
  image: { tags: readonly string[]; digest: string },
  record: PushRecord,
  options: { docker: DockerCli; logger: Logger; step: Step },
): Promise<void> {
  const { logger } = options;
  await options.step(
    'publish',
    record.push ? `Push the ${variant} image` : `Push skipped (${variant})`,
    async () => {
      logger.info(record.why);
      if (!record.push) return;
      await push(image.tags, image.digest, {
        docker: options.docker,
        log: (message) => logger.warning(message),
        onPushed: (tag) => {
          record.pushed.push(tag);
          logger.info(`pushed ${tag}@${image.digest}`);
        },
      });
    },
  );
}
