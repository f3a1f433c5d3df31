import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CacheStore } from '../../../src/adapters/actions-cache.js';
import type { DockerCli } from '../../../src/adapters/docker.js';
import { lockCache } from '../../../src/adapters/lock-cache.js';
import { isUserError } from '../../../src/errors.js';
import { lockCacheKey } from '../../../src/lock/cache-key.js';
import { lock } from '../../../src/lock/index.js';
import { memoryReader } from '../../../src/project/reader.js';
import { irisPlan, irisReport, irisSpec, irisTree } from '../helpers.js';

const TODAY = new Date('2026-12-01T10:00:00Z');

/** An engine whose resolver answers with the iris report, counting the containers it starts. */
function resolvingDocker(): DockerCli & { resolves: () => number } {
  let resolves = 0;
  return {
    resolves: () => resolves,
    async exec(args) {
      if (args[0] !== 'run') throw new Error(`unexpected docker call: ${args.join(' ')}`);
      resolves++;
      return {
        exitCode: 0,
        stdout: `ML_CONTAINER_RESOLVE_REPORT ${JSON.stringify(irisReport())}\n`,
        stderr: '',
        timedOut: false,
      };
    },
  };
}

function withCache(dir: string, now = TODAY, store?: CacheStore, save = true) {
  const logged: string[] = [];
  return {
    logged,
    cache: {
      store: lockCache({ dir, store, save, warn: (message) => logged.push(`warning: ${message}`) }),
      log: (message: string) => logged.push(message),
      now,
    },
  };
}

describe('the lock cache', () => {
  it('starts no resolver for inputs resolved earlier the same day, and gives the same lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-container-locks-'));
    const docker = resolvingDocker();
    const first = await lock(
      irisPlan(),
      irisSpec(),
      '/w',
      docker,
      memoryReader(irisTree),
      new Map(),
      withCache(dir).cache,
    );
    const again = withCache(dir);
    const second = await lock(
      irisPlan(),
      irisSpec(),
      '/w',
      docker,
      memoryReader(irisTree),
      new Map(),
      again.cache,
    );
    expect(docker.resolves()).toBe(1);
    expect(second).toEqual(first);
    expect(again.logged).toEqual([
      expect.stringMatching(
        /^reused the lock resolved earlier today from the same inputs \(cache key 2026-12-01-[0-9a-f]{64}\)$/,
      ),
    ]);
  });

  it('resolves again on a new day, and for other requirements, indexes or bases', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-container-locks-'));
    const docker = resolvingDocker();
    const run = (plan = irisPlan(), now = TODAY, tree = irisTree) =>
      lock(plan, irisSpec(), '/w', docker, memoryReader(tree), new Map(), withCache(dir, now).cache);
    await run();
    await run(irisPlan(), new Date('2026-12-02T00:00:01Z'));
    expect(docker.resolves()).toBe(2);
    await run(irisPlan({ 'index-url': 'https://mirror.example/simple' }));
    expect(docker.resolves()).toBe(3);
    const otherBase = irisPlan();
    if (otherBase.base) otherBase.base.digest = `sha256:${'9'.repeat(64)}`;
    await run(otherBase);
    expect(docker.resolves()).toBe(4);
    expect(readdirSync(dir)).toHaveLength(4);
  });

  it('never keeps the lock of a private index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-container-locks-'));
    const docker = resolvingDocker();
    const plan = { ...irisPlan(), privateIndexes: true };
    for (const _ of [1, 2]) {
      await lock(plan, irisSpec(), '/w', docker, memoryReader(irisTree), new Map(), withCache(dir).cache);
    }
    expect(docker.resolves()).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('restores a lock from the Actions cache on a fresh runner, and saves one only when trusted to', async () => {
    const saved: string[] = [];
    const restored: string[] = [];
    const first = mkdtempSync(join(tmpdir(), 'ml-container-locks-'));
    const store: CacheStore = {
      async restore(path, key) {
        restored.push(key);
        // The Actions cache puts the folder back where it was saved.
        const [name] = readdirSync(first);
        if (!name || !key.endsWith(name)) return null;
        const { mkdirSync } = await import('node:fs');
        mkdirSync(path, { recursive: true });
        writeFileSync(join(path, 'report.json'), readFileSync(join(first, name, 'report.json')));
        return key;
      },
      async save(path, key) {
        saved.push(`${key} ${path}`);
      },
    };
    const docker = resolvingDocker();
    await lock(
      irisPlan(),
      irisSpec(),
      '/w',
      docker,
      memoryReader(irisTree),
      new Map(),
      withCache(first, TODAY, store).cache,
    );
    const [name] = readdirSync(first);
    expect(saved).toEqual([`ml-container-lock-${name} ${join(first, name ?? '')}`]);
    const fresh = mkdtempSync(join(tmpdir(), 'ml-container-locks-'));
    await lock(
      irisPlan(),
      irisSpec(),
      '/w',
      docker,
      memoryReader(irisTree),
      new Map(),
      withCache(fresh, TODAY, store).cache,
    );
    expect(docker.resolves()).toBe(1);
    expect(restored).toEqual([`ml-container-lock-${name}`, `ml-container-lock-${name}`]);
    // An untrusted run (a fork's pull request) reads the cache but leaves nothing in it, here either:
    // a runner that keeps its home would hand it to the next trusted run.
    const untrusted = mkdtempSync(join(tmpdir(), 'ml-container-locks-'));
    const other = irisPlan({ 'index-url': 'https://mirror.example/simple' });
    await lock(
      other,
      irisSpec(),
      '/w',
      docker,
      memoryReader(irisTree),
      new Map(),
      withCache(untrusted, TODAY, store, false).cache,
    );
    expect(docker.resolves()).toBe(2);
    expect(saved).toHaveLength(1);
    expect(readdirSync(untrusted)).toEqual([]);
  });

  it('reads a kept report back through the checks of a fresh one: a changed report fails the run, never installs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-container-locks-'));
    const docker = resolvingDocker();
    await lock(irisPlan(), irisSpec(), '/w', docker, memoryReader(irisTree), new Map(), withCache(dir).cache);
    const [name = ''] = readdirSync(dir);
    const kept = join(dir, name, 'report.json');
    const report = JSON.parse(readFileSync(kept, 'utf8'));
    // A package whose index published no hash: a fresh report like it is refused, and so is this one.
    delete report.install[0].download_info.archive_info;
    writeFileSync(kept, JSON.stringify(report));
    const error = await lock(
      irisPlan(),
      irisSpec(),
      '/w',
      docker,
      memoryReader(irisTree),
      new Map(),
      withCache(dir).cache,
    ).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(isUserError(error) && error.message).toMatch(/sha256/);
    expect(docker.resolves()).toBe(1);
    // Not JSON at all (a half-written file, another version's format): refused the same way.
    writeFileSync(kept, '{"install": [');
    await expect(
      lock(irisPlan(), irisSpec(), '/w', docker, memoryReader(irisTree), new Map(), withCache(dir).cache),
    ).rejects.toThrow(/the resolver's report is not JSON/);
    expect(existsSync(kept)).toBe(true);
  });
});

describe('lockCacheKey', () => {
  it('is the UTC day and a digest of everything the resolve depends on', () => {
    const key = lockCacheKey(['run', 'base@sha256:a'], '{"files":{}}', TODAY);
    expect(key).toMatch(/^2026-12-01-[0-9a-f]{64}$/);
    expect(lockCacheKey(['run', 'base@sha256:a'], '{"files":{}}', new Date('2026-12-01T23:59:59Z'))).toBe(
      key,
    );
    expect(lockCacheKey(['run', 'base@sha256:b'], '{"files":{}}', TODAY)).not.toBe(key);
    expect(lockCacheKey(['run', 'base@sha256:a'], '{"files":{"a":"1"}}', TODAY)).not.toBe(key);
  });
});
