import { describe, expect, it } from 'vitest';
import { cacheArgs } from '../../../src/build/cache.js';

const base = { variant: 'cpu', imageName: 'ghcr.io/acme/iris', write: true, extraFrom: [], extraTo: [] };

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
    ['local', { from: ['type=local,src=/c/cpu'], to: ['type=local,dest=/c/cpu,mode=max'] }],
  ] as const)('%s keeps a cache per variant', (backend, expected) => {
    expect(cacheArgs({ ...base, backend, localRoot: '/c' })).toEqual(expected);
  });

  it('only reads the cache when the run may not push (a pull request)', () => {
    expect(cacheArgs({ ...base, backend: 'registry', write: false, extraTo: ['type=inline'] })).toEqual({
      from: ['type=registry,ref=ghcr.io/acme/iris:buildcache-cpu'],
      to: [],
    });
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
