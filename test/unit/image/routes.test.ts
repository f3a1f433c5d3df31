import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DockerCli } from '../../../src/adapters/docker.js';
import type { ProcessResult } from '../../../src/adapters/process.js';
import { builderInfo } from '../../../src/image/builder.js';
import { build } from '../../../src/image/index.js';
import type { BuildPlan } from '../../../src/plan/types.js';
import { irisPlan } from '../helpers.js';

const ok = (stdout = ''): ProcessResult => ({ exitCode: 0, stdout, stderr: '', timedOut: false });
const CONTAINERD_STORE = '[["driver-type","io.containerd.snapshotter.v1"]]';
const CLASSIC_STORE = '[["Backing Filesystem","extfs"]]';
const work = mkdtempSync(join(tmpdir(), 'ml-container-routes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Writes an OCI archive as BuildKit's oci exporter does: an index of one platform image and its attestation. */
function writeOciArchive(dest: string): { image: string } {
  const layout = mkdtempSync(join(work, 'layout-'));
  mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
  const blob = (body: unknown): string => {
    const text = JSON.stringify(body);
    const hex = createHash('sha256').update(text).digest('hex');
    writeFileSync(join(layout, 'blobs', 'sha256', hex), text);
    return `sha256:${hex}`;
  };
  const image = blob({ schemaVersion: 2, config: { digest: 'sha256:c' }, layers: [] });
  const attestation = blob({ schemaVersion: 2, layers: [] });
  const inner = blob({
    schemaVersion: 2,
    manifests: [
      { digest: image, platform: { os: 'linux', architecture: 'amd64' } },
      { digest: attestation, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
    ],
  });
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({ schemaVersion: 2, manifests: [{ digest: inner }] }),
  );
  expect(spawnSync('tar', ['-cf', dest, '-C', layout, 'index.json', 'blobs']).status).toBe(0);
  return { image };
}

const BUILT = `sha256:${'a'.repeat(64)}`;

/** `imageId`: what the engine holds under the first tag once the build is done (the built one by default). */
function engine(driver: string, store: string, imageId?: string) {
  const calls: string[][] = [];
  let image = '';
  let loaded: string[] = [];
  const docker: DockerCli & { calls: string[][]; image: () => string; loaded: () => string[] } = {
    calls,
    image: () => image,
    loaded: () => loaded,
    async exec(args) {
      calls.push([...args]);
      if (args[1] === 'build') {
        writeFileSync(
          args[args.indexOf('--metadata-file') + 1] ?? '',
          JSON.stringify({ 'containerimage.digest': BUILT }),
        );
        const output = args[args.indexOf('--output') + 1] ?? '';
        const dest = /dest=([^,]+)/.exec(output)?.[1];
        if (dest) image = writeOciArchive(dest).image;
        return ok();
      }
      if (args[0] === 'load') {
        const listed = spawnSync('tar', ['-tf', args[2] ?? ''], { encoding: 'utf8' });
        loaded = listed.stdout.split('\n').filter(Boolean);
        return ok();
      }
      if (args[0] === 'tag') return ok();
      if (args[0] === 'image') {
        return ok(`${imageId ?? (driver === 'docker' ? BUILT : `sha256:${'c'.repeat(64)}`)} 123456\n`);
      }
      throw new Error(`unexpected docker call: ${args.join(' ')}`);
    },
  };
  const builder = builderInfo(
    `Name: ${driver === 'docker' ? 'default' : 'builder-3f1c'}\nDriver: ${driver}\n`,
    null,
    store,
  );
  return { docker, builder };
}

function buildWith(
  driver: string,
  store: string,
  sourceDateEpoch: number | null,
  reproducible = true,
  imageId?: string,
  plan: BuildPlan = irisPlan(),
) {
  const generatedDir = mkdtempSync(join(work, 'gen-'));
  const { docker, builder } = engine(driver, store, imageId);
  const result = build(plan, {
    docker,
    builder,
    contextDir: '/w/model',
    generatedDir,
    tags: ['r/iris:1', 'r/iris:latest'],
    labels: {},
    provenance: true,
    sourceDateEpoch,
    reproducible,
  });
  return { docker, result };
}

describe('the build route each driver takes', () => {
  it('docker-container: an OCI archive through the named builder, loaded for the smoke test, its platform manifests kept for the push check', async () => {
    const { docker, result } = buildWith('docker-container', CLASSIC_STORE, 1763633472);
    const built = await result;
    const [buildCall = []] = docker.calls;
    expect(buildCall.slice(0, 4)).toEqual(['buildx', 'build', '--builder', 'builder-3f1c']);
    // The generated Dockerfile's layers are reproducible as built: no timestamp rewrite.
    expect(buildCall[buildCall.indexOf('--output') + 1]).toMatch(
      /^type=oci,dest=\S+\/image\.oci\.tar,name=r\/iris:1$/,
    );
    expect(buildCall).toEqual(expect.arrayContaining(['--provenance', 'mode=max']));
    expect(docker.calls.map((call) => call[0])).toEqual(['buildx', 'load', 'tag', 'image']);
    expect(built).toMatchObject({
      route: 'archive',
      pushCheck: 'manifests',
      platformManifests: [docker.image()],
      manifestDigest: docker.image(),
      reproducible: true,
      provenance: true,
      imageId: `sha256:${'c'.repeat(64)}`,
      sizeBytes: 123456,
    });
    // The push exports the same request again, to the registry instead of an archive.
    expect(built.reExport?.request).toMatchObject({
      ociArchive: null,
      builder: 'builder-3f1c',
      rewriteTimestamp: false,
    });
  });

  it("docker-container with the project's own Dockerfile: BuildKit rewrites the file times, in the archive and the re-export", async () => {
    const { docker, result } = buildWith(
      'docker-container',
      CLASSIC_STORE,
      1763633472,
      true,
      undefined,
      ownPlan(),
    );
    const built = await result;
    const [buildCall = []] = docker.calls;
    expect(buildCall[buildCall.indexOf('--output') + 1]).toMatch(
      /^type=oci,dest=\S+\/image\.oci\.tar,name=r\/iris:1,rewrite-timestamp=true$/,
    );
    expect(built).toMatchObject({ reproducible: true, manifestDigest: docker.image() });
    expect(built.reExport?.request).toMatchObject({ rewriteTimestamp: true });
  });

  it('a remote builder without a commit time: still an archive (nothing else comes back), without rewritten times', async () => {
    const { docker, result } = buildWith('remote', CONTAINERD_STORE, null);
    const built = await result;
    const [buildCall = []] = docker.calls;
    expect(buildCall[buildCall.indexOf('--output') + 1]).toMatch(/^type=oci,dest=\S+,name=r\/iris:1$/);
    expect(built).toMatchObject({ route: 'archive', reproducible: false, manifestDigest: null });
    expect(built.platformManifests).toEqual([docker.image()]);
  });

  it('docker on the classic store: loaded straight into the store, checked at push by the image ID', async () => {
    const { docker, result } = buildWith('docker', CLASSIC_STORE, 1763633472);
    const built = await result;
    const [buildCall = []] = docker.calls;
    expect(buildCall).toContain('--load');
    expect(buildCall).toEqual(expect.arrayContaining(['--provenance', 'false']));
    expect(built).toMatchObject({
      route: 'store',
      pushCheck: 'config',
      reExport: null,
      platformManifests: [],
    });
  });

  it('docker on the containerd store: loaded straight in, reproducible as built, its manifest read when pushed', async () => {
    const { docker, result } = buildWith('docker', CONTAINERD_STORE, 1763633472);
    const built = await result;
    const [buildCall = []] = docker.calls;
    expect(buildCall).toContain('--load');
    expect(buildCall.join(' ')).not.toContain('rewrite-timestamp');
    expect(docker.calls.map((call) => call[0])).toEqual(['buildx', 'image']);
    expect(built).toMatchObject({
      route: 'store',
      pushCheck: 'index',
      reExport: null,
      reproducible: true,
      manifestDigest: null,
    });
  });

  it("docker on the containerd store with the project's own Dockerfile: the rewritten archive, then loaded", async () => {
    const { docker, result } = buildWith('docker', CONTAINERD_STORE, 1763633472, true, undefined, ownPlan());
    const built = await result;
    expect(docker.calls.map((call) => call[0])).toEqual(['buildx', 'load', 'tag', 'image']);
    expect(built).toMatchObject({ route: 'store', pushCheck: 'index', reproducible: true });
  });

  it('docker on the classic store: not counted as reproducible, since the store compresses the layers as it pushes', async () => {
    const { result } = buildWith('docker', CLASSIC_STORE, 1763633472);
    expect(await result).toMatchObject({ reproducible: false, manifestDigest: null });
  });

  it('docker-container with the classic store in the engine: the archive gains the manifest.json that store loads', async () => {
    const { docker, result } = buildWith('docker-container', CLASSIC_STORE, 1763633472);
    await result;
    const load = docker.calls.find((call) => call[0] === 'load') ?? [];
    expect(load[2]).toMatch(/image\.docker\.tar$/);
    expect(docker.loaded()).toEqual(expect.arrayContaining(['index.json', 'manifest.json']));
  });

  it('refuses an image the engine holds under the tag that is not the one just built (a builder writing into another engine)', async () => {
    const { result } = buildWith('docker', CLASSIC_STORE, null, false, `sha256:${'e'.repeat(64)}`);
    await expect(result).rejects.toThrow(
      /the image under r\/iris:1 in this Docker engine is sha256:e{64}, not the sha256:a{64} just built: the 'docker' builder 'default' writes into another engine than DOCKER_HOST's/,
    );
  });
});

function ownPlan(): BuildPlan {
  return {
    ...irisPlan(),
    dockerfile: { kind: 'project', path: 'Dockerfile', target: null, why: "input 'file'" },
  };
}
