import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheArgs } from '../../../src/image/cache.js';
import { heldKey, recordHeldKey, swapInNewCache } from '../../../src/image/local-cache.js';

const base = {
  variant: 'cpu',
  imageName: 'ghcr.io/acme/iris',
  mayPush: true,
  writeCache: true,
  canExport: true,
  lockSha256: 'abc123',
  extraFrom: [],
  extraTo: [],
};

describe('cacheArgs', () => {
  it.each([
    ['none', { from: [], to: [] }],
    [
      'registry',
      {
        from: ['type=registry,ref=ghcr.io/acme/iris:buildcache-cpu'],
        to: ['type=registry,ref=ghcr.io/acme/iris:buildcache-cpu,mode=max'],
      },
    ],
    ['gha', { from: ['type=gha,scope=ml-container-cpu'], to: ['type=gha,scope=ml-container-cpu,mode=max'] }],
    [
      'local',
      {
        from: ['type=local,src=/c/cpu'],
        to: ['type=local,dest=/c/cpu-new,mode=max'],
        local: {
          dir: '/c/cpu',
          newDir: '/c/cpu-new',
          key: 'ml-container-buildcache-cpu-abc123',
          scope: 'refs/pull/7/merge',
          restoreKeys: ['ml-container-buildcache-cpu-'],
          save: true,
        },
      },
    ],
  ] as const)('%s keeps a cache per variant', (backend, expected) => {
    expect(cacheArgs({ ...base, backend, localRoot: '/c', scope: 'refs/pull/7/merge' })).toEqual(expected);
  });

  it('reads but never writes the shared registry cache when the run may not push (a pull request)', () => {
    expect(cacheArgs({ ...base, backend: 'registry', mayPush: false })).toEqual({
      from: ['type=registry,ref=ghcr.io/acme/iris:buildcache-cpu'],
      to: [],
    });
  });

  it("writes the Actions cache from a pull request too: GitHub keeps a ref's entries to that ref", () => {
    expect(cacheArgs({ ...base, backend: 'gha', mayPush: false }).to).toEqual([
      'type=gha,scope=ml-container-cpu,mode=max',
    ]);
    expect(cacheArgs({ ...base, backend: 'local', mayPush: false, localRoot: '/c' }).to).toEqual([
      'type=local,dest=/c/cpu-new,mode=max',
    ]);
  });

  it.each(['registry', 'gha', 'local'] as const)(
    'an untrusted run (a fork, pull_request_target) reads the %s cache and writes none, cache-to included',
    (backend) => {
      const args = cacheArgs({
        ...base,
        backend,
        mayPush: false,
        writeCache: false,
        extraTo: ['type=registry,ref=r/iris:shared'],
        repository: 'acme/iris',
        githubToken: 'ghs_x',
        localRoot: '/c',
      });
      expect(args.from.length).toBe(1);
      expect(args.to).toEqual([]);
      expect(JSON.stringify(args)).not.toContain('ghs_x');
      if (backend === 'local') expect(args.local?.save).toBe(false);
    },
  );

  it('writes nothing, not even cache-to, when the builder cannot export a cache', () => {
    expect(
      cacheArgs({ ...base, backend: 'local', canExport: false, extraTo: ['type=inline'], localRoot: '/c' }),
    ).toEqual({
      from: ['type=local,src=/c/cpu'],
      to: [],
    });
  });

  it('adds the repository and GitHub token to a gha cache-to, as docker/build-push-action does', () => {
    expect(cacheArgs({ ...base, backend: 'gha', repository: 'acme/iris', githubToken: 'ghs_x' }).to).toEqual([
      'type=gha,scope=ml-container-cpu,mode=max,repository=acme/iris,ghtoken=ghs_x',
    ]);
  });

  it("completes the input's gha cache-to entries the same way, keeping a repository it names, and no other type", () => {
    const extraTo = ['type=gha,scope=mine', 'type=gha,scope=x,repository=other/repo', 'type=inline'];
    expect(
      cacheArgs({ ...base, backend: 'none', repository: 'acme/iris', githubToken: 'ghs_x', extraTo }).to,
    ).toEqual([
      'type=gha,scope=mine,repository=acme/iris,ghtoken=ghs_x',
      'type=gha,scope=x,repository=other/repo,ghtoken=ghs_x',
      'type=inline',
    ]);
  });

  it('passes cache-from and cache-to through after its own', () => {
    expect(
      cacheArgs({ ...base, backend: 'gha', extraFrom: ['type=registry,ref=x:c'], extraTo: ['type=inline'] }),
    ).toEqual({
      from: ['type=gha,scope=ml-container-cpu', 'type=registry,ref=x:c'],
      to: ['type=gha,scope=ml-container-cpu,mode=max', 'type=inline'],
    });
  });
});

describe('swapInNewCache', () => {
  /** A restored cache folder holding `read`, and the folder a build wrote holding `written` (none: no folder). */
  const localCache = (save: boolean, read: string | null, written: string | null) => {
    const root = mkdtempSync(join(tmpdir(), 'ml-container-cache-'));
    const local = {
      dir: join(root, 'cpu'),
      newDir: join(root, 'cpu-new'),
      key: 'k',
      scope: '',
      restoreKeys: [],
      save,
    };
    for (const [dir, file] of [
      [local.dir, read],
      [local.newDir, written],
    ] as const) {
      if (file === null) continue;
      mkdirSync(dir);
      writeFileSync(join(dir, file), '');
    }
    return { root, local };
  };

  it('replaces the cache read with the one written, so the saved folder never grows', () => {
    const { root, local } = localCache(true, 'old-blob', 'index.json');
    expect(swapInNewCache(local)).toBe(true);
    expect(readdirSync(root)).toEqual(['cpu']);
    expect(readdirSync(local.dir)).toEqual(['index.json']);
  });

  it('leaves the cache alone when the build wrote none', () => {
    expect(swapInNewCache(localCache(true, null, null).local)).toBe(false);
  });

  it('leaves the restored cache as it was on a run not trusted to write one', () => {
    const { local } = localCache(false, 'trusted-blob', 'poisoned');
    expect(swapInNewCache(local)).toBe(false);
    expect(readdirSync(local.dir)).toEqual(['trusted-blob']);
  });
});

describe('heldKey', () => {
  const local = () => {
    const root = mkdtempSync(join(tmpdir(), 'ml-container-cache-'));
    return {
      dir: join(root, 'cpu'),
      newDir: join(root, 'cpu-new'),
      key: 'k2',
      scope: 'refs/heads/main',
      restoreKeys: [],
      save: true,
    };
  };

  it('reads back the key recorded for the folder, and nothing once forgotten', () => {
    const cache = local();
    mkdirSync(cache.dir);
    expect(heldKey(cache)).toBeNull();
    recordHeldKey(cache, 'k2');
    expect(heldKey(cache)).toBe('k2');
    recordHeldKey(cache, 'k1');
    expect(heldKey(cache)).toBe('k1');
    recordHeldKey(cache, null);
    expect(heldKey(cache)).toBeNull();
  });

  it("knows of no key another ref's run recorded: that run's cache is restored over it, as GitHub scopes it", () => {
    const cache = local();
    mkdirSync(cache.dir);
    recordHeldKey({ ...cache, scope: 'refs/pull/8/merge' }, 'k2');
    expect(heldKey(cache)).toBeNull();
    expect(heldKey({ ...cache, scope: 'refs/pull/8/merge' })).toBe('k2');
  });

  it('knows of no key for a folder that is gone (an emptied home)', () => {
    const cache = local();
    mkdirSync(cache.dir);
    recordHeldKey(cache, 'k2');
    rmSync(cache.dir, { recursive: true });
    expect(heldKey(cache)).toBeNull();
  });
});
