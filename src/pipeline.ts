import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CacheStore } from './adapters/actions-cache.js';
import { heavyContextFiles } from './adapters/context-files.js';
import type { DockerCli } from './adapters/docker.js';
import { lockCache } from './adapters/lock-cache.js';
import type { RunContext } from './context.js';
import { detect } from './detect/index.js';
import type { Phase } from './errors.js';
import { inspectBuilder } from './image/index.js';
import { modelDigests } from './image/model-digests.js';
import type { Inputs } from './inputs.js';
import { lock } from './lock/index.js';
import type { Logger } from './log.js';
import { checkBuilderPushesTested, checkBuilderRunsPlatforms } from './plan/builder-check.js';
import { HEAVY_FILE_BYTES } from './plan/layers.js';
import { planRun } from './plan/run.js';
import { runCredentials } from './plan/run-credentials.js';
import { type PlannedVariant, planVariants, pushAfterSmoke, renderDir } from './plan/variant-run.js';
import { directoryReader } from './project/reader.js';
import { computeLabels } from './publish/labels.js';
import { renderDockerignore } from './render/dockerignore.js';
import type { Built, Locked, Rendered, RunReport, Smoked, VariantReport } from './report/run-report.js';
import { listingScript } from './size/index.js';
import { sizeLimitFailure } from './size/limit.js';
import { readExpected } from './smoke/expected.js';
import { readServeRequest } from './smoke/request.js';
import { buildImage } from './steps/build-image.js';
import { reportDetected } from './steps/detected.js';
import { keepGenerated } from './steps/keep-generated.js';
import { copyOwnDockerfile } from './steps/own-dockerfile.js';
import { pinBases } from './steps/pin-bases.js';
import { prepareBuilder } from './steps/prepare-builder.js';
import { publishImage } from './steps/publish-image.js';
import { renderVariant } from './steps/render-variant.js';
import { sizeImage } from './steps/size-image.js';
import { smokeFailure, smokeImage } from './steps/smoke-image.js';
import { phasedSteps } from './steps/step.js';

export interface Adapters {
  docker: DockerCli;
  logger: Logger;
  /** Where generated files are written (a folder per variant inside); a fresh temporary folder when absent. */
  workDir?: string;
  /** Stop after this phase (`ml-container plan` stops after render); else input 'plan-only' decides. */
  until?: Phase;
  /** Keeps the `local` build cache across workflow runs (the Actions cache); absent in the CLI. */
  cacheStore?: CacheStore;
  /**
   * Keeps resolved locks for the day (lock/cache-key.ts): in `dir` (default ~/.cache/ml-container/locks)
   * and, in the action, the Actions cache (`store`). Absent: every lock is resolved.
   */
  lockCache?: { dir?: string; store?: CacheStore };
}

/**
 * detect → plan → (lock → render → build → smoke → publish for each variant), the one flow behind
 * the action and the CLI. Plan decides; this only sequences the steps and records what each left.
 * A failure stops the flow where it happens; nothing is pushed after any failure, in any variant.
 */
export async function pipeline(inputs: Inputs, context: RunContext, adapters: Adapters): Promise<RunReport> {
  const { docker, logger } = adapters;
  const run = planRun(inputs, context);
  const until = adapters.until ?? run.stopAfter;
  const report: RunReport = { contextDir: run.contextDir, variants: [], notes: [] };
  const note = (text: string) => {
    report.notes.push(text);
    logger.warning(text);
  };
  const { step, failure } = phasedSteps(logger);
  const tools = { docker, logger, step };
  try {
    const reader = directoryReader(run.contextDir);
    const spec = await step('detect', 'Detect the environment', async () => detect(reader, run.detect));
    report.spec = spec;
    reportDetected(spec, run.allowLfsPointers, logger);
    // Read before any build, so a malformed golden file fails in seconds, not after the image is built.
    const expected = run.smoke.expectedFile ? readExpected(reader, run.smoke.expectedFile) : null;
    const request = run.smoke.requestFile ? readServeRequest(reader, run.smoke.requestFile) : null;
    const { credentials, notes } = runCredentials(run, spec);
    for (const text of notes) note(text);
    // Asked once the project reads well, while the plan pins its bases: it depends on input
    // 'builder' alone, and the warm run waited 0.6 s for it after the lock. Its failure is
    // reported where it is awaited.
    const inspecting =
      until === 'plan' || until === 'render' ? null : inspectBuilder(docker, run.builder.name);
    inspecting?.catch(() => undefined);

    const planned = await step('plan', 'Plan the image', async () => {
      const dockerignore = reader.readText('.dockerignore');
      // Heavy files get layers of their own; the project's own Dockerfile makes its own layers.
      const heavyFiles =
        run.dockerfile.kind === 'project'
          ? []
          : heavyContextFiles(run.contextDir, dockerignore ?? renderDockerignore(), HEAVY_FILE_BYTES);
      const variants = planVariants(spec, inputs, run, context, {
        hasDockerignore: dockerignore !== null,
        heavyFiles,
      });
      await pinBases(
        variants.map((variant) => variant.plan),
        docker,
        logger,
        run.builder.name,
      );
      return variants;
    });
    const variants = planned.map((variant): Tracked => ({ ...variant, report: { plan: variant.plan } }));
    report.variants = variants.map((variant) => variant.report);
    if (until === 'plan') return report;

    // The builder is inspected once, from the start of the run (see `inspecting`), and reported
    // before locking when there are platforms to check, else before the build.
    const inspect = () =>
      step(
        'build',
        'Inspect the builder',
        async () => inspecting ?? inspectBuilder(docker, run.builder.name),
      );
    const inspectedFirst = run.builder.inspectBeforeLock ? await inspect() : undefined;
    if (inspectedFirst) checkBuilderRunsPlatforms(run.builder, inspectedFirst);
    const workRoot = adapters.workDir ?? mkdtempSync(join(tmpdir(), 'ml-container-'));
    const locks = adapters.lockCache && {
      store: lockCache({
        ...adapters.lockCache,
        save: run.cache.writes.write,
        warn: (message) => logger.warning(message),
      }),
      log: (message: string) => logger.info(message),
    };
    const prepared: Prepared[] = [];
    for (const variant of variants) {
      const { plan } = variant;
      const generatedDir = renderDir(workRoot, plan.variant, variants.length > 1);
      const { dockerfile } = plan;
      if (dockerfile.kind === 'project') {
        const copied = await step('render', "Copy the project's Dockerfile", async () =>
          copyOwnDockerfile(dockerfile, reader, generatedDir, logger),
        );
        Object.assign(variant.report, copied);
        prepared.push({ ...variant, lock: null, ...copied });
        continue;
      }
      const locked = await step('lock', `Lock the ${plan.variant} dependencies with hashes`, async () =>
        lock(plan, spec, run.contextDir, docker, reader, credentials, locks),
      );
      variant.report.lock = locked;
      logger.info(`${locked.packages.length} packages pinned, lock sha256 ${locked.sha256}`);
      const rendered = await step('render', `Render the ${plan.variant} Dockerfile`, async () =>
        renderVariant(plan, locked, generatedDir, logger),
      );
      Object.assign(variant.report, rendered);
      prepared.push({ ...variant, lock: locked, ...rendered });
    }
    const kept = run.generated;
    if (kept)
      await step('render', kept.title, async () => keepGenerated(prepared, kept, run.contextDir, logger));
    if (until === 'render') return report;

    const builder = inspectedFirst ?? (await inspect());
    checkBuilderPushesTested(run, builder);
    report.builder = builder;
    const { sbomGenerator } = await prepareBuilder(builder, run, { ...tools, note });
    const buildOptions = {
      ...tools,
      run,
      builder,
      sbomGenerator,
      credentials,
      cacheStore: adapters.cacheStore,
    };
    const tested: Tested[] = [];
    for (const variant of prepared) {
      const { plan } = variant;
      const { tags } = variant.run;
      variant.report.tags = tags;
      const digests = await modelDigests(run.contextDir, plan.models);
      const labels = computeLabels(variant.run.labels, context, digests);
      variant.report.labels = labels;
      const build = await buildImage({ ...variant, tags, labels }, buildOptions);
      variant.report.build = build;
      const { after: listed, ...smoke } = await smokeImage(plan, variant.lock, build.imageRef, {
        ...tools,
        settings: run.smoke,
        expected,
        request,
        // The size listing runs in the smoke test's container once its checks passed.
        after: listingScript(run.smoke.timeoutSeconds),
      });
      variant.report.smoke = smoke;
      const failed = smokeFailure(smoke, plan.variant, variant.run.suffix !== '');
      if (failed) {
        variant.report.publish = { push: false, why: 'the smoke test failed', pushed: [] };
        throw failed;
      }
      // After the smoke test, not beside it: the import, model-load and memory figures the summary
      // reports are then the smoke test's alone, on a runner of two cores too.
      const size = await sizeImage(plan, build.imageRef, {
        ...tools,
        listed,
        maxBytes: run.maxImageBytes,
      });
      variant.report.size = size;
      const oversized = sizeLimitFailure(size, plan.variant, variant.run.suffix !== '');
      if (oversized) {
        variant.report.publish = { push: false, why: "the image is over input 'max-image-size'", pushed: [] };
        throw oversized;
      }
      tested.push({ ...variant, build, smoke });
    }

    for (const variant of tested) {
      const record = { ...pushAfterSmoke(variant.run.push, variant.smoke.passed), pushed: [] };
      variant.report.publish = record;
      await publishImage(variant.plan.variant, variant.run.tags.tags, variant.build, record, {
        ...tools,
        builder: builder.name,
        credentials,
        secrets: run.dockerfileInputs.secrets,
      });
    }
  } catch (error) {
    report.error = failure(error);
  }
  return report;
}

/** A variant as planned, with the report its steps fill as they go. */
type Tracked = PlannedVariant & { report: VariantReport };
type Prepared = Tracked & Locked & Rendered;
type Tested = Prepared & Built & Smoked;
