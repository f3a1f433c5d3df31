import { homedir } from 'node:os';
import { join } from 'node:path';
import { Build } from '@docker/actions-toolkit/lib/buildx/build.js';
import type { CacheBackend } from '../plan/types.js';

export interface CacheArgs {
  from: string[];
  to: string[];
  /** The `local` backend: the folder read, the folder written (swapped in after the build), its cache key. */
  local?: LocalCache;
}

export interface LocalCache {
  dir: string;
  newDir: string;
  key: string;
  /** See CacheRequest.scope: recorded with the key the folder holds. */
  scope: string;
  restoreKeys: string[];
  /** The folder written is swapped in and saved: false on a run not trusted to write caches. */
  save: boolean;
}

/** What plan asks of a variant's cache (plan/variant-run.ts), before the builder and the lock are known. */
export interface CacheRequest {
  backend: CacheBackend;
  variant: string;
  imageName: string;
  /** The run may push: it may write a registry cache. */
  mayPush: boolean;
  /** The run is trusted to write caches (see plan/trust.ts). */
  writeCache: boolean;
  extraFrom: readonly string[];
  extraTo: readonly string[];
  localRoot?: string;
  /**
   * The git ref the run is for (GITHUB_REF). GitHub keeps Actions cache entries apart per ref, and
   * a kept `local` folder is reused without a restore only by a run of the ref that wrote it.
   */
  scope?: string | null;
  /** For gha, as owner/name with a token: BuildKit then lists cache entries through the GitHub API, not the rate-limited cache API. */
  repository?: string | null;
  githubToken?: string;
}

/** What only the run finds out: the builder, and the lock's hash. */
export interface CacheFacts {
  /** The builder can export a cache at all. */
  canExport: boolean;
  /**
   * The lock's sha256 (the project's own Dockerfile's without one): a `local` cache saved under it
   * is exactly this dependency set's.
   */
  lockSha256: string;
}

/**
 * buildx cache arguments for one variant, as docker/build-push-action users write them by hand:
 * a cache per variant (their layers differ). GitHub keeps the Actions cache (`gha`, and `local`
 * saved with @actions/cache) apart per ref, so a same-repository pull request's entries never reach
 * a release; a `registry` cache is one shared tag, written only by a run that may push. An untrusted
 * run (a fork's pull request, `pull_request_target`) writes no cache at all, `cache-to` included.
 */
export function cacheArgs(options: CacheRequest & CacheFacts): CacheArgs {
  const { backend, variant } = options;
  const from: string[] = [];
  const to: string[] = [];
  let local: LocalCache | undefined;
  if (backend === 'registry') {
    const ref = `${options.imageName}:buildcache-${variant}`;
    from.push(`type=registry,ref=${ref}`);
    if (options.mayPush) to.push(`type=registry,ref=${ref},mode=max`);
  } else if (backend === 'gha') {
    // The runner gives JavaScript actions ACTIONS_RUNTIME_TOKEN, ACTIONS_CACHE_URL and ACTIONS_RESULTS_URL
    // (and ACTIONS_CACHE_SERVICE_V2); buildx reads them from the environment it inherits.
    from.push(`type=gha,scope=ml-container-${variant}`);
    to.push(
      ghaCacheTo(`type=gha,scope=ml-container-${variant},mode=max`, options.repository, options.githubToken),
    );
  } else if (backend === 'local') {
    const dir = join(options.localRoot ?? join(homedir(), '.cache', 'ml-container', 'buildcache'), variant);
    // BuildKit adds to a local cache folder and never prunes it: write a fresh one and swap it in.
    local = {
      dir,
      newDir: `${dir}-new`,
      key: `ml-container-buildcache-${variant}-${options.lockSha256}`,
      scope: options.scope ?? '',
      restoreKeys: [`ml-container-buildcache-${variant}-`],
      save: options.writeCache,
    };
    from.push(`type=local,src=${dir}`);
    to.push(`type=local,dest=${local.newDir},mode=max`);
  }
  return {
    from: [...from, ...options.extraFrom],
    to:
      options.canExport && options.writeCache
        ? [
            ...to,
            ...options.extraTo.map((entry) => ghaCacheTo(entry, options.repository, options.githubToken)),
          ]
        : [],
    ...(local && options.canExport ? { local } : {}),
  };
}

/**
 * The attributes docker/build-push-action adds to a gha cache-to, ours and the input's alike, by
 * actions-toolkit's Build.resolveCacheToAttrs. The run's repository is named first: the toolkit
 * would read it from the runner's environment, which the CLI has none of.
 */
function ghaCacheTo(
  entry: string,
  repository: string | null | undefined,
  githubToken: string | undefined,
): string {
  if (!repository || !/(?:^|,)\s*type=gha\s*(?:,|$)/.test(entry)) return entry;
  const named = /(?:^|,)\s*repository=/.test(entry) ? entry : `${entry},repository=${repository}`;
  return Build.resolveCacheToAttrs(named, githubToken);
}
