import { describe, expect, it } from 'vitest';
import type { DockerCli } from '../../../src/adapters/docker.js';
import { builderInfo } from '../../../src/image/builder.js';
import { chooseSbomGenerator } from '../../../src/image/sbom.js';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const containerdBuilder = builderInfo(
  'Driver: docker\n',
  null,
  '[["driver-type","io.containerd.snapshotter.v1"]]',
);
const classicBuilder = builderInfo('Driver: docker\n', null, '[["Backing Filesystem","extfs"]]');

function docker(answer: 'digest' | 'unreachable'): DockerCli & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async exec(args) {
      calls.push([...args]);
      return answer === 'digest'
        ? { exitCode: 0, stdout: JSON.stringify({ digest: DIGEST }), stderr: '', timedOut: false }
        : {
            exitCode: 1,
            stdout: '',
            stderr:
              'ERROR: failed to do request: Head "https://registry-1.docker.io/v2/docker/buildkit-syft-scanner/manifests/stable-1": dial tcp: lookup registry-1.docker.io: no such host\n',
            timedOut: false,
          };
    },
  };
}

describe('chooseSbomGenerator', () => {
  it('pins the generator by the digest its registry serves', async () => {
    const cli = docker('digest');
    expect(
      await chooseSbomGenerator(cli, containerdBuilder, {
        sbom: true,
        generator: 'docker/buildkit-syft-scanner:stable-1',
      }),
    ).toEqual({ generator: `docker/buildkit-syft-scanner:stable-1@${DIGEST}`, note: null });
    expect(cli.calls[0]).toEqual([
      'buildx',
      'imagetools',
      'inspect',
      'docker/buildkit-syft-scanner:stable-1',
      '--format',
      '{{json .Manifest}}',
    ]);
  });

  it('says no scanner is available, and why, when the generator cannot be resolved', async () => {
    const chosen = await chooseSbomGenerator(docker('unreachable'), containerdBuilder, {
      sbom: true,
      generator: 'docker/buildkit-syft-scanner:stable-1',
    });
    expect(chosen.generator).toBeNull();
    expect(chosen.note).toMatch(
      /^SBOM skipped: no scanner available, the generator image docker\/buildkit-syft-scanner:stable-1 cannot be resolved \(ERROR: failed to do request: .*no such host\); set 'sbom-generator'/,
    );
  });

  it('skips without asking the registry when the builder drops attestations, or the SBOM is off', async () => {
    const cli = docker('digest');
    expect((await chooseSbomGenerator(cli, classicBuilder, { sbom: true, generator: 'g' })).note).toMatch(
      /classic image store, which drops attestations/,
    );
    expect(await chooseSbomGenerator(cli, containerdBuilder, { sbom: false, generator: 'g' })).toEqual({
      generator: null,
      note: null,
    });
    expect(cli.calls).toEqual([]);
  });
});
