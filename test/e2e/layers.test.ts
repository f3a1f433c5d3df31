import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAction } from './run-action.js';
import { e2eRequired, registry, testbed, unavailableReason } from './testbed.js';

const reason = unavailableReason();
const run = `${Date.now().toString(36)}-${process.pid}`;
const repositoryPayload = { full_name: 'acme/tabular', name: 'tabular', owner: { login: 'acme' } };
const MiB = 1024 * 1024;

/** A tag push of `sha` (committed at `time`), pushing to `repository`, as the runner starts it. */
function release(workspace: string, repository: string, sha: string, time: string) {
  return runAction({
    workspace,
    eventName: 'push',
    ref: 'refs/tags/v1.0.0',
    sha,
    repository: 'acme/tabular',
    event: {
      ref: 'refs/tags/v1.0.0',
      head_commit: { id: sha, timestamp: time },
      repository: repositoryPayload,
    },
    inputs: {
      context: 'model',
      image: `${testbed.registry}/${repository}`,
      'base-image': testbed.baseImage,
      'index-url': testbed.indexUrl,
      network: testbed.network,
      push: 'true',
      sbom: 'false',
      'smoke-command': 'python predict.py',
    },
  });
}

/** The pushed image's layers, by the platform manifest the run reports. */
async function layersOf(repository: string, manifest: string): Promise<{ digest: string; size: number }[]> {
  const { body } = await registry.manifest(repository, manifest);
  return body.layers as { digest: string; size: number }[];
}

const newBytes = (before: { digest: string }[], after: { digest: string; size: number }[]) =>
  after
    .filter((layer) => !before.some((old) => old.digest === layer.digest))
    .reduce((sum, layer) => sum + layer.size, 0);

if (reason !== null) {
  describe('layers end-to-end', () => {
    it.skipIf(!e2eRequired)(`cannot run: ${reason}`, () => {
      throw new Error(`end-to-end tests are required here but cannot run: ${reason}`);
    });
  });
}

describe.skipIf(reason !== null)('lean layers and reproducible releases on the test bed', () => {
  it('pushes a source-only change as one small layer beside a 20 MiB data file, keeps the dependency layer through a data change, and rebuilds the same image manifest from empty caches', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'ml-container-e2e-'));
    const project = join(workspace, 'model');
    cpSync(resolve('examples/lightgbm-tabular'), project, { recursive: true });
    // Random bytes: compressed, the data file's layer stays 20 MiB.
    writeFileSync(join(project, 'data.bin'), randomBytes(20 * MiB));
    const repository = `e2e-${run}/tabular`;
    const manifestOf = (result: Awaited<ReturnType<typeof release>>) => {
      expect(result.exitCode, result.log).toBe(0);
      const [variant] = JSON.parse(result.outputs.metadata ?? '{}').variants;
      expect(variant.reproducible).toBe(true);
      expect(variant.manifest_digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      return variant.manifest_digest as string;
    };

    const first = await release(workspace, repository, 'c'.repeat(40), '2026-11-20T10:00:00Z');
    const cold = manifestOf(first);
    expect(first.summary).toContain('1 heavy file in a layer of its own (data.bin), then the source');
    const coldLayers = await layersOf(repository, cold);
    // The data file's own layer: random bytes do not compress.
    expect(coldLayers.filter((layer) => layer.size > 20 * MiB && layer.size < 21 * MiB)).toHaveLength(1);

    appendFileSync(join(project, 'predict.py'), '\n# a source-only change\n');
    const second = await release(workspace, repository, 'd'.repeat(40), '2026-11-21T10:00:00Z');
    const edited = manifestOf(second);
    expect(edited).not.toBe(cold);
    const editedLayers = await layersOf(repository, edited);
    // Only the source layer is new: the data file, the model, the dependencies are the blobs already pushed.
    expect(newBytes(coldLayers, editedLayers)).toBeGreaterThan(0);
    expect(newBytes(coldLayers, editedLayers)).toBeLessThanOrEqual(MiB);
    expect(second.log).not.toContain('rewrite-timestamp');
    // The second commit, kept to be built again from empty caches below.
    const again = mkdtempSync(join(tmpdir(), 'ml-container-e2e-'));
    cpSync(project, join(again, 'model'), { recursive: true });

    // A new data file: its layer and the source's are new, the dependency install is not run again.
    writeFileSync(join(project, 'data.bin'), randomBytes(20 * MiB));
    const third = await release(workspace, repository, 'e'.repeat(40), '2026-11-22T10:00:00Z');
    const dataLayers = await layersOf(repository, manifestOf(third));
    expect(newBytes(editedLayers, dataLayers)).toBeGreaterThan(20 * MiB);
    expect(newBytes(editedLayers, dataLayers)).toBeLessThan(21 * MiB);
    expect(third.log).toMatch(/#\d+ \[dependencies \d\/\d\] RUN [^\n]*\n#\d+ CACHED/);

    // The second commit again, from empty BuildKit caches, to a repository of its own: the same manifest.
    expect(spawnSync('docker', ['buildx', 'prune', '--all', '--force']).status).toBe(0);
    const rebuilt = await release(again, `${repository}-again`, 'd'.repeat(40), '2026-11-21T10:00:00Z');
    expect(rebuilt.log).not.toMatch(/\[dependencies \d\/\d\] RUN [^\n]*\n#\d+ CACHED/);
    expect(manifestOf(rebuilt)).toBe(edited);
  }, 900_000);
});
