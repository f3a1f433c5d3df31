import * as cache from '@actions/cache';

/** Saves and restores folders across workflow runs; the CLI has none, and its local cache folder simply stays. */
export interface CacheStore {
  /** The key restored (exact or by prefix), or null when nothing matched. */
  restore(dir: string, key: string, restoreKeys: string[]): Promise<string | null>;
  save(dir: string, key: string): Promise<void>;
}

/** The Actions cache, when the runner offers it (it does to every JavaScript action on GitHub). */
export function actionsCacheStore(): CacheStore | undefined {
  if (!cache.isFeatureAvailable()) return undefined;
  return {
    restore: async (dir, key, restoreKeys) => (await cache.restoreCache([dir], key, restoreKeys)) ?? null,
    save: async (dir, key) => {
      // saveCache reports most failures (a key another job reserved, the quota) by returning -1.
      if ((await cache.saveCache([dir], key)) === -1)
        throw new Error(`the Actions cache did not take ${key}`);
    },
  };
}
