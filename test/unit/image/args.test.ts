import { describe, expect, it } from 'vitest';
import { buildxArgs } from '../../../src/image/args.js';
import { irisPlan } from '../helpers.js';

const request = {
  contextDir: '/w/model',
  generatedDir: '/tmp/gen',
  dockerfile: '/tmp/gen/Dockerfile',
  metadataFile: '/tmp/gen/metadata.json',
  tags: ['r/iris:1.2.3', 'r/iris:latest'],
  labels: { 'z.last': '1', 'a.first': 'x=y' },
  provenance: true,
  sourceDateEpoch: null,
  ociArchive: null,
};

describe('buildxArgs', () => {
  it('builds the exact buildx command: generated files as a named context, labels sorted, loaded for the smoke test', () => {
    expect(buildxArgs(irisPlan({ network: 'host' }), request)).toEqual([
      'buildx',
      'build',
      '--file',
      '/tmp/gen/Dockerfile',
      '--build-context',
      'generated=/tmp/gen',
      '--network',
      'host',
      '--allow',
      'network.host',
      '--tag',
      'r/iris:1.2.3',
      '--tag',
      'r/iris:latest',
      '--label',
      'a.first=x=y',
      '--label',
      'z.last=1',
      '--provenance',
      'mode=max',
      '--metadata-file',
      '/tmp/gen/metadata.json',
      '--load',
      '--progress',
      'plain',
      '/w/model',
    ]);
  });

  it('asks BuildKit for an SBOM attestation from the pinned generator', () => {
    const generator = `docker/buildkit-syft-scanner:stable-1@sha256:${'c'.repeat(64)}`;
    const args = buildxArgs(irisPlan(), { ...request, sbomGenerator: generator });
    expect(args.slice(args.indexOf('--attest'), args.indexOf('--attest') + 2)).toEqual([
      '--attest',
      `type=sbom,generator=${generator}`,
    ]);
    expect(buildxArgs(irisPlan(), request)).not.toContain('--attest');
  });

  it('turns provenance off explicitly when the builder cannot keep it', () => {
    const args = buildxArgs(irisPlan(), { ...request, provenance: false });
    expect(args.slice(args.indexOf('--provenance'), args.indexOf('--provenance') + 2)).toEqual([
      '--provenance',
      'false',
    ]);
    expect(args).not.toContain('--network');
  });
});

describe('reproducible builds', () => {
  it('pass the commit time and export an OCI archive with every timestamp rewritten to it', () => {
    const args = buildxArgs(irisPlan(), {
      ...request,
      sourceDateEpoch: 1763633472,
      ociArchive: '/tmp/b/image.oci.tar',
    });
    expect(args).toEqual(expect.arrayContaining(['--build-arg', 'SOURCE_DATE_EPOCH=1763633472']));
    expect(args).toEqual(
      expect.arrayContaining([
        '--output',
        'type=oci,dest=/tmp/b/image.oci.tar,name=r/iris:1.2.3,rewrite-timestamp=true',
      ]),
    );
    expect(args).not.toContain('--load');
  });
});

describe('cache', () => {
  it('passes each cache source and destination', () => {
    const args = buildxArgs(irisPlan(), {
      ...request,
      cacheFrom: ['type=gha,scope=a'],
      cacheTo: ['type=gha,scope=a,mode=max'],
    });
    expect(args).toEqual(
      expect.arrayContaining(['--cache-from', 'type=gha,scope=a', '--cache-to', 'type=gha,scope=a,mode=max']),
    );
  });
});
