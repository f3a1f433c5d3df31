import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { DockerCli } from './adapters/docker.js';
import { resolveBaseDigest } from './adapters/registry.js';
import { type BuilderInfo, type BuildResult, build, inspectBuilder, writeGenerated } from './build/index.js';
import type { RunContext } from './context.js';
import { detect, directoryReader, type EnvironmentSpec } from './detect/index.js';
import { type Phase, UserError } from './errors.js';
import type { Inputs } from './inputs.js';
import { type Lock, lock } from './lock/index.js';
import type { Logger } from './log.js';
import { type BuildPlan, plan } from './plan/index.js';
import {
  computeLabels,
  computeTags,
  type PushDecision,
  push,
  pushDecision,
  type TagPlan,
} from './publish/index.js';
import { renderDockerfile } from './render/dockerfile.js';
import { renderDockerignore } from './render/dockerignore.js';
import { failedChecks, type SmokeResult, smoke } from './smoke/index.js';

export interface Adapters {
  docker: DockerCli;
  logger: Logger;
  /** Where generated files are written; a fresh temporary folder when absent. */
  workDir?: string;
  /** Stop after this phase: `ml-container plan` stops after render. */
  until?: Phase;
}

/** Everything a run found and did, kept even when a phase fails, so the summary can show how far it got. */
export interface RunReport {
  contextDir: string;
  spec?: EnvironmentSpec;
  plan?: BuildPlan;
  lock?: Lock;
  dockerfile?: string;
  generatedDir?: string;
  tags?: TagPlan;
  labels?: Record<string, string>;
  builder?: BuilderInfo;
  build?: BuildResult;
  smoke?: SmokeResult;
  publish?: PushDecision & { pushed: string[] };
  notes: string[];
  error?: UserError;
}

/**
 * detect → plan → lock → render → build → smoke → publish, the one flow behind the action and
 * the CLI. A failure stops the flow where it happens; nothing is pushed after any failure.
 */
export async function pipeline(inputs: Inputs, context: RunContext, adapters: Adapters): Promise<RunReport> {
  const { docker, logger } = adapters;
  const contextDir = resolve(inputs.context);
  const report: RunReport = { contextDir, notes: [] };
  let phase: Phase = 'detect';
  const step = async <T>(name: Phase, title: string, body: () => Promise<T>): Promise<T> => {
    phase = name;
    return logger.group(title, body);
  };
  try {
    const reader = directoryReader(contextDir);
    const spec = await step('detect', 'Detect the environment', async () => detect(reader));
    report.spec = spec;
    for (const warning of spec.warnings) logger.warning(warning.message);
    logger.info(`Python ${spec.python.version} (${spec.python.source})`);
    for (const framework of spec.frameworks) {
      logger.info(`${framework.name} ${framework.spec || '(any version)'} (${framework.source})`);
    }

    const [variantPlan] = await step('plan', 'Plan the image', async () => {
      const plans = plan(spec, inputs, { hasDockerignore: reader.readText('.dockerignore') !== null });
      for (const candidate of plans) {
        candidate.base.digest ??= await resolveBaseDigest(docker, candidate.base.image);
      }
      return plans;
    });
    if (!variantPlan) throw new UserError('the plan has no variant to build', 'plan');
    report.plan = variantPlan;
    for (const decision of variantPlan.decisions)
      logger.info(`${decision.topic}: ${decision.choice} — ${decision.why}`);
    logger.info(`base pinned: ${variantPlan.base.image}@${variantPlan.base.digest}`);

    const locked = await step('lock', 'Lock the dependencies with hashes', async () =>
      lock(variantPlan, spec, contextDir, docker),
    );
    report.lock = locked;
    logger.info(`${locked.packages.length} packages pinned, lock sha256 ${locked.sha256}`);

    const generatedDir = adapters.workDir ?? mkdtempSync(join(tmpdir(), 'ml-container-'));
    report.generatedDir = generatedDir;
    const dockerfile = await step('render', 'Render the Dockerfile', async () => {
      const text = renderDockerfile(variantPlan, locked);
      writeGenerated(
        generatedDir,
        { dockerfile: text, dockerignore: variantPlan.generateDockerignore ? renderDockerignore() : null },
        locked,
        variantPlan,
      );
      logger.info(`wrote Dockerfile, requirements.lock and plan.json to ${generatedDir}`);
      return text;
    });
    report.dockerfile = dockerfile;
    if (adapters.until === 'render') return report;

    const folderName = basename(contextDir);
    const tags = computeTags(inputs, context, folderName);
    report.tags = tags;
    const labels = computeLabels(inputs, context, {
      title: context.repository?.split('/')[1] ?? folderName,
      version: tags.tags[0]?.split(':').at(-1) ?? null,
      modelDigests: Object.fromEntries(
        variantPlan.models.map((model) => [model.path, sha256File(join(contextDir, model.path))]),
      ),
    });
    report.labels = labels;

    const built = await step('build', 'Build with BuildKit', async () => {
      const builder = await inspectBuilder(docker);
      report.builder = builder;
      if (inputs.provenance && !builder.canKeepProvenance) {
        const note = `provenance skipped: the '${builder.driver}' builder loads into Docker's classic image store, which drops attestations (enable the containerd image store to keep them)`;
        report.notes.push(note);
        logger.warning(note);
      }
      return build(variantPlan, {
        docker,
        builder,
        contextDir,
        generatedDir,
        tags: tags.tags,
        labels,
        provenance: inputs.provenance,
        onOutput: (chunk) => logger.output(chunk),
      });
    });
    report.build = built;
    logger.info(`built ${built.digest} in ${built.seconds.toFixed(1)}s`);

    const smoked = await step('smoke', 'Smoke-test the model offline', async () =>
      smoke(variantPlan, locked, {
        docker,
        image: built.imageRef,
        command: inputs.smokeCommand,
        timeoutSeconds: inputs.smokeTimeoutSeconds,
        memory: inputs.smokeMemory,
      }),
    );
    report.smoke = smoked;
    for (const check of smoked.checks) {
      logger.info(
        `${check.status.padEnd(7)} ${check.kind} ${check.name}${check.error ? `: ${check.error}` : ''}${check.reason ? ` (${check.reason})` : ''}`,
      );
    }
    const failed = failedChecks(smoked);
    if (failed.length > 0) {
      const modelFailure = failed.find((check) => check.kind === 'model');
      report.publish = { push: false, why: 'the smoke test failed', pushed: [] };
      throw new UserError(
        `smoke test failed: ${failed.map((check) => `${check.kind} ${check.name}: ${check.error}`).join('; ')}`,
        'smoke',
        modelFailure ? { file: modelFailure.name } : undefined,
      );
    }

    const decision = pushDecision(inputs, context, smoked.passed);
    report.publish = { ...decision, pushed: [] };
    await step('publish', decision.push ? 'Push the image' : 'Push skipped', async () => {
      logger.info(decision.why);
      if (!decision.push) return;
      const pushed = await push(tags.tags, built.digest, {
        docker,
        log: (message) => logger.warning(message),
      });
      report.publish = { ...decision, pushed };
      for (const tag of pushed) logger.info(`pushed ${tag}@${built.digest}`);
    });
  } catch (error) {
    report.error =
      error instanceof UserError
        ? error
        : new UserError(error instanceof Error ? error.message : String(error), phase);
  }
  return report;
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
