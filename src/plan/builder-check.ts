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
