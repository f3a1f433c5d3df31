import { existsSync, renameSync, rmSync } from 'node:fs';
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
