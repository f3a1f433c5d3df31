import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DockerCli } from '../../../src/adapters/docker.js';
import type { ProcessResult } from '../../../src/adapters/process.js';
import type { BuildResult } from '../../../src/image/index.js';
import { push } from '../../../src/publish/index.js';
import { irisPlan } from '../helpers.js';

const digest = (char: string) => `sha256:${char.repeat(64)}`;
const ok = (stdout = ''): ProcessResult => ({ exitCode: 0, stdout, stderr: '', timedOut: false });

function built(overrides: Partial<BuildResult>): BuildResult {
  return {
    digest: digest('a'),
    manifestDigest: null,
    route: 'store',
    pushCheck: 'index',
    imageId: digest('c'),
    platformManifests: [],
    reExport: null,
    reproducible: false,
    notes: [],
    imageRef: 'r/iris:1',
    sizeBytes: 1,
    provenance: true,
    sbom: false,
    seconds: 1,
    ...overrides,
  };
}

/** A registry that serves `served` for every tag: `digest` for the reference, `raw` as stored. */
function registryDocker(
  served: { digest: string; raw: Record<string, unknown> },
  pushDigest = served.digest,
) {
  const calls: string[][] = [];
  const docker: DockerCli & { calls: string[][] } = {
    calls,
    async exec(args) {
      calls.push([...args]);
      if (args[0] === 'push') return ok();
      if (args[1] === 'imagetools' && args[2] === 'create') return ok();
      if (args[0] === 'buildx' && args[1] === 'imagetools') {
        return args.includes('--raw')
          ? ok(JSON.stringify(served.raw))
          : ok(JSON.stringify({ digest: served.digest }));
      }
      if (args[0] === 'buildx' && args[1] === 'build') {
        const metadata = args[args.indexOf('--metadata-file') + 1] ?? '';
        writeFileSync(metadata, JSON.stringify({ 'containerimage.digest': pushDigest }));
        return ok();
      }
      throw new Error(`unexpected docker call: ${args.join(' ')}`);
    },
  };
  return docker;
}

const index = (platforms: string[]) => ({
  manifests: [
    ...platforms.map((entry) => ({ digest: entry, platform: { os: 'linux', architecture: 'amd64' } })),
    {
      digest: digest('9'),
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
    },
  ],
});

describe('push from the containerd image store', () => {
  it('pushes each tag and counts it when the registry serves the built index', async () => {
    const docker = registryDocker({ digest: digest('a'), raw: index([digest('b')]) });
    const result = await push(['r/iris:1', 'r/iris:latest'], built({}), { docker, builder: 'ci' });
    // The image manifest a rebuild of this commit must match is read from what the registry serves.
    expect(result).toEqual({
      tags: ['r/iris:1', 'r/iris:latest'],
      digest: digest('a'),
      manifests: [digest('b')],
    });
    expect(docker.calls).toContainEqual(expect.arrayContaining(['--raw', `r/iris@${digest('a')}`]));
    expect(docker.calls.filter((call) => call[0] === 'push')).toEqual([
      ['push', 'r/iris:1'],
      ['push', 'r/iris:latest'],
    ]);
    // The tag is read back through the same builder's registry settings.
    expect(docker.calls).toContainEqual([
      ...['buildx', 'imagetools', 'inspect', '--builder', 'ci', 'r/iris:1'],
      ...['--format', '{{json .Manifest}}'],
    ]);
  });

  it('fails naming the tag when the registry serves another index', async () => {
    const docker = registryDocker({ digest: digest('e'), raw: index([digest('b')]) });
    await expect(push(['r/iris:1'], built({}), { docker })).rejects.toThrow(
      `r/iris:1 in the registry has digest ${digest('e')}, not the built ${digest('a')}`,
    );
  });
});

describe('push from the classic image store', () => {
  const classic = built({ pushCheck: 'config', digest: digest('c'), imageId: digest('c') });

  it("counts a tag when the manifest the store made holds the tested image's config, and reports that manifest", async () => {
    const docker = registryDocker({
      digest: digest('d'),
      raw: { config: { digest: digest('c') }, layers: [] },
    });
    expect(await push(['r/iris:1'], classic, { docker })).toEqual({
      tags: ['r/iris:1'],
      digest: digest('d'),
      manifests: [digest('d')],
    });
    // Read by the digest just read: a tag moved in between cannot pass for it.
    expect(docker.calls).toContainEqual([
      'buildx',
      'imagetools',
      'inspect',
      `r/iris@${digest('d')}`,
      '--raw',
    ]);
  });

  it('fails when the pushed manifest holds another image', async () => {
    const docker = registryDocker({ digest: digest('d'), raw: { config: { digest: digest('f') } } });
    const onPushed: string[] = [];
    await expect(
      push(['r/iris:1'], classic, { docker, onPushed: (tag) => onPushed.push(tag) }),
    ).rejects.toThrow(
      `r/iris:1 in the registry holds the image ${digest('f')}, not the tested ${digest('c')}`,
    );
    expect(onPushed).toEqual([]);
  });
});

describe('push by exporting the tested build again (docker-container, kubernetes, remote)', () => {
  const request = {
    contextDir: '/w/model',
    generatedDir: '/tmp/gen',
    dockerfile: '/tmp/gen/Dockerfile',
    metadataFile: '/tmp/gen/metadata.json',
    tags: ['r/iris:1', 'r/iris:latest'],
    labels: {},
    provenance: true,
    sourceDateEpoch: 1763633472,
    ociArchive: null,
    rewriteTimestamp: true,
    builder: 'builder-3f1c',
    cacheFrom: ['type=gha,scope=cpu'],
    cacheTo: ['type=gha,scope=cpu,mode=max'],
  };
  const archived = built({
    route: 'archive',
    pushCheck: 'manifests',
    platformManifests: [digest('b')],
    reExport: { plan: irisPlan(), request },
  });

  it('exports once by digest through the same builder, checks it serves the tested manifests, then tags it', async () => {
    const docker = registryDocker({ digest: digest('7'), raw: index([digest('b')]) });
    expect(await push(request.tags, archived, { docker, builder: 'builder-3f1c' })).toEqual({
      tags: request.tags,
      digest: digest('7'),
      manifests: [digest('b')],
    });
    const builds = docker.calls.filter((call) => call[1] === 'build');
    expect(builds).toHaveLength(1);
    const [exported = []] = builds;
    expect(exported.slice(0, 4)).toEqual(['buildx', 'build', '--builder', 'builder-3f1c']);
    expect(exported).toEqual(
      expect.arrayContaining([
        '--output',
        'type=image,name=r/iris,push-by-digest=true,push=true,oci-mediatypes=true,rewrite-timestamp=true',
        '--provenance',
        'mode=max',
      ]),
    );
    expect(exported).not.toContain('--tag');
    // The export is read back by its digest before any tag is written; then each tag points at it.
    const rawRead = docker.calls.findIndex((call) => call.includes('--raw'));
    const firstTag = docker.calls.findIndex((call) => call[2] === 'create');
    expect(docker.calls[rawRead]).toContain(`r/iris@${digest('7')}`);
    expect(rawRead).toBeLessThan(firstTag);
    expect(docker.calls.filter((call) => call[2] === 'create')).toEqual(
      request.tags.map((tag) => [
        ...['buildx', 'imagetools', 'create', '--builder', 'builder-3f1c', '--tag', tag],
        `r/iris@${digest('7')}`,
      ]),
    );
    expect(exported).toEqual(expect.arrayContaining(['--cache-from', 'type=gha,scope=cpu']));
    expect(exported).not.toContain('--cache-to');
    expect(exported).not.toContain('--load');
    expect(docker.calls.some((call) => call[0] === 'push')).toBe(false);
  });

  it('writes no tag when the export serves other platform manifests than the tested archive held', async () => {
    const docker = registryDocker({ digest: digest('7'), raw: index([digest('6')]) });
    await expect(push(['r/iris:1'], archived, { docker })).rejects.toThrow(
      /serves the image manifests sha256:6{64}, not the tested sha256:b{64}: the export differs from the tested build, so no tag was written/,
    );
    expect(docker.calls.some((call) => call[2] === 'create')).toBe(false);
  });

  it('takes a lone manifest (no attestation) for its own digest', async () => {
    const docker = registryDocker(
      { digest: digest('b'), raw: { config: { digest: digest('c') } } },
      digest('b'),
    );
    expect(await push(['r/iris:1'], archived, { docker })).toEqual({
      tags: ['r/iris:1'],
      digest: digest('b'),
      manifests: [digest('b')],
    });
  });

  it('refuses to compare with an archive that named no image manifest', async () => {
    const docker = registryDocker({ digest: digest('7'), raw: { config: { digest: digest('c') } } });
    await expect(push(['r/iris:1'], { ...archived, platformManifests: [] }, { docker })).rejects.toThrow(
      'the tested archive named no image manifest',
    );
    expect(docker.calls).toEqual([]);
  });

  it('retries an export the registry refused, then fails after the last attempt', async () => {
    let attempts = 0;
    const docker: DockerCli = {
      async exec(args) {
        if (args[1] === 'build') attempts++;
        return { exitCode: 1, stdout: '', stderr: 'connection refused', timedOut: false };
      },
    };
    await expect(push(['r/iris:1'], archived, { docker, attempts: 2, backoffMs: 1 })).rejects.toThrow(
      'export of the tested build to r/iris failed after 2 attempts',
    );
    expect(attempts).toBe(2);
  });
});
