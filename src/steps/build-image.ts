import { createHash } from 'node:crypto';
import type { CacheStore } from '../adapters/actions-cache.js';
import type { DockerCli } from '../adapters/docker.js';
import { cacheArgs } from '../image/cache.js';
import { type BuilderInfo, type BuildResult, build } from '../image/index.js';
import {
  heldKey,
  recordHeldKey,
  restoredMessage,
  saveLocalCache,
  swapInNewCache,
} from '../image/local-cache.js';
import type { Logger } from '../log.js';
import type { Credentials } from '../plan/credentials.js';
import type { RunPlan } from '../plan/run.js';
import type { BuildPlan } from '../plan/types.js';
import type { VariantRun } from '../plan/variant-run.js';
import type { Labelled, Locked, Rendered } from '../report/run-report.js';
import type { Step } from './step.js';

export interface BuildImageOptions {
  run: Pick<RunPlan, 'contextDir' | 'provenance' | 'reproducible' | 'sourceDateEpoch' | 'dockerfileInputs'>;
  builder: BuilderInfo;
  /** The SBOM generator, pinned by digest; null for no SBOM. */
  sbomGenerator: string | null;
  credentials: Credentials;
  /** Keeps the `local` build cache across workflow runs; absent in the CLI. */
  cacheStore?: CacheStore;
  docker: DockerCli;
  logger: Logger;
  step: Step;
}

/** Builds one variant's image with BuildKit, its `local` cache restored before and saved after. */
export async function buildImage(
  variant: { plan: BuildPlan; run: VariantRun } & Locked & Rendered & Labelled,
  options: BuildImageOptions,
): Promise<BuildResult> {
  const { plan } = variant;
  const { docker, logger, step, cacheStore: store } = options;
  const cache = cacheArgs({
    ...variant.run.cache,
    canExport: options.builder.canExportCache,
    lockSha256: variant.lock?.sha256 ?? createHash('sha256').update(variant.dockerfile).digest('hex'),
  });
  const { local } = cache;
  let restoredKey: string | null = null;
  if (local && store) {
    if (heldKey(local) === local.key) {
      restoredKey = local.key;
      logger.info(`${local.dir} holds ${local.key} already: not restored again`);
    } else {
      recordHeldKey(local, null);
      restoredKey = await step('build', 'Restore the local build cache', async () =>
        store.restore(local.dir, local.key, local.restoreKeys),
      );
      recordHeldKey(local, restoredKey);
      logger.info(restoredMessage(local, restoredKey));
    }
    if (restoredKey === local.key) {
      // The saved cache is this lock's already: exporting and saving it again would only cost time.
      cache.to = cache.to.filter((entry) => !entry.startsWith(`type=local,dest=${local.newDir},`));
      local.save = false;
    }
  }
  const built = await step('build', `Build the ${plan.variant} image with BuildKit`, async () =>
    build(plan, {
      docker,
      builder: options.builder,
      contextDir: options.run.contextDir,
      generatedDir: variant.generatedDir,
      tags: variant.tags.tags,
      labels: variant.labels,
      provenance: options.run.provenance,
      sbomGenerator: options.sbomGenerator,
      credentials: options.credentials,
      dockerfileInputs: options.run.dockerfileInputs,
      sourceDateEpoch: options.run.sourceDateEpoch,
      reproducible: options.run.reproducible.reproducible,
      cache,
      onOutput: (chunk) => logger.output(chunk),
    }),
  );
  if (local && swapInNewCache(local)) {
    recordHeldKey(local, local.key);
    if (store && restoredKey !== local.key) await saveLocalCache(local, store, logger);
  }
  for (const note of built.notes) logger.warning(note);
  logger.info(
    `built ${built.digest} in ${built.seconds.toFixed(1)}s${built.manifestDigest ? ` (image manifest ${built.manifestDigest}, reproducible from the commit time)` : ''}`,
  );
  return built;
}
