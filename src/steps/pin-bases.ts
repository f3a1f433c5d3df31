import type { DockerCli } from '../adapters/docker.js';
import { resolveBaseDigest } from '../adapters/registry.js';
import type { Logger } from '../log.js';
import type { BuildPlan } from '../plan/types.js';
import { oneLine } from '../text.js';

/** Pins each plan's base (and Python installer) to the digest the registry serves now, and logs the plan. */
export async function pinBases(
  plans: readonly BuildPlan[],
  docker: DockerCli,
  logger: Logger,
  /** The buildx builder (input 'builder'): the base is read with its registry settings, as it builds. */
  builder: string | null = null,
): Promise<void> {
  for (const candidate of plans) {
    const { base } = candidate;
    if (base) base.digest ??= await resolveBaseDigest(docker, base.image, builder);
    if (candidate.pythonInstaller) {
      candidate.pythonInstaller.digest ??= await resolveBaseDigest(
        docker,
        candidate.pythonInstaller.image,
        builder,
      );
    }
    logger.info(`[${candidate.variant}]`);
    for (const decision of candidate.decisions)
      logger.info(oneLine(`  ${decision.topic}: ${decision.choice} — ${decision.why}`));
    if (base) logger.info(oneLine(`  base pinned: ${base.image}@${base.digest}`));
  }
}
