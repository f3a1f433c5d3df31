import type { EnvironmentSpec, ModelArtifact } from '../detect/spec.js';
import { UserError } from '../errors.js';
import { listed } from '../text.js';

/** The models whose weights are not in the checkout: Git LFS pointers, or shards their index names that are missing. */
export function unfetchedModels(models: readonly ModelArtifact[]): ModelArtifact[] {
  return models.filter((model) => model.lfsPointers.length > 0 || model.missingShards.length > 0);
}

/** Every file of those models that was not fetched, once each, pointers first: `path (why)`. */
export function unfetchedFiles(models: readonly ModelArtifact[]): string[] {
  const pointers = new Set<string>();
  const missing = new Map<string, string>();
  for (const model of unfetchedModels(models)) {
    for (const path of model.lfsPointers) pointers.add(path);
    for (const shard of model.missingShards)
      if (!missing.has(shard.path)) missing.set(shard.path, shard.index);
  }
  return [
    ...[...pointers].sort().map((path) => `${path} (Git LFS pointer)`),
    ...[...missing]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([path, index]) => `${path} (missing; named by ${index})`),
  ];
}

/**
 * A model whose weights were never fetched would ship as a pointer and fail, or be skipped, in the
 * smoke test; so a run refuses it before anything is locked or built, naming every such file and
 * both ways out. With `allow-lfs-pointers: true` it returns those files (empty when none) for the
 * run to warn about, and plan leaves their models out of the smoke test. Pure.
 */
export function checkLfsPointers(spec: EnvironmentSpec, allowLfsPointers: boolean): string[] {
  const models = unfetchedModels(spec.models);
  const files = unfetchedFiles(models);
  if (files.length === 0 || allowLfsPointers) return files;
  const first = models.flatMap((model) => model.lfsPointers).sort()[0];
  const firstIndex = models.flatMap((model) => model.missingShards.map((shard) => shard.index))[0];
  throw new UserError(
    `the weights of ${listed(models.map((model) => model.path))} were never fetched: ${listed(files, 20)}. ` +
      'Fetch them before this step, with actions/checkout and `lfs: true` (locally: `git lfs pull`), ' +
      "or set 'allow-lfs-pointers: true' (CLI: --allow-lfs-pointers true) to build without them (those models are left out of the smoke test and the image ships without their weights)",
    'detect',
    { file: first ?? firstIndex ?? models[0]?.path ?? '.' },
  );
}
