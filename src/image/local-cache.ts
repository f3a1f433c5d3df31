import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { CacheStore } from '../adapters/actions-cache.js';
import type { Logger } from '../log.js';
import type { LocalCache } from './cache.js';

/**
 * Puts the cache this build wrote in place of the one it read. BuildKit only ever adds to a local
 * cache folder, so writing a fresh one and swapping it in keeps the saved cache the size of one build.
 */
export function swapInNewCache(local: LocalCache): boolean {
  // An untrusted run reads the restored folder but leaves it as it was, so nothing of its build is saved.
  if (!local.save || !existsSync(local.newDir)) return false;
  rmSync(local.dir, { recursive: true, force: true });
  renameSync(local.newDir, local.dir);
  return true;
}

/** The log line after a restore: which saved cache the build reads, if any. */
export function restoredMessage(local: LocalCache, restoredKey: string | null): string {
  return restoredKey
    ? `restored ${local.dir} from the Actions cache (${restoredKey})`
    : `no saved build cache for ${local.key} yet`;
}

/** Saves the swapped-in cache for the next run. */
export async function saveLocalCache(local: LocalCache, store: CacheStore, logger: Logger): Promise<void> {
  // A cache that cannot be saved (another job saving the same key, the quota) costs speed, not the build.
  await store.save(local.dir, local.key).then(
    () => logger.info(`saved ${local.dir} to the Actions cache as ${local.key}`),
    (error: unknown) =>
      logger.warning(
        `the local build cache was not saved: ${error instanceof Error ? error.message : String(error)}`,
      ),
  );
}

/**
 * Which saved cache the folder holds, as the last restore or swap recorded it beside the folder,
 * for a run of the same ref (GitHub keeps a ref's Actions cache entries to it, and so does this):
 * a runner that keeps its home (self-hosted) then restores nothing when it already holds this
 * lock's cache (160 MiB and a second of a warm sklearn run). Null when unknown or another ref's.
 */
export function heldKey(local: LocalCache): string | null {
  if (!existsSync(local.dir)) return null;
  try {
    const [key = '', scope = ''] = readFileSync(keyFile(local), 'utf8').split('\n');
    return key && scope === local.scope ? key : null;
  } catch {
    return null;
  }
}

/** Records which saved cache the folder now holds, and for which ref; null forgets it (while a restore overwrites it). */
export function recordHeldKey(local: LocalCache, key: string | null): void {
  rmSync(keyFile(local), { force: true });
  if (key) writeFileSync(keyFile(local), `${key}\n${local.scope}\n`, { flag: 'wx' });
}

const keyFile = (local: LocalCache) => `${local.dir}.key`;
