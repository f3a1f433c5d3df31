import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Lock } from '../lock/report.js';
import type { CacheStore } from './actions-cache.js';

/** Resolved locks kept between runs: in a folder here, and in the Actions cache for a fresh runner. */
export interface LockCache {
  read(key: string): Promise<Lock | null>;
  write(key: string, lock: Lock): Promise<void>;
}

/** The Actions cache key of a lock: its day comes first in `key`, so keys sort by age. */
const storeKey = (key: string) => `ml-container-lock-${key}`;

export function lockCache(options: {
  /** Default ~/.cache/ml-container/locks. */
  dir?: string;
  /** The Actions cache; absent in the CLI. */
  store?: CacheStore;
  /** Save to the Actions cache: false on a run not trusted to write caches (plan/trust.ts). */
  save: boolean;
  warn: (message: string) => void;
}): LockCache {
  const root = options.dir ?? join(homedir(), '.cache', 'ml-container', 'locks');
  const folder = (key: string) => join(root, key);
  const file = (key: string) => join(folder(key), 'lock.json');
  const { store } = options;
  return {
    async read(key) {
      const local = readLock(file(key));
      if (local || !store) return local;
      const restored = await store.restore(folder(key), storeKey(key), []).catch((error: unknown) => {
        options.warn(`the lock cache was not restored: ${error instanceof Error ? error.message : error}`);
        return null;
      });
      return restored ? readLock(file(key)) : null;
    },
    async write(key, lock) {
      mkdirSync(folder(key), { recursive: true, mode: 0o700 });
      // Written whole, then renamed: a run stopped half-way leaves no half lock to read.
      const partial = `${file(key)}.${process.pid}.partial`;
      writeFileSync(partial, JSON.stringify(lock), { mode: 0o600 });
      renameSync(partial, file(key));
      if (!store || !options.save) return;
      await store.save(folder(key), storeKey(key)).catch((error: unknown) => {
        options.warn(
          `the lock was not saved to the Actions cache: ${error instanceof Error ? error.message : error}`,
        );
      });
    },
  };
}

/**
 * A cached lock, only when it is whole: the shape a Lock has, and its text hashing to its sha256.
 * Anything else (a half-written file, another version's format) is a miss, and the lock is resolved.
 */
export function readLock(path: string): Lock | null {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  const lock = value as Partial<Lock> | null;
  if (
    !lock ||
    typeof lock.text !== 'string' ||
    typeof lock.sha256 !== 'string' ||
    !Array.isArray(lock.packages) ||
    typeof lock.environment !== 'object' ||
    lock.environment === null ||
    !lock.packages.every(
      (pkg) =>
        typeof pkg?.name === 'string' &&
        typeof pkg.version === 'string' &&
        Array.isArray(pkg.sha256) &&
        pkg.sha256.every((hash: unknown) => typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash)) &&
        (pkg.url === null || typeof pkg.url === 'string'),
    )
  ) {
    return null;
  }
  if (createHash('sha256').update(lock.text).digest('hex') !== lock.sha256) return null;
  return lock as Lock;
}
