import { describe, expect, it } from 'vitest';
import type { DockerCli } from '../../../src/adapters/docker.js';
import { detect } from '../../../src/detect/index.js';
import { specContract } from '../../../src/detect/spec.js';
import { lock } from '../../../src/lock/index.js';
import { plan } from '../../../src/plan/index.js';
import { memoryReader } from '../../../src/project/reader.js';
import { inputsWith } from '../helpers.js';
import { UV_LOCK, UV_PYPROJECT } from '../python/lockfiles/graph-fixtures.js';

const tree = { '.python-version': '3.11\n', 'pyproject.toml': UV_PYPROJECT, 'uv.lock': UV_LOCK };

// Converting a lock runs no container: any call is a test failure.
const docker: DockerCli = {
  exec: async (args) => {
    throw new Error(`unexpected docker ${args.join(' ')}`);
  },
};

describe('the lock detect parsed', () => {
  const spec = detect(memoryReader(tree));
  const [cpu] = plan(spec, inputsWith({ platforms: 'linux/amd64,linux/arm64' }), { hasDockerignore: false });
  if (!cpu) throw new Error('no plan');

  it('travels in the spec, and lock converts it without reading uv.lock again', async () => {
    expect(spec.dependencies.lockRead?.file).toBe('uv.lock');
    const unreadable = memoryReader({ ...tree, 'uv.lock': 'not a lock [' });
    const fromSpec = await lock(cpu, spec, '/w', docker, unreadable);
    const handMade = { ...spec, dependencies: { ...spec.dependencies, lockRead: undefined } };
    const readAgain = await lock(cpu, handMade, '/w', docker, memoryReader(tree));
    expect(fromSpec.packages.length).toBeGreaterThan(0);
    expect(fromSpec).toEqual(readAgain);
  });

  it('stays out of detect --json', () => {
    expect(JSON.stringify(specContract(spec))).not.toMatch(/lockRead|"graph"/);
  });
});
