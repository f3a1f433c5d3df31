import type { DockerCli } from '../adapters/docker.js';
import type { Logger } from '../log.js';
import type { BuildPlan } from '../plan/types.js';
import { imageBytes, measureContents, measureLayers, type SizeReport } from '../size/index.js';
import { sizeReportText } from '../size/text.js';
import { oneLine } from '../text.js';
import type { Step } from './step.js';

/**
 * Measures one variant's tested image: its layers, its largest packages and what in it is heavy
 * and likely unneeded. Measuring is a report, not a test: what cannot be measured is warned about
 * and left out; only input 'max-image-size' (sizeLimitFailure) can fail the run, and does when the
 * layers, which give the size it checks, could not be read.
 */
export async function sizeImage(
  plan: BuildPlan,
  image: string,
  options: {
    maxBytes: number | null;
    memory: string;
    timeoutSeconds: number;
    docker: DockerCli;
    logger: Logger;
    step: Step;
  },
): Promise<SizeReport> {
  const { docker, logger } = options;
  return options.step('smoke', `Measure the ${plan.variant} image`, async () => {
    const unmeasured = (what: string) => (error: unknown) => {
      logger.warning(
        oneLine(
          `size report: could not read the ${plan.variant} image's ${what}, left out of the report: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
      return null;
    };
    const layers = await measureLayers(docker, image).catch(unmeasured('layers'));
    const report: SizeReport = {
      bytes: imageBytes(layers),
      limit: options.maxBytes,
      layers,
      contents: await measureContents(plan, image, options).catch(unmeasured('packages and files')),
    };
    logger.info(sizeReportText(report));
    return report;
  });
}
