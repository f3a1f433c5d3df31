// Figure 6: two builds of the same commit, each from an empty BuildKit cache, each pushed to a
// repository of its own. The image manifest digest the registry serves (the platform image, without
// the provenance attestation that records build times) must be the same.
import { buildWithCli, checkout, emptyBuildCache } from '../lib.mjs';

export function reproducibility(example, variantArgs = []) {
  const project = checkout(example);
  const digests = [];
  const seconds = [];
  for (const attempt of [1, 2]) {
    emptyBuildCache();
    const built = buildWithCli(project.dir, `${example}-repro-${attempt}`, [
      ...variantArgs,
      '--push',
      'true',
    ]);
    digests.push(built.variant.manifest_digest);
    seconds.push(built.variant.build_seconds);
  }
  return {
    example,
    variant: variantArgs.length ? variantArgs.join(' ') : 'auto',
    equal: digests[0] !== null && digests[0] === digests[1],
    digests,
    buildSeconds: seconds,
  };
}
