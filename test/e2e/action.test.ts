import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startActionsCacheServer } from './actions-cache-server.mjs';
import { authProxy } from './auth-proxy.js';
import { runAction } from './run-action.js';
import { e2eRequired, type ManifestDescriptor, registry, testbed, unavailableReason } from './testbed.js';
import {
  inputs,
  repositoryPayload,
  run,
  runOnPullRequest,
  runOnPush,
  sha,
  workspaceWithExample,
} from './workflow.js';

const reason = unavailableReason();
if (reason !== null) {
  describe('end-to-end', () => {
    // Outside CI this says why nothing ran; in CI (ML_CONTAINER_REQUIRE_E2E=1) it fails instead.
    it.skipIf(!e2eRequired)(`cannot run: ${reason}`, () => {
      throw new Error(`end-to-end tests are required here but cannot run: ${reason}`);
    });
  });
}

describe.skipIf(reason !== null)('the action, run as the Actions runner runs it, on the test bed', () => {
  beforeAll(() => {
    expect(testbed.registry).not.toBe('');
  });

  it('on a pull request builds and smoke-tests, and pushes nothing', async () => {
    const repository = `e2e-${run}/pr`;
    const result = await runOnPullRequest(7, inputs(repository, { push: 'true' }));
    expect(result.exitCode, result.log).toBe(0);
    expect(result.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.outputs.tags).toBe(`${testbed.registry}/${repository}:pr-7`);
    expect(result.outputs.pushed).toBe('false');
    expect(result.summary).toContain('pull_request events never push');
    expect(result.summary).toMatch(/model `model\/model.joblib`|model `model.joblib`/);
    // The size report: the tested image's layers and its largest packages, measured inside it.
    expect(result.summary).toContain('### Size');
    expect(result.summary).toMatch(/\| scikit-learn \| 1\.\d+\.\d+ \| [\d.]+ MiB \|/);
    const [variant] = JSON.parse(result.outputs.metadata ?? '{}').variants;
    expect(variant.size.layers.length).toBeGreaterThan(0);
    expect(variant.size.packages.map((pkg: { name: string }) => pkg.name)).toContain('scikit-learn');
    expect(await registry.tags(repository)).toEqual([]);
  });

  it("fails the step over input 'max-image-size', showing the size report, and pushes nothing", async () => {
    const repository = `e2e-${run}/too-large`;
    const result = await runOnPullRequest(8, inputs(repository, { 'max-image-size': '1MB' }));
    expect(result.exitCode).not.toBe(0);
    expect(result.log).toMatch(
      /::error.*::the image is [\d.]+ MiB uncompressed \(\d+ bytes\), over input 'max-image-size' 976\.6 KiB \(1000000 bytes\)/,
    );
    expect(result.outputs.pushed).toBe('false');
    expect(result.summary).toContain('failed in smoke');
    expect(result.summary).toContain("**over input 'max-image-size' (976.6 KiB)**");
    expect(result.summary).toContain("Nothing pushed: the image is over input 'max-image-size'.");
    expect(await registry.tags(repository)).toEqual([]);
  });

  it('on a release tag pushes every tag, with OCI and ML labels and a provenance attestation', async () => {
    const repository = `e2e-${run}/release`;
    const result = await runAction({
      workspace: workspaceWithExample(),
      eventName: 'push',
      ref: 'refs/tags/v1.2.3',
      sha,
      repository: 'acme/iris',
      event: {
        ref: 'refs/tags/v1.2.3',
        after: sha,
        head_commit: { id: sha, timestamp: '2026-11-20T10:11:12+01:00' },
        repository: repositoryPayload,
      },
      inputs: inputs(repository, { push: 'true', labels: 'org.opencontainers.image.licenses=MIT' }),
    });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.outputs.pushed).toBe('true');
    expect(await registry.tags(repository)).toEqual(['latest', 'v1.2.3']);

    const index = await registry.manifest(repository, 'v1.2.3');
    expect(index.digest).toBe(result.outputs.digest);
    const manifests = (index.body.manifests ?? []) as ManifestDescriptor[];
    const image = manifests.find((entry) => entry.platform?.os === 'linux');
    const attestation = manifests.find(
      (entry) => entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest',
    );
    expect(image, JSON.stringify(index.body)).toBeDefined();
    expect(attestation?.annotations?.['vnd.docker.reference.digest']).toBe(image?.digest);

    const manifest = await registry.manifest(repository, image?.digest ?? '');
    const config = await registry.blob(repository, (manifest.body.config as { digest: string }).digest);
    const labels = (config.config as { Labels: Record<string, string> }).Labels;
    expect(labels).toMatchObject({
      'org.opencontainers.image.revision': sha,
      'org.opencontainers.image.version': 'v1.2.3',
      'org.opencontainers.image.created': '2026-11-20T09:11:12.000Z',
      'org.opencontainers.image.source': 'https://github.com/acme/iris',
      'org.opencontainers.image.licenses': 'MIT',
      'io.github.ml-container.python': '3.11',
      'io.github.ml-container.variant': 'cpu',
      'io.github.ml-container.frameworks': 'scikit-learn==1.6.1',
    });
    expect(labels['io.github.ml-container.lock.sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(labels['io.github.ml-container.models']).toMatch(/^model\.joblib=sha256:[0-9a-f]{64}$/);
    expect(labels['org.opencontainers.image.base.digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((config.config as { User: string }).User).toBe('10001:10001');

    const provenance = await registry.manifest(repository, attestation?.digest ?? '');
    const layers = (provenance.body.layers ?? []) as {
      digest: string;
      annotations?: Record<string, string>;
    }[];
    expect(
      layers.some((layer) =>
        layer.annotations?.['in-toto.io/predicate-type']?.includes('slsa.dev/provenance'),
      ),
    ).toBe(true);

    // The generator resolves and is pinned, but BuildKit runs it on the default bridge network, which
    // the test bed has none of (it must not create one): the build goes on without the SBOM and says so.
    expect(result.log).toMatch(
      /SBOM generator: 127\.0\.0\.1:5000\/ml-container\/sbom-scanner:1@sha256:[0-9a-f]{64}/,
    );
    expect(result.summary).toMatch(
      /> SBOM skipped: the generator \S+ failed \(process "python3 \/scan.py" did not complete successfully: network bridge not found\)/,
    );
    expect(result.summary).toContain('| SBOM | none (see the notes) |');
    expect(JSON.parse(result.outputs.metadata ?? '{}').variants[0].sbom).toBe(false);
  });

  it('with a broken model fails the step at the smoke test and pushes nothing', async () => {
    const repository = `e2e-${run}/broken`;
    const result = await runOnPush(
      'refs/heads/main',
      inputs(repository, { push: 'true' }),
      workspaceWithExample((modelDir) => {
        writeFileSync(join(modelDir, 'model.joblib'), 'this is not a pickle\n');
      }),
    );
    expect(result.exitCode).not.toBe(0);
    expect(result.log).toMatch(
      /::error .*file=model\/model\.joblib.*::smoke test failed: model model\.joblib: /,
    );
    expect(result.outputs.pushed).toBe('false');
    expect(result.summary).toContain('failed in smoke');
    expect(await registry.tags(repository)).toEqual([]);
  });

  it('builds a PEP 621 project from the dependencies in its pyproject.toml', async () => {
    const result = await runOnPush(
      'refs/heads/main',
      inputs(`e2e-${run}/pep621`),
      workspaceWithExample((modelDir) => {
        rmSync(join(modelDir, 'requirements.txt'));
        rmSync(join(modelDir, '.python-version'));
        writeFileSync(
          join(modelDir, 'pyproject.toml'),
          '[project]\nname = "iris"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = [\n  "scikit-learn==1.6.1",\n  "joblib>=1.3",\n]\n',
        );
      }),
    );
    expect(result.exitCode, result.log).toBe(0);
    expect(result.summary).toContain('| Dependencies | pep621 (pyproject.toml) |');
    expect(result.summary).toContain('| scikit-learn | ==1.6.1 | pyproject.toml:6 |');
    expect(result.summary).toContain('| Python | 3.11 | pyproject.toml:4 |');
    expect(JSON.parse(result.outputs.frameworks ?? '[]')).toEqual([
      { name: 'scikit-learn', version: '1.6.1' },
    ]);
  });

  it.skipIf(!testbed.indexUrl.startsWith('http://127.0.0.1'))(
    'keeps private index credentials out of the image, its provenance, the generated files and the log',
    async () => {
      const token = `s3cr3t-${run}`;
      const proxy = await authProxy('ml', token, testbed.indexUrl);
      try {
        const upstream = new URL(testbed.indexUrl);
        const privateIndex = `http://ml:${token}@127.0.0.1:${proxy.port}${upstream.pathname}`;
        const repository = `e2e-${run}/private`;
        const result = await runOnPush(
          'refs/heads/main',
          inputs(repository, {
            push: 'true',
            'index-url': privateIndex,
            'write-generated': '.ml-container',
            cache: 'registry',
          }),
        );
        expect(result.exitCode, result.log).toBe(0);
        expect(proxy.counts.authorized).toBeGreaterThan(0);
        // The runner swallows ::add-mask:: commands and masks their value in everything after.
        expect(result.log).toContain(`::add-mask::${token}`);
        const shown = result.log
          .split('\n')
          .filter((line) => !line.startsWith('::add-mask::'))
          .join('\n');
        expect(shown).not.toContain(token);
        expect(result.summary).not.toContain(token);
        expect(result.summary).toContain('credentials given to pip only as a build secret');

        // The registry cache was written beside the image, and holds no credentials either.
        expect(await registry.tags(repository)).toContain('buildcache-cpu');
        const cache = await registry.manifest(repository, 'buildcache-cpu');
        expect(JSON.stringify(cache.body)).not.toContain(token);

        const tag = `${testbed.registry}/${repository}:main`;
        const saved = spawnSync('docker', ['save', tag], { maxBuffer: 1 << 30 });
        expect(saved.status).toBe(0);
        expect(saved.stdout.length).toBeGreaterThan(1_000_000);
        expect(saved.stdout.includes(token)).toBe(false);

        const index = await registry.manifest(repository, 'main');
        const attestation = ((index.body.manifests ?? []) as ManifestDescriptor[]).find(
          (entry) => entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest',
        );
        const provenance = await registry.manifest(repository, attestation?.digest ?? '');
        for (const layer of (provenance.body.layers ?? []) as { digest: string }[]) {
          const text = JSON.stringify(await registry.blob(repository, layer.digest));
          expect(text).not.toContain(token);
          expect(text).toContain('pip-config');
        }
        const generated = join(result.workspace, 'model', '.ml-container');
        for (const file of ['Dockerfile', 'requirements.lock', 'plan.json']) {
          expect(readFileSync(join(generated, file), 'utf8')).not.toContain(token);
        }
      } finally {
        await proxy.close();
      }
    },
  );

  it('saves the local build cache to the Actions cache, a fresh runner restores it and reuses every layer, a kept one restores nothing', async () => {
    const cacheServer = await startActionsCacheServer();
    try {
      // The cache version hashes the saved path, which is the same on every hosted runner: one home, emptied.
      const home = mkdtempSync(join(tmpdir(), 'ml-container-home-'));
      const runOnFreshRunner = async () => {
        // A hosted runner starts with an empty home and an empty BuildKit cache.
        rmSync(join(home, '.cache'), { recursive: true, force: true });
        expect(spawnSync('docker', ['buildx', 'prune', '--all', '--force']).status).toBe(0);
        return runOnPullRequest(9, inputs(`e2e-${run}/local-cache`, { cache: 'local' }), {
          HOME: home,
          ACTIONS_CACHE_URL: cacheServer.url,
          ACTIONS_RUNTIME_TOKEN: 'runtime-token',
        });
      };
      const day = () => new Date().toISOString().slice(0, 10);
      const firstDay = day();
      const first = await runOnFreshRunner();
      expect(first.exitCode, first.log).toBe(0);
      expect(first.log).toMatch(/no saved build cache for ml-container-buildcache-cpu-[0-9a-f]{64} yet/);
      const saved = (prefix: string) => cacheServer.saved().filter((entry) => entry.startsWith(prefix));
      const [key] = saved('ml-container-buildcache-');
      expect(key).toMatch(/^ml-container-buildcache-cpu-[0-9a-f]{64}$/);
      expect(first.log).toContain(`as ${key}`);
      // The resolved lock is kept beside it, for the day.
      const locks = saved('ml-container-lock-');
      expect(locks).toEqual([expect.stringMatching(/^ml-container-lock-\d{4}-\d\d-\d\d-[0-9a-f]{64}$/)]);

      const second = await runOnFreshRunner();
      expect(second.exitCode, second.log).toBe(0);
      expect(second.log).toContain(`from the Actions cache (${key})`);
      // The dependency install, the slow layer, comes from the restored cache instead of running again.
      expect(second.log).toMatch(
        /#\d+ \[dependencies \d\/\d\] RUN [^\n]*--mount=type=cache,id=ml-container-pip[^\n]*\n#\d+ CACHED/,
      );
      // The same day, no resolver runs: the lock comes back from the Actions cache (a new UTC day resolves again).
      if (day() === firstDay) expect(second.log).toContain('reused the lock resolved earlier today');
      // Same lock, same key: nothing new to save.
      expect(saved('ml-container-buildcache-')).toEqual([key]);
      if (day() === firstDay) expect(saved('ml-container-lock-')).toEqual(locks);

      // A runner that keeps its home (self-hosted) already holds this lock's cache: nothing is downloaded.
      const kept = await runOnPullRequest(9, inputs(`e2e-${run}/local-cache`, { cache: 'local' }), {
        HOME: home,
        ACTIONS_CACHE_URL: cacheServer.url,
        ACTIONS_RUNTIME_TOKEN: 'runtime-token',
      });
      expect(kept.exitCode, kept.log).toBe(0);
      expect(kept.log).toContain(`holds ${key} already: not restored again`);
      expect(kept.log).not.toContain('Restore the local build cache');
      expect(saved('ml-container-buildcache-')).toEqual([key]);
    } finally {
      await cacheServer.close();
    }
  });

  it('builds a named platform on itself, and refuses one this runner cannot run before locking anything', async () => {
    const pullRequest = (platforms: string) =>
      runOnPullRequest(11, inputs(`e2e-${run}/platforms`, { platforms }));
    const amd64 = await pullRequest('linux/amd64');
    expect(amd64.exitCode, amd64.log).toBe(0);
    expect(amd64.log).toContain('passed  [linux/amd64] import scikit-learn');
    expect(amd64.summary).toContain('| linux/amd64 model `model.joblib` | ✅ passed |');

    // The test bed registers no emulator: arm64 can be neither resolved nor smoke-tested here.
    const arm64 = await pullRequest('linux/amd64,linux/arm64');
    expect(arm64.exitCode).toBe(1);
    expect(arm64.log).toMatch(
      /::error .*::this runner cannot run linux\/arm64 \(the builder runs linux\/amd64/,
    );
    expect(arm64.log).not.toContain('Lock the');
  });

  it('builds the same commit twice, from empty caches, to the same image manifest', async () => {
    const manifests: string[] = [];
    for (const attempt of [1, 2]) {
      expect(spawnSync('docker', ['buildx', 'prune', '--all', '--force']).status).toBe(0);
      // Loaded straight into the store, the image manifest is the one the registry serves once pushed.
      const result = await runOnPush(
        'refs/heads/main',
        inputs(`e2e-${run}/repro-${attempt}`, { push: 'true' }),
      );
      expect(result.exitCode, result.log).toBe(0);
      const [variant] = JSON.parse(result.outputs.metadata ?? '{}').variants;
      expect(variant.reproducible).toBe(true);
      manifests.push(variant.manifest_digest);
    }
    expect(manifests[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(manifests[1]).toBe(manifests[0]);
  });

  it('on a release event (no head_commit) pushes the same image manifest as a tag push of that commit', async () => {
    // A real checkout: the release payload carries no commit time, so the action must ask git.
    const workspace = workspaceWithExample();
    const git = (...args: string[]) =>
      spawnSync('git', ['-C', workspace, ...args], {
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'e2e',
          GIT_AUTHOR_EMAIL: 'e2e@example.com',
          GIT_COMMITTER_NAME: 'e2e',
          GIT_COMMITTER_EMAIL: 'e2e@example.com',
          GIT_AUTHOR_DATE: '2026-11-21T08:00:00Z',
          GIT_COMMITTER_DATE: '2026-11-21T08:00:00Z',
        },
      }).stdout.trim();
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'release me');
    const commit = git('rev-parse', 'HEAD');
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    const pushed: Record<string, { manifest: string; created: string }> = {};
    for (const event of ['push', 'release'] as const) {
      const repository = `e2e-${run}/${event}-event`;
      const result = await runAction({
        workspace,
        eventName: event,
        ref: 'refs/tags/v3.0.0',
        sha: commit,
        repository: 'acme/iris',
        event:
          event === 'push'
            ? {
                ref: 'refs/tags/v3.0.0',
                after: commit,
                head_commit: { id: commit, timestamp: '2026-11-21T08:00:00Z' },
                repository: repositoryPayload,
              }
            : {
                action: 'published',
                release: { tag_name: 'v3.0.0', target_commitish: 'main', draft: false, prerelease: false },
                repository: repositoryPayload,
              },
        inputs: inputs(repository, { push: 'true' }),
      });
      expect(result.exitCode, result.log).toBe(0);
      expect(result.outputs.pushed).toBe('true');
      const index = await registry.manifest(repository, 'v3.0.0');
      const image = ((index.body.manifests ?? []) as ManifestDescriptor[]).find(
        (entry) => entry.platform?.os === 'linux',
      );
      const manifest = await registry.manifest(repository, image?.digest ?? '');
      const config = await registry.blob(repository, (manifest.body.config as { digest: string }).digest);
      const labels = (config.config as { Labels: Record<string, string> }).Labels;
      pushed[event] = {
        manifest: image?.digest ?? '',
        created: labels['org.opencontainers.image.created'] ?? '',
      };
    }
    expect(pushed.push?.manifest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(pushed.release).toEqual(pushed.push);
    expect(pushed.release?.created).toBe('2026-11-21T08:00:00.000Z');
  });

  it('builds a split layout from its dependency file, with the model outside that folder, smoke-tests it and pushes', async () => {
    const repository = `e2e-${run}/split`;
    const workspace = mkdtempSync(join(tmpdir(), 'ml-container-e2e-'));
    cpSync(resolve('test/fixtures/projects/split-iris'), join(workspace, 'model'), { recursive: true });
    // Without the input, nothing at the top is a manifest: the step fails showing both ways out.
    const refused = await runOnPush(
      'refs/tags/v1.0.0',
      inputs(`${repository}-refused`, { push: 'true' }),
      workspace,
    );
    expect(refused.exitCode).not.toBe(0);
    expect(refused.log).toMatch(/context: inference/);
    expect(refused.log).toMatch(/dependency-file: inference\/requirements\.txt/);

    const result = await runOnPush(
      'refs/tags/v1.0.0',
      inputs(repository, {
        push: 'true',
        'dependency-file': 'inference/requirements.txt',
        'smoke-command': 'python inference/predict.py 6.7 3.0 5.2 2.3',
      }),
      workspace,
    );
    expect(result.exitCode, result.log).toBe(0);
    expect(result.outputs.pushed).toBe('true');
    expect(await registry.tags(repository)).toContain('v1.0.0');
    const [variant] = JSON.parse(result.outputs.metadata ?? '{}').variants;
    expect(variant.frameworks).toEqual([{ name: 'scikit-learn', version: '1.6.1' }]);
    const statuses = Object.fromEntries(
      (variant.smoke.checks as { kind: string; name: string; status: string }[]).map((check) => [
        `${check.kind} ${check.name}`,
        check.status,
      ]),
    );
    expect(statuses).toMatchObject({
      'model model/model.joblib': 'passed',
      'command python inference/predict.py 6.7 3.0 5.2 2.3': 'passed',
    });
    expect(result.summary).toContain("input 'dependency-file'");
    const config = spawnSync(
      'docker',
      ['image', 'inspect', '--format', '{{json .Config.Cmd}}', result.outputs.image ?? ''],
      {
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(config.stdout)).toEqual(['python', 'inference/predict.py']);
  });

  it('refuses Git LFS pointers, a single model file or inside a model folder, before anything is locked', async () => {
    const pointer =
      'version https://git-lfs.github.com/spec/v1\noid sha256:4d2c0a3a9c3e1d5f0b7e6a8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0\nsize 1024\n';
    const single = workspaceWithExample((modelDir) => writeFileSync(join(modelDir, 'model.joblib'), pointer));
    const folder = mkdtempSync(join(tmpdir(), 'ml-container-e2e-'));
    cpSync(resolve('test/fixtures/detect/hf-hub-distilbert-lfs'), join(folder, 'model'), { recursive: true });
    for (const [workspace, file] of [
      [single, 'model/model.joblib'],
      [folder, 'model/distilbert-base-uncased/model.safetensors'],
    ] as const) {
      const repository = `e2e-${run}/lfs-${file.split('/').length}`;
      const result = await runOnPush('refs/tags/v1.0.0', inputs(repository, { push: 'true' }), workspace);
      expect(result.exitCode).not.toBe(0);
      const annotation = new RegExp(
        `::error .*file=${file.replace(/[./]/g, '\\$&')}.*::.*were never fetched`,
      );
      expect(result.log).toMatch(annotation);
      expect(result.log).toContain('lfs: true');
      expect(result.log).toContain('allow-lfs-pointers');
      expect(result.log).not.toContain('Lock the');
      expect(result.outputs.pushed ?? 'false').toBe('false');
      expect(await registry.tags(repository)).toEqual([]);
    }
  });

  it('fails the step clearly when the registry is down at push time, after retrying, and reports nothing pushed', async () => {
    // Nothing listens on this port: the registry is gone by the time the smoke test has passed.
    const down = '127.0.0.1:5999';
    const result = await runOnPush('refs/tags/v2.0.0', {
      ...inputs('unused'),
      image: `${down}/acme/iris`,
      push: 'true',
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.log).toMatch(/push of 127\.0\.0\.1:5999\/acme\/iris:v2\.0\.0 failed \(attempt 1\/3\)/);
    expect(result.log).toMatch(
      /::error .*::push of 127\.0\.0\.1:5999\/acme\/iris:v2\.0\.0 failed after 3 attempts/,
    );
    expect(result.outputs.pushed).toBe('false');
    expect(result.summary).toContain('failed in publish');
    expect(result.summary).toContain('Nothing pushed: the push failed');
  });
});
