import { basename, join } from 'node:path';
import type { RunContext } from '../context.js';
import type { EnvironmentSpec } from '../detect/spec.js';
import type { CacheRequest } from '../image/cache.js';
import type { Inputs } from '../inputs.js';
import type { LabelPlan } from '../publish/labels.js';
import type { PushDecision } from '../publish/policy.js';
import { computeTags, imageName, type TagPlan, variantSuffix } from '../publish/tags.js';
import { chooseVariants, type PlanContext, plan } from './index.js';
import { ownDockerfileLabels } from './own-dockerfile.js';
import type { RunPlan } from './run.js';
import type { BuildPlan } from './types.js';

/** What the run does with one variant's image, decided beside its build plan. */
export interface VariantRun {
  /** `-cpu`, `-cuda12.4` or `-gpu` when the project has several variants; empty when it has one. */
  suffix: string;
  tags: TagPlan;
  labels: LabelPlan;
  /** Completed by cacheArgs once the builder and the lock are known. */
  cache: CacheRequest;
  /** Whether it is pushed once its smoke test passes, and why (see pushAfterSmoke). */
  push: PushDecision;
}

export interface PlannedVariant {
  plan: BuildPlan;
  run: VariantRun;
}

/** The build plan of each variant (plan), and what the run does with each image. Pure. */
export function planVariants(
  spec: EnvironmentSpec,
  inputs: Inputs,
  run: RunPlan,
  context: RunContext,
  planContext: PlanContext,
): PlannedVariant[] {
  const plans = plan(spec, inputs, { ...planContext, dockerfile: run.dockerfile });
  // Tags carry a variant suffix when the project has more than one variant, so a matrix's images
  // never collide; the project's own Dockerfile makes one image.
  const projectVariants =
    run.dockerfile.kind === 'project' ? 1 : chooseVariants(spec, { ...inputs, variant: 'auto' }).length;
  const folderName = basename(run.contextDir);
  const image = imageName(inputs, context, folderName);
  return plans.map((variantPlan) => {
    const suffix = projectVariants > 1 || plans.length > 1 ? variantSuffix(variantPlan) : '';
    const tags = computeTags(inputs, context, folderName, { suffix, suffixInputTags: plans.length > 1 });
    return {
      plan: variantPlan,
      run: {
        suffix,
        tags,
        labels: {
          title: context.repository?.split('/')[1] ?? folderName,
          version: tags.tags[0]?.split(':').at(-1) ?? null,
          own: run.dockerfile.kind === 'project' ? ownDockerfileLabels(variantPlan) : {},
          extra: inputs.labels,
        },
        cache: {
          backend: run.cache.backend,
          variant: variantPlan.variant,
          imageName: image,
          mayPush: run.mayPush.push,
          writeCache: run.cache.writes.write,
          extraFrom: run.cache.extraFrom,
          extraTo: run.cache.extraTo,
          repository: context.repository,
          scope: context.ref,
          githubToken: run.cache.githubToken ?? undefined,
        },
        push: run.mayPush,
      },
    };
  });
}

/** The push decision once the smoke test has run: the planned one, unless the test failed. */
export function pushAfterSmoke(planned: PushDecision, smokePassed: boolean): PushDecision {
  return planned.push && !smokePassed ? { push: false, why: 'the smoke test failed' } : planned;
}

/** The folder render writes a variant's files to for buildx: one per variant when there are several. */
export function renderDir(workRoot: string, variant: string, several: boolean): string {
  return several ? join(workRoot, variant) : workRoot;
}
