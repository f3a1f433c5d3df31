import type { DockerCli } from '../adapters/docker.js';
import { type BuilderInfo, builderLimits, describeBuilder } from '../image/index.js';
import { chooseSbomGenerator } from '../image/sbom.js';
import type { Logger } from '../log.js';
import { type RunPlan, reproducibleSkipped } from '../plan/run.js';
import type { Step } from './step.js';

/**
 * Says once what the builder is and what of the run's wishes it cannot meet, and finds the SBOM
 * generator it builds with (null for none).
 */
export async function prepareBuilder(
  builder: BuilderInfo,
  run: Pick<RunPlan, 'reproducible' | 'sourceDateEpoch' | 'dockerfile' | 'builderWants' | 'sbom'>,
  options: { docker: DockerCli; logger: Logger; step: Step; note: (text: string) => void },
): Promise<{ sbomGenerator: string | null }> {
  const { logger, note } = options;
  logger.info(`builder: ${describeBuilder(builder)}`);
  const skipped = reproducibleSkipped(run);
  if (skipped) logger.info(skipped);
  for (const limit of builderLimits(builder, run.builderWants)) note(limit);
  const sbom = await options.step('build', 'Find the SBOM generator', async () =>
    chooseSbomGenerator(options.docker, builder, run.sbom),
  );
  if (sbom.note) note(sbom.note);
  else if (sbom.generator) logger.info(`SBOM generator: ${sbom.generator}`);
  return { sbomGenerator: sbom.generator };
}
