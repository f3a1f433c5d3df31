import type { DockerCli } from '../adapters/docker.js';
import type { BuildSecret } from '../dockerfile-inputs.js';
import type { BuildResult } from '../image/index.js';
import type { Logger } from '../log.js';
import type { Credentials } from '../plan/credentials.js';
import { push } from '../publish/index.js';
import type { PushRecord } from '../report/run-report.js';
import type { Step } from './step.js';

/**
 * Pushes one variant's tags when its decision says so, recording each tag as the registry confirms
 * it, so a later failure still leaves an exact account in `record`.
 */
export async function publishImage(
  variant: string,
  tags: readonly string[],
  built: BuildResult,
  record: PushRecord,
  options: {
    docker: DockerCli;
    logger: Logger;
    step: Step;
    /** The builder that built it: a re-export goes through it, and its registry settings read tags back. */
    builder: string | null;
    credentials: Credentials;
    /** Input 'secrets', for a re-export of the project's own Dockerfile. */
    secrets: readonly BuildSecret[];
  },
): Promise<void> {
  const { logger } = options;
  await options.step(
    'publish',
    record.push ? `Push the ${variant} image` : `Push skipped (${variant})`,
    async () => {
      logger.info(record.why);
      if (!record.push) return;
      const pushed = await push(tags, built, {
        docker: options.docker,
        builder: options.builder,
        credentials: options.credentials,
        secrets: options.secrets,
        log: (message) => logger.warning(message),
        onPushed: (tag, digest) => {
          record.pushed.push(tag);
          logger.info(`pushed ${tag}@${digest}`);
        },
        onOutput: (chunk) => logger.output(chunk),
      });
      record.digest = pushed.digest;
      // One platform's image: its manifest is the reproducible one (several have no single digest).
      if (pushed.manifests.length === 1) record.manifestDigest = pushed.manifests[0];
    },
  );
}
