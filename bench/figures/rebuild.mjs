// Figure 1: a source-only change. The example is built cold (empty BuildKit cache), one source
// file is edited and committed, and it is built again; both runs include the smoke test. The
// ratio is (warm build + smoke) ÷ (cold build + smoke), from the CLI's own timings; whole-run wall
// times, which add detection, the lock (resolved cold, reused warm) and, for a release, the push,
// are reported beside it with their own ratio. Measured as a pull request builds (nothing pushed)
// and as a release does (`--push true`, reproducible: the image manifest is read back).
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWithCli, checkout, emptyBuildCache } from '../lib.mjs';

export function sourceOnlyRebuild(example, variantArgs = [], route = 'pull request') {
  const project = checkout(example);
  emptyBuildCache();
  const cold = buildWithCli(project.dir, `${example}-rebuild`, variantArgs);
  appendFileSync(join(project.dir, 'predict.py'), '\n# a source-only change\n');
  project.commit('edit predict.py');
  const warm = buildWithCli(project.dir, `${example}-rebuild`, variantArgs);
  const phases = (run) => run.variant.build_seconds + run.variant.smoke.seconds;
  return {
    example,
    route,
    coldBuildAndSmokeSeconds: phases(cold),
    warmBuildAndSmokeSeconds: phases(warm),
    ratio: phases(warm) / phases(cold),
    goal: route === 'pull request' ? 0.05 : 0.15,
    coldWallSeconds: cold.wallSeconds,
    warmWallSeconds: warm.wallSeconds,
    wallRatio: warm.wallSeconds / cold.wallSeconds,
    reproducibleRoute: warm.variant.reproducible,
    runs: { cold: cold.variant, warm: warm.variant },
  };
}
