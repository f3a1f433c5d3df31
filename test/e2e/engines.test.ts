// The action against Docker engines other than the runner's own: one behind DOCKER_HOST that sees
// none of this machine's files (a build box, a GPU host), and one with the classic image store.
// Both are started by scripts/testbed.sh beside the main engine; each run is a tag push, and each
// must push exactly the image its smoke test ran.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { e2eRequired, type ManifestDescriptor, registry, testbed, unavailableReason } from './testbed.js';
import { inputs, run, runOnPush, workspaceWithExample } from './workflow.js';

const engines = {
  remote: process.env.ML_CONTAINER_TEST_REMOTE_ENGINE ?? '',
  classic: process.env.ML_CONTAINER_TEST_CLASSIC_ENGINE ?? '',
};
const reason =
  unavailableReason() ??
  (engines.remote && engines.classic
    ? null
    : 'ML_CONTAINER_TEST_REMOTE_ENGINE and ML_CONTAINER_TEST_CLASSIC_ENGINE are not set: start the test bed with `bash scripts/testbed.sh up` and `eval "$(bash scripts/testbed.sh env)"`');

if (reason !== null) {
  describe('end-to-end on other engines', () => {
    it.skipIf(!e2eRequired)(`cannot run: ${reason}`, () => {
      throw new Error(`end-to-end tests are required here but cannot run: ${reason}`);
    });
  });
}

const dockerOn = (host: string, ...args: string[]) =>
  spawnSync('docker', ['-H', host, ...args], { encoding: 'utf8' });

describe.skipIf(reason !== null)('the action on other Docker engines, on a tag push', () => {
  it('builds, locks, smoke-tests and pushes through a DOCKER_HOST that cannot see the checkout', async () => {
    const workspace = workspaceWithExample();
    // The test bed is no kinder than a remote host: that engine cannot bind-mount the checkout.
    const pulled = dockerOn(engines.remote, 'pull', '--quiet', testbed.baseImage);
    expect(pulled.status, pulled.stderr).toBe(0);
    const peek = dockerOn(
      engines.remote,
      ...['run', '--rm', '--network', 'none', '--volume', `${workspace}:/checkout:ro`, testbed.baseImage],
      ...['test', '-e', '/checkout/model/requirements.txt'],
    );
    expect(peek.status, 'the remote engine must not see this machine’s /tmp').toBe(1);

    const repository = `e2e-${run}/remote`;
    const result = await runOnPush('refs/tags/v3.1.4', inputs(repository, { push: 'true' }), workspace, {
      DOCKER_HOST: engines.remote,
    });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.log).toContain('containerd image store');
    expect(result.outputs.pushed).toBe('true');
    expect(await registry.tags(repository)).toContain('v3.1.4');

    // The registry serves the built index, and in it the very platform manifest that was tested.
    const [variant] = JSON.parse(result.outputs.metadata ?? '{}').variants;
    const index = await registry.manifest(repository, 'v3.1.4');
    expect(index.digest).toBe(result.outputs.digest);
    const manifests = (index.body.manifests ?? []) as ManifestDescriptor[];
    const image = manifests.find((entry) => entry.platform?.os === 'linux');
    expect(variant.reproducible).toBe(true);
    expect(image?.digest).toBe(variant.manifest_digest);
    expect(
      manifests.some((entry) => entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest'),
    ).toBe(true);
    // The image the smoke test ran is in the remote engine, not in this machine's.
    expect(
      dockerOn(engines.remote, 'image', 'inspect', `${testbed.registry}/${repository}:v3.1.4`).status,
    ).toBe(0);
    expect(
      spawnSync('docker', ['image', 'inspect', `${testbed.registry}/${repository}:v3.1.4`]).status,
    ).not.toBe(0);
    expect(JSON.parse(result.outputs.variants ?? '{}')).toEqual({
      cpu: {
        image: `${testbed.registry}/${repository}:v3.1.4`,
        digest: result.outputs.digest,
        tags: expect.arrayContaining([`${testbed.registry}/${repository}:v3.1.4`]),
        pushed: expect.arrayContaining([`${testbed.registry}/${repository}:v3.1.4`]),
      },
    });
  });

  it('pushes the tested image from the classic image store, and reports the digest the registry serves', async () => {
    const repository = `e2e-${run}/classic`;
    const result = await runOnPush('refs/tags/v2.7.1', inputs(repository, { push: 'true' }), undefined, {
      DOCKER_HOST: engines.classic,
    });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.log).toContain('classic image store');
    expect(result.summary).toContain('provenance skipped');
    expect(result.outputs.pushed).toBe('true');

    // The classic store makes the registry manifest as it pushes: the tag must serve the tested
    // image, whose config digest is its image ID in the engine, and `digest` names that manifest.
    const [variant] = JSON.parse(result.outputs.metadata ?? '{}').variants;
    const manifest = await registry.manifest(repository, 'v2.7.1');
    expect(manifest.digest).toBe(result.outputs.digest);
    const tested = dockerOn(
      engines.classic,
      ...['image', 'inspect', '--format', '{{.Id}}', `${testbed.registry}/${repository}:v2.7.1`],
    );
    expect(tested.status, tested.stderr).toBe(0);
    expect((manifest.body.config as { digest: string }).digest).toBe(tested.stdout.trim());
    expect(variant.image_id).toBe(tested.stdout.trim());
    expect(JSON.parse(result.outputs.variants ?? '{}').cpu.digest).toBe(manifest.digest);
  });
});
