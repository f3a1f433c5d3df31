import { UserError } from '../errors.js';
import { type BuilderInfo, unrunnablePlatforms } from '../image/builder.js';
import type { BuilderPlan } from './run.js';

/**
 * Refuses, before anything is locked, a builder that cannot run every target platform: each is
 * locked and smoke-tested by running it, and all of them are smoke-tested before anything is pushed.
 */
export function checkBuilderRunsPlatforms(
  planned: Pick<BuilderPlan, 'platforms'>,
  builder: BuilderInfo,
): void {
  const { platforms } = planned;
  if (platforms.length > 1 && !builder.containerdStore) {
    throw new UserError(
      `building ${platforms.join(', ')} needs Docker's containerd image store: the classic store holds one platform, and each is smoke-tested before anything is pushed`,
      'inputs',
    );
  }
  const missing = unrunnablePlatforms(builder, platforms);
  if (missing.length > 0) {
    throw new UserError(
      `this runner cannot run ${missing.join(', ')} (the builder runs ${builder.platforms.join(', ') || 'no platform it names'}): each platform is locked and smoke-tested on itself, so register an emulator first (docker/setup-qemu-action) or build on a runner of that platform`,
      'inputs',
    );
  }
}

/**
 * Refuses, before the build, a push through a builder outside the engine's store when the commit
 * time is unknown: the push exports the tested build again, which serves the tested manifests only
 * when every time in the image is the commit's (SOURCE_DATE_EPOCH). Without it the registry check
 * would fail after the tags were written.
 */
export function checkBuilderPushesTested(
  run: { mayPush: { push: boolean }; sourceDateEpoch: number | null },
  builder: BuilderInfo,
): void {
  if (builder.route !== 'archive' || !run.mayPush.push || run.sourceDateEpoch !== null) return;
  throw new UserError(
    `pushing through the '${builder.driver}' builder exports the tested build again, which is the tested image only when its times are the commit's, and this run knows no commit time (no head_commit in the event, and git could not tell GITHUB_SHA's): check out the repository with its history (actions/checkout), or build with the runner's own Docker (the 'docker' driver)`,
    'build',
  );
}
