import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CacheStore } from './actions-cache.js';

/**
 * The reports of resolves, kept between runs: in a folder here, and in the Actions cache for a
 * fresh runner. What is kept is pip's report as the resolver printed it; lock/resolve.ts reads it
 * back through the same checks as a fresh one, so an entry can only ever skip the container.
 */
export interface LockCache {
  read(key: string): Promise<string | null>;
  write(key: string, report: string): Promise<void>;
}

/** The Actions cache key of a report: its day comes first in `key`, so keys sort by age. */
const storeKey = (key: string) => `ml-container-lock-${key}`;
/** A report larger than this is not a resolver's (a few KiB per package): not kept, never read. */
const MAX_REPORT_BYTES = 8 * 1024 * 1024;

export function lockCache(options: {
  /** Default ~/.cache/ml-container/locks. */
  dir?: string;
  /** The Actions cache; absent in the CLI. */
  store?: CacheStore;
  /**
   * Write at all: false on a run not trusted to write caches (plan/trust.ts). Such a run (a fork's
   * pull request) reads what trusted runs kept but keeps nothing, here either: on a runner that
   * keeps its home between jobs, a trusted run would read it.
   */
  save: boolean;
  warn: (message: string) => void;
}): LockCache {
  const root = options.dir ?? join(homedir(), '.cache', 'ml-container', 'locks');
  const folder = (key: string) => join(root, key);
  const file = (key: string) => join(folder(key), 'report.json');
  const { store } = options;
  return {
    async read(key) {
      const local = readReport(file(key));
      if (local !== null || !store) return local;
      const restored = await store.restore(folder(key), storeKey(key), []).catch((error: unknown) => {
        options.warn(`the lock cache was not restored: ${error instanceof Error ? error.message : error}`);
        return null;
      });
      return restored ? readReport(file(key)) : null;
    },
    async write(key, report) {
      if (!options.save || Buffer.byteLength(report) > MAX_REPORT_BYTES) return;
      mkdirSync(folder(key), { recursive: true, mode: 0o700 });
      // Written whole, then renamed: a run stopped half-way leaves no half report to read.
      const partial = `${file(key)}.${process.pid}.partial`;
      writeFileSync(partial, report, { mode: 0o600 });
      renameSync(partial, file(key));
      if (!store) return;
      await store.save(folder(key), storeKey(key)).catch((error: unknown) => {
        options.warn(
          `the lock was not saved to the Actions cache: ${error instanceof Error ? error.message : error}`,
        );
      });
    },
  };
}

/** A kept report's text; null when there is none, or it is too large to be one. */
export function readReport(path: string): string | null {
  try {
    const text = readFileSync(path, 'utf8');
    return text.length > 0 && Buffer.byteLength(text) <= MAX_REPORT_BYTES ? text : null;
  } catch {
    return null;
  }
}
