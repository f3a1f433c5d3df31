import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CacheBackend } from '../inputs.js';

export interface CacheArgs {
  from: string[];
  to: string[];
}

/**
 * buildx cache arguments for one variant, as docker/build-push-action users write them by hand:
 * a cache per variant (their layers differ), read always, written only when the run may push, so a
 * pull request never writes a cache that a release then trusts.
 */
export function cacheArgs(options: {
  backend: CacheBackend;
  variant: string;
  imageName: string;
  write: boolean;
  extraFrom: readonly string[];
  extraTo: readonly string[];
  localRoot?: string;
}): CacheArgs {
  const { backend, variant } = options;
  const from: string[] = [];
  const to: string[] = [];
  if (backend === 'registry') {
    const ref = `${options.imageName}:buildcache-${variant}`;
    from.push(`type=registry,ref=${ref}`);
    to.push(`type=registry,ref=${ref},mode=max`);
  } else if (backend === 'gha') {
    // The runner gives JavaScript actions ACTIONS_CACHE_URL and ACTIONS_RUNTIME_TOKEN; buildx reads them from its environment.
    from.push(`type=gha,scope=ml-container-${variant}`);
    to.push(`type=gha,scope=ml-container-${variant},mode=max`);
  } else if (backend === 'local') {
    const dir = join(options.localRoot ?? join(homedir(), '.cache', 'ml-container', 'buildcache'), variant);
    from.push(`type=local,src=${dir}`);
    to.push(`type=local,dest=${dir},mode=max`);
  }
  return {
    from: [...from, ...options.extraFrom],
    to: options.write ? [...to, ...options.extraTo] : [],
  };
}
