import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { CacheStore } from './adapters/actions-cache.js';
import type { DockerCli } from './adapters/docker.js';
import { projectFiles } from './adapters/project-file.js';
import { resolveBaseDigest } from './adapters/registry.js';
import type { RunContext } from './context.js';
import { detect, type EnvironmentSpec } from './detect/index.js';
import type { ModelArtifact } from './detect/spec.js';
import { type Phase, UserError } from './errors.js';
import { cacheArgs } from './image/cache.js';
import {
  type BuilderInfo,
  type BuildResult,
  build,
  builderLimits,
  describeBuilder,
  inspectBuilder,
  unrunnablePlatforms,
} from './image/index.js';
import { swapInNewCache } from './image/local-cache.js';
import { chooseSbomGenerator } from './image/sbom.js';
import type { Inputs } from './inputs.js';
import { type Lock, lock, platformMachine } from './lock/index.js';
import type { Logger } from './log.js';
import { type Credentials, credentialsOf, inputIndexUrls } from './plan/credentials.js';
import { type BuildPlan, chooseVariants, plan } from './plan/index.js';
import { checkLfsPointers } from './plan/lfs.js';
import { ALLOW_FORK_CREDENTIALS, type TrustPolicy, trustPolicy } from './plan/trust.js';
import { directoryReader, type RepoReader } from './project/reader.js';
import {
  computeLabels,
  computeTags,
  type PushDecision,
  push,
  pushDecision,
  type TagPlan,
} from './publish/index.js';
import { imageName, variantSuffix } from './publish/tags.js';
import { renderDockerfile } from './render/dockerfile.js';
import { renderDockerignore } from './render/dockerignore.js';
import {
  compareGenerated,
  type GeneratedFile,
  generatedFiles,
  staleMessage,
  writeGeneratedFolder,
  writeGeneratedInProject,
} from './render/generated.js';
import { type ExpectedOutput, readExpected } from './smoke/expected.js';
import { failedChecks, type SmokeResult, smokeEveryPlatform } from './smoke/index.js';
import { listed, oneLine } from './text.js';

export interface Adapters {
  docker: DockerCli;
  logger: Logger;
  /** Where generated files are written (a folder per variant inside); a fresh temporary folder when absent. */
  workDir?: string;
  /** Stop after this phase: `ml-container plan` stops after render, `plan-only` after plan. */
  until?: Phase;
  /** Keeps the `local` build cache across workflow runs (the Actions cache); absent in the CLI. */
  cacheStore?: CacheStore;
}

/** One variant's way through lock → render → build → smoke → publish. */
export interface VariantReport {
  plan: BuildPlan;
  lock?: Lock;
  dockerfile?: string;
  /** What render wrote for buildx; `write-generated` and `check-generated` use the same files. */
  files?: GeneratedFile[];
  generatedDir?: string;
  tags?: TagPlan;
  labels?: Record<string, string>;
  build?: BuildResult;
  smoke?: SmokeResult;
  /** `digest`: what the registry serves for the pushed tags (the classic store makes a new manifest). */
  publish?: PushDecision & { pushed: string[]; digest?: string };
}

/** Everything a run found and did, kept even when a phase fails, so the summary can show how far it got. */
export interface RunReport {
  contextDir: string;
  spec?: EnvironmentSpec;
  builder?: BuilderInfo;
  variants: VariantReport[];
  notes: string[];
  error?: UserError;
}

/**
 * detect → plan → (lock → render → build → smoke → publish for each variant), the one flow behind
 * the action and the CLI. A failure stops the flow where it happens; nothing is pushed after any
 * failure, in any variant.
 */
export async function pipeline(inputs: Inputs, context: RunContext, adapters: Adapters): Promise<RunReport> {
  const { docker, logger } = adapters;
  const contextDir = resolve(inputs.context);
  const report: RunReport = { contextDir, variants: [], notes: [] };
  let phase: Phase = 'detect';
  const step = async <T>(name: Phase, title: string, body: () => Promise<T>): Promise<T> => {
    phase = name;
    return logger.group(title, body);
  };
  try {
    const reader = directoryReader(contextDir);
    const spec = await step('detect', 'Detect the environment', async () =>
      detect(reader, { dependencyFile: inputs.dependencyFile }),
    );
    report.spec = spec;
    for (const warning of spec.warnings) logger.warning(warning.message);
    // Weights never fetched stop the run here, before plan resolves the base (the first Docker call).
    const unfetched = checkLfsPointers(spec, inputs.allowLfsPointers);
    if (unfetched.length > 0) {
      logger.warning(
        oneLine(
          `allow-lfs-pointers: building without these weights, whose models are left out of the smoke test: ${unfetched.join(', ')}`,
        ),
      );
    }
    logger.info(oneLine(`Python ${spec.python.version} (${spec.python.source})`));
    for (const framework of spec.frameworks) {
      logger.info(oneLine(`${framework.name} ${framework.spec || '(any version)'} (${framework.source})`));
    }
    logger.info(
      oneLine(
        `accelerator ${spec.accelerator}${spec.cuda ? `, CUDA ${spec.cuda.version} (${spec.cuda.source})` : ''}`,
      ),
    );

    // Read before any build, so a malformed golden file fails in seconds, not after the image is built.
    const expected = inputs.smokeExpected ? readExpected(reader, inputs.smokeExpected) : null;
    const trust = trustPolicy(context, { allowForkCredentials: inputs.allowForkCredentials });
    // The inputs' last: for one index, the workflow's credentials win over those a repository writes.
    const givenCredentials = credentialsOf([
      spec.dependencies.indexUrl?.url,
      ...spec.dependencies.extraIndexUrls.map((index) => index.url),
      ...inputIndexUrls(inputs),
    ]);
    const credentials = trust.credentialsWithheld ? new Map<string, string>() : givenCredentials;
    for (const note of trustNotes(trust, [...givenCredentials.keys()], inputs)) {
      report.notes.push(note);
      logger.warning(note);
    }
    const plans = await step('plan', 'Plan the image', async () => {
      const planned = plan(spec, inputs, { hasDockerignore: reader.readText('.dockerignore') !== null });
      for (const candidate of planned) {
        candidate.base.digest ??= await resolveBaseDigest(docker, candidate.base.image);
        if (candidate.pythonInstaller) {
          candidate.pythonInstaller.digest ??= await resolveBaseDigest(
            docker,
            candidate.pythonInstaller.image,
          );
        }
        logger.info(`[${candidate.variant}]`);
        for (const decision of candidate.decisions)
          logger.info(oneLine(`  ${decision.topic}: ${decision.choice} — ${decision.why}`));
        logger.info(oneLine(`  base pinned: ${candidate.base.image}@${candidate.base.digest}`));
      }
      return planned;
    });
    report.variants = plans.map((variantPlan) => ({ plan: variantPlan }));
    if (adapters.until === 'plan') return report;

    // Tags carry a variant suffix when the project has more than one variant, so a matrix's images never collide.
    const projectVariants = chooseVariants(spec, { ...inputs, variant: 'auto' }).length;
    // Each platform is locked and smoke-tested on itself: know before locking that the runner runs them all.
    let builder: BuilderInfo | undefined;
    if (inputs.platforms.length > 0) {
      builder = await step('build', 'Inspect the builder', async () =>
        inspectBuilder(docker, inputs.builder),
      );
      if (inputs.platforms.length > 1 && !builder.containerdStore) {
        throw new UserError(
          `building ${inputs.platforms.join(', ')} needs Docker's containerd image store: the classic store holds one platform, and each is smoke-tested before anything is pushed`,
          'inputs',
        );
      }
      const missing = unrunnablePlatforms(builder, inputs.platforms);
      if (missing.length > 0) {
        throw new UserError(
          `this runner cannot run ${missing.join(', ')} (the builder runs ${builder.platforms.join(', ') || 'no platform it names'}): each platform is locked and smoke-tested on itself, so register an emulator first (docker/setup-qemu-action) or build on a runner of that platform`,
          'inputs',
        );
      }
    }
    const workRoot = adapters.workDir ?? mkdtempSync(join(tmpdir(), 'ml-container-'));
    const variants = report.variants;
    for (const variant of variants) {
      const generatedDir = variants.length > 1 ? join(workRoot, variant.plan.variant) : workRoot;
      await lockAndRender(variant, {
        spec,
        reader,
        contextDir,
        generatedDir,
        docker,
        logger,
        step,
        credentials,
      });
    }
    if (inputs.writeGenerated || inputs.checkGenerated) {
      await step(
        'render',
        inputs.checkGenerated ? 'Check the committed generated files' : 'Write the generated files',
        async () => keepGenerated(variants, inputs, contextDir, logger),
      );
    }
    if (adapters.until === 'render') return report;

    builder ??= await step('build', 'Inspect the builder', async () =>
      inspectBuilder(docker, inputs.builder),
    );
    report.builder = builder;
    logger.info(`builder: ${describeBuilder(builder)}`);
    // Whether this run pushes once its smoke tests pass: it decides the reproducible route and cache writes.
    const mayPush = pushDecision(inputs, context, true).push;
    // Rewriting every layer's file times costs seconds per build even when nothing changed, so by
    // default only an image that will be published pays it; a pull request loads straight in.
    const reproducible = inputs.reproducible === 'true' || (inputs.reproducible === 'auto' && mayPush);
    if (!reproducible && sourceDateEpoch(context) !== null) {
      logger.info(
        `reproducible export skipped: ${inputs.reproducible === 'false' ? "input 'reproducible' is false" : "nothing is pushed (reproducible: auto); set 'reproducible: true' to check it here"}`,
      );
    }
    const limits = builderLimits(builder, {
      cache: inputs.cache,
      provenance: inputs.provenance,
      reproducible: reproducible && sourceDateEpoch(context) !== null,
    });
    for (const note of limits) {
      report.notes.push(note);
      logger.warning(note);
    }
    const sbom = await step('build', 'Find the SBOM generator', async () =>
      chooseSbomGenerator(docker, builder, { sbom: inputs.sbom, generator: inputs.sbomGenerator }),
    );
    if (sbom.note) {
      report.notes.push(sbom.note);
      logger.warning(sbom.note);
    } else if (sbom.generator) logger.info(`SBOM generator: ${sbom.generator}`);
    for (const variant of variants) {
      const suffix = projectVariants > 1 || variants.length > 1 ? variantSuffix(variant.plan) : '';
      await buildAndSmoke(variant, {
        inputs,
        context,
        contextDir,
        suffix,
        suffixInputTags: variants.length > 1,
        credentials,
        builder,
        reproducible,
        mayPush,
        writeCache: trust.cacheWithheld === null,
        sbomGenerator: sbom.generator,
        expected,
        cacheStore: adapters.cacheStore,
        docker,
        logger,
        step,
      });
    }

    for (const variant of variants) {
      const decision = pushDecision(inputs, context, variant.smoke?.passed === true);
      variant.publish = { ...decision, pushed: [] };
      const tags = variant.tags?.tags ?? [];
      await step(
        'publish',
        decision.push ? `Push the ${variant.plan.variant} image` : `Push skipped (${variant.plan.variant})`,
        async () => {
          logger.info(decision.why);
          if (!decision.push) return;
          const record: NonNullable<VariantReport['publish']> = { ...decision, pushed: [] };
          variant.publish = record;
          if (!variant.build) throw new Error(`the ${variant.plan.variant} image was not built`);
          const pushed = await push(tags, variant.build, {
            docker,
            builder: builder?.name,
            credentials,
            log: (message) => logger.warning(message),
            onPushed: (tag, digest) => {
              record.pushed.push(tag);
              logger.info(`pushed ${tag}@${digest}`);
            },
            onOutput: (chunk) => logger.output(chunk),
          });
          record.digest = pushed.digest;
          logger.info(
            `the registry serves ${pushed.digest} for ${listed(pushed.tags)}, the smoke-tested image`,
          );
        },
      );
    }
  } catch (error) {
    report.error =
      error instanceof UserError
        ? error
        : new UserError(error instanceof Error ? error.message : String(error), phase);
  }
  return report;
}

/** What an untrusted run withholds, said once in the log and the summary's notes. */
function trustNotes(trust: TrustPolicy, credentialed: readonly string[], inputs: Inputs): string[] {
  const notes: string[] = [];
  const wouldWrite = inputs.cache !== 'none' || inputs.cacheTo.length > 0;
  if (trust.cacheWithheld && wouldWrite) {
    notes.push(
      `no build cache is written: ${trust.cacheWithheld}, and a trusted run would read what it wrote`,
    );
  }
  if (trust.credentialsWithheld && credentialed.length > 0) {
    notes.push(
      oneLine(
        `credentials for ${listed(credentialed)} withheld from the resolver and the build: ${trust.credentialsWithheld}, whose requirements may run build scripts; set '${ALLOW_FORK_CREDENTIALS}: true' to hand them over`,
      ),
    );
  }
  return notes;
}

type Step = <T>(name: Phase, title: string, body: () => Promise<T>) => Promise<T>;

async function lockAndRender(
  variant: VariantReport,
  options: {
    spec: EnvironmentSpec;
    reader: RepoReader;
    contextDir: string;
    generatedDir: string;
    docker: DockerCli;
    logger: Logger;
    step: Step;
    credentials: Credentials;
  },
): Promise<void> {
  const { plan: variantPlan } = variant;
  const { logger, step } = options;
  const locked = await step('lock', `Lock the ${variantPlan.variant} dependencies with hashes`, async () =>
    lock(variantPlan, options.spec, options.contextDir, options.docker, options.reader, options.credentials),
  );
  variant.lock = locked;
  logger.info(`${locked.packages.length} packages pinned, lock sha256 ${locked.sha256}`);
  variant.generatedDir = options.generatedDir;
  variant.dockerfile = await step('render', `Render the ${variantPlan.variant} Dockerfile`, async () => {
    const text = renderDockerfile(variantPlan, locked);
    variant.files = generatedFiles({
      dockerfile: text,
      dockerignore: variantPlan.generateDockerignore ? renderDockerignore() : null,
      lockText: locked.text,
      planJson: `${JSON.stringify(variantPlan, null, 2)}\n`,
    });
    // buildx reads <Dockerfile>.dockerignore beside the Dockerfile before the context's own.
    writeGeneratedFolder(options.generatedDir, variant.files);
    logger.info(`wrote ${variant.files.map((file) => file.name).join(', ')} to ${options.generatedDir}`);
    return text;
  });
}

async function buildAndSmoke(
  variant: VariantReport,
  options: {
    inputs: Inputs;
    context: RunContext;
    contextDir: string;
    suffix: string;
    suffixInputTags: boolean;
    credentials: Credentials;
    builder: BuilderInfo;
    reproducible: boolean;
    mayPush: boolean;
    writeCache: boolean;
    sbomGenerator: string | null;
    expected: ExpectedOutput | null;
    cacheStore?: CacheStore;
    docker: DockerCli;
    logger: Logger;
    step: Step;
  },
): Promise<void> {
  const { inputs, context, contextDir, docker, logger, step } = options;
  const variantPlan = variant.plan;
  const folderName = basename(contextDir);
  const tags = computeTags(inputs, context, folderName, {
    suffix: options.suffix,
    suffixInputTags: options.suffixInputTags,
  });
  variant.tags = tags;
  const labels = computeLabels(inputs, context, {
    title: context.repository?.split('/')[1] ?? folderName,
    version: tags.tags[0]?.split(':').at(-1) ?? null,
    modelDigests: await modelDigests(contextDir, variantPlan.models),
  });
  variant.labels = labels;
  const cache = cacheArgs({
    backend: inputs.cache,
    variant: variantPlan.variant,
    imageName: imageName(inputs, context, folderName),
    mayPush: options.mayPush,
    writeCache: options.writeCache,
    canExport: options.builder.canExportCache,
    lockSha256: (variant.lock as Lock).sha256,
    extraFrom: inputs.cacheFrom,
    extraTo: inputs.cacheTo,
    repository: context.repository,
    githubToken: inputs.githubToken ?? undefined,
  });
  let restoredKey: string | null = null;
  if (cache.local && options.cacheStore) {
    const local = cache.local;
    restoredKey = await step('build', 'Restore the local build cache', async () =>
      (options.cacheStore as CacheStore).restore(local.dir, local.key, local.restoreKeys),
    );
    logger.info(
      restoredKey
        ? `restored ${local.dir} from the Actions cache (${restoredKey})`
        : `no saved build cache for ${local.key} yet`,
    );
  }
  const built = await step('build', `Build the ${variantPlan.variant} image with BuildKit`, async () =>
    build(variantPlan, {
      docker,
      builder: options.builder,
      contextDir,
      generatedDir: variant.generatedDir ?? '',
      tags: tags.tags,
      labels,
      provenance: inputs.provenance,
      sbomGenerator: options.sbomGenerator,
      credentials: options.credentials,
      sourceDateEpoch: sourceDateEpoch(context),
      reproducible: options.reproducible,
      cache,
      onOutput: (chunk) => logger.output(chunk),
    }),
  );
  variant.build = built;
  if (cache.local && swapInNewCache(cache.local) && options.cacheStore && restoredKey !== cache.local.key) {
    const local = cache.local;
    // A cache that cannot be saved (another job saving the same key, the quota) costs speed, not the build.
    await (options.cacheStore as CacheStore).save(local.dir, local.key).then(
      () => logger.info(`saved ${local.dir} to the Actions cache as ${local.key}`),
      (error: unknown) =>
        logger.warning(
          `the local build cache was not saved: ${error instanceof Error ? error.message : String(error)}`,
        ),
    );
  }
  for (const note of built.notes) logger.warning(note);
  logger.info(
    `built ${built.digest} in ${built.seconds.toFixed(1)}s${built.manifestDigest ? ` (image manifest ${built.manifestDigest}, reproducible from the commit time)` : ''}`,
  );

  const smoked = await step('smoke', `Smoke-test the ${variantPlan.variant} image offline`, async () =>
    smokeEveryPlatform(variantPlan, variant.lock as Lock, {
      machineOf: platformMachine,
      docker,
      image: built.imageRef,
      command: inputs.smokeCommand,
      timeoutSeconds: inputs.smokeTimeoutSeconds,
      memory: inputs.smokeMemory,
      expected: options.expected,
    }),
  );
  variant.smoke = smoked;
  for (const check of smoked.checks) {
    // The name is a model file's, the error and reason the model code's: one line, whatever they hold.
    logger.info(
      oneLine(
        `${check.status.padEnd(7)} ${check.platform ? `[${check.platform}] ` : ''}${check.kind} ${check.name}${check.error ? `: ${check.error}` : ''}${check.reason ? ` (${check.reason})` : ''}`,
      ),
    );
  }
  const failed = failedChecks(smoked);
  if (failed.length > 0) {
    variant.publish = { push: false, why: 'the smoke test failed', pushed: [] };
    const modelFailure = failed.find((check) => check.kind === 'model');
    throw new UserError(
      `smoke test failed${options.suffix ? ` (${variantPlan.variant})` : ''}: ${failed.map((check) => `${check.kind} ${check.name}: ${check.error}`).join('; ')}`,
      'smoke',
      modelFailure ? { file: modelFailure.name } : undefined,
    );
  }
}

/**
 * The sha256 of each single-file model, for its label. Streamed: a model may be larger than any
 * buffer (2 GiB); read under the project's rule, as detect read it.
 */
async function modelDigests(
  contextDir: string,
  models: readonly ModelArtifact[],
): Promise<Record<string, string>> {
  const project = projectFiles(contextDir, 'build');
  const digests: Record<string, string> = {};
  for (const model of models) {
    if (model.format === 'savedmodel' || model.format === 'huggingface') continue;
    const digest = await project.sha256(model.path);
    if (digest === null) {
      throw new UserError(`${oneLine(model.path)} is gone since detect found it`, 'build', {
        file: model.path,
      });
    }
    digests[model.path] = digest;
  }
  return digests;
}

const DEFAULT_GENERATED_FOLDER = '.ml-container';

/**
 * `write-generated` puts the generated files in the project to be committed; `check-generated`
 * fails when the committed ones differ from this run's, with the diff for the summary.
 */
function keepGenerated(
  variants: readonly VariantReport[],
  inputs: Inputs,
  contextDir: string,
  logger: Logger,
): void {
  // parseInputs kept the folder inside the project; the repository's own links are checked on writing.
  const folder = inputs.writeGenerated ?? DEFAULT_GENERATED_FOLDER;
  const stale: { name: string; diff: string }[] = [];
  for (const variant of variants) {
    const variantFolder = folder === '.' ? variant.plan.variant : `${folder}/${variant.plan.variant}`;
    const displayDir = variants.length > 1 ? variantFolder : folder;
    const files = variant.files ?? [];
    if (inputs.checkGenerated) {
      stale.push(
        ...compareGenerated(join(contextDir, displayDir), files, displayDir, contextDir).map((file) => ({
          ...file,
          name: `${displayDir}/${file.name}`,
        })),
      );
    } else {
      writeGeneratedInProject(contextDir, displayDir, files);
      logger.info(`wrote ${files.map((file) => file.name).join(', ')} to ${displayDir}`);
    }
  }
  if (stale.length > 0) {
    throw new UserError(
      staleMessage(
        stale,
        folder,
        `ml-container plan .${inputs.dependencyFile ? ` --dependency-file ${inputs.dependencyFile}` : ''} --out ${folder}`,
      ),
      'render',
      { file: stale[0]?.name ?? folder },
      stale.map((file) => file.diff).join('\n'),
    );
  }
  if (inputs.checkGenerated) logger.info(`the generated files in ${folder} are up to date`);
}

/** The commit time in seconds, for SOURCE_DATE_EPOCH; never the wall clock, which no rebuild could match. */
export function sourceDateEpoch(context: RunContext): number | null {
  const time = context.commitTime ? Date.parse(context.commitTime) : Number.NaN;
  return Number.isNaN(time) ? null : Math.floor(time / 1000);
}
