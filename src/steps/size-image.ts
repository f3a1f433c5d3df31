import type { DockerCli } from '../adapters/docker.js';
import type { Logger } from '../log.js';
import type { BuildPlan } from '../plan/types.js';
import { imageBytes, measureContents, measureLayers, type SizeReport } from '../size/index.js';
import { sizeReportText } from '../size/text.js';
import type { AfterOutput } from '../smoke/index.js';
import { oneLine } from '../text.js';
import type { Step } from './step.js';

/** A measurement under way: the report, and what could not be measured, to be said when it is logged. */
export type Measuring = Promise<{ report: SizeReport; unmeasured: string[] }>;

/**
 * Measures one variant's tested image: its layers, and, from the listing the smoke test ran in it
 * (listingScript), its largest packages and what in it is heavy and likely unneeded; nothing is
 * logged until `sizeImage`.
 */
export function measureImage(
  plan: BuildPlan,
  image: string,
  options: { maxBytes: number | null; docker: DockerCli; listed: AfterOutput | undefined },
): Measuring {
  const unmeasured: string[] = [];
  const failed = (what: string) => (error: unknown) => {
    unmeasured.push(
      oneLine(
        `size report: could not read the ${plan.variant} image's ${what}, left out of the report: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
    return null;
  };
  return Promise.all([
    measureLayers(options.docker, image).catch(failed('layers')),
    Promise.resolve()
      .then(() => measureContents(plan, options.listed))
      .catch(failed('packages and files')),
  ]).then(([layers, contents]) => ({
    report: { bytes: imageBytes(layers), limit: options.maxBytes, layers, contents },
    unmeasured,
  }));
}

/**
 * The size report of a measurement, logged in a step of its own once the smoke test passed.
 * Measuring is a report, not a test: what cannot be measured is warned about and left out; only
 * input 'max-image-size' (sizeLimitFailure) can fail the run, and does when the layers, which give
 * the size it checks, could not be read.
 */
export async function sizeImage(
  plan: BuildPlan,
  measuring: Measuring,
  options: { logger: Logger; step: Step },
): Promise<SizeReport> {
  const { logger } = options;
  return options.step('smoke', `Measure the ${plan.variant} image`, async () => {
    const { report, unmeasured } = await measuring;
    for (const warning of unmeasured) logger.warning(warning);
    logger.info(sizeReportText(report));
    return report;
  });
}
