import type { DockerCli } from '../adapters/docker.js';
import type { Logger } from '../log.js';
import type { BuildPlan } from '../plan/types.js';
import { imageBytes, measureContents, measureLayers, type SizeReport } from '../size/index.js';
import { sizeReportText } from '../size/text.js';
import type { AfterOutput } from '../smoke/index.js';
import { oneLine } from '../text.js';
import type { Step } from './step.js';

/**
 * The size report of one variant's tested image, in a step of its own once the smoke test passed:
 * its layers (`docker history`), and, from the listing the smoke test ran in it (listingScript),
 * its largest packages and what in it is heavy and likely unneeded. Measuring is a report, not a
 * test: what cannot be measured is warned about and left out; only input 'max-image-size'
 * (sizeLimitFailure) can fail the run, and does when the layers, which give the size it checks,
 * could not be read.
 */
export async function sizeImage(
  plan: BuildPlan,
  image: string,
  options: {
    maxBytes: number | null;
    listed: AfterOutput | undefined;
    docker: DockerCli;
    logger: Logger;
    step: Step;
  },
): Promise<SizeReport> {
  const { logger } = options;
  return options.step('smoke', `Measure the ${plan.variant} image`, async () => {
    const unmeasured = (what: string) => (error: unknown) => {
      logger.warning(
        oneLine(
          `size report: could not read the ${plan.variant} image's ${what}, left out of the report: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
      return null;
    };
    const layers = await measureLayers(options.docker, image).catch(unmeasured('layers'));
    let contents: SizeReport['contents'] = null;
    try {
      contents = measureContents(plan, options.listed);
    } catch (error) {
      unmeasured('packages and files')(error);
    }
    const report = { bytes: imageBytes(layers), limit: options.maxBytes, layers, contents };
    logger.info(sizeReportText(report));
    return report;
  });
}
