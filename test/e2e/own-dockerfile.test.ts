import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2eRequired, type ManifestDescriptor, registry, testbed, unavailableReason } from './testbed.js';
import { inputs, run, runOnPush, workspaceWithExample } from './workflow.js';

/**
 * A project that keeps its own Dockerfile, with a build argument and a build secret: the action
 * builds that file (input 'file'), smoke-tests the models detection found inside the image it made,
 * labels it and pushes only what passed, and the secret is in no log line, file or attestation.
 */
const DOCKERFILE = `ARG BASE
FROM \${BASE}
ARG INDEX_URL
ARG GREETING
RUN python3 -m venv /opt/env
WORKDIR /srv/model
COPY requirements.txt .
RUN --mount=type=secret,id=index_token,required=true \\
    test -s /run/secrets/index_token \\
    && sha256sum /run/secrets/index_token | cut -d' ' -f1 > /srv/token.sha256 \\
    && /opt/env/bin/pip install --no-cache-dir --index-url "$INDEX_URL" -r requirements.txt
COPY . .
RUN echo "$GREETING" > /srv/greeting
ENV PATH=/opt/env/bin:$PATH
CMD ["python", "predict.py"]
`;

// Declared before the secret's RUN, so each test run's value misses BuildKit's cache, which a secret does not key.
const GREETING = `hello from a build arg in run ${run}`;
const SECRET = `s3cr3t-${createHash('sha256').update(run).digest('hex').slice(0, 24)}`;

function ownInputs(repository: string): Record<string, string> {
  const { 'base-image': base, 'index-url': index, ...rest } = inputs(repository, { push: 'true' });
  return {
    ...rest,
    file: 'docker/Dockerfile',
    'build-args': `BASE=${base}\nINDEX_URL=${index}\nGREETING=${GREETING}`,
    secrets: `index_token=${SECRET}`,
  };
}

function workspace(brokenModel = false): string {
  return workspaceWithExample((modelDir) => {
    mkdirSync(join(modelDir, 'docker'));
    writeFileSync(join(modelDir, 'docker', 'Dockerfile'), DOCKERFILE);
    if (brokenModel) writeFileSync(join(modelDir, 'model.joblib'), 'this is not a pickle\n');
  });
}

function inImage(image: string, ...command: string[]): { status: number | null; stdout: string } {
  const [entrypoint = 'true', ...rest] = command;
  const result = spawnSync(
    'docker',
    [
      'run',
      '--rm',
      '--network=none',
      '--pull=never',
      '--user',
      '0',
      '--entrypoint',
      entrypoint,
      image,
      ...rest,
    ],
    { encoding: 'utf8' },
  );
  return { status: result.status, stdout: result.stdout };
}

/** The files of the image holding `text`, as root, special files and kernel folders left out. */
function filesHolding(image: string, text: string): string {
  const skip = ['--exclude-dir=proc', '--exclude-dir=sys', '--exclude-dir=dev'];
  return inImage(image, 'grep', '-rlF', '-s', '-D', 'skip', ...skip, text, '/').stdout;
}

const reason = unavailableReason();
if (reason !== null) {
  describe('own Dockerfile end-to-end', () => {
    it.skipIf(!e2eRequired)(`cannot run: ${reason}`, () => {
      throw new Error(`end-to-end tests are required here but cannot run: ${reason}`);
    });
  });
}

describe.skipIf(reason !== null)("the project's own Dockerfile, with a build argument and a secret", () => {
  it('is built, smoke-tested (its model loaded and predicted), labelled and pushed; the secret is nowhere', async () => {
    const repository = `e2e-${run}/own-dockerfile`;
    const result = await runOnPush('refs/heads/main', ownInputs(repository), workspace());
    expect(result.exitCode, result.log).toBe(0);
    expect(result.outputs.pushed).toBe('true');
    expect(await registry.tags(repository)).toContain('main');

    // Detection fed the smoke test: the model was loaded and predicted inside this image.
    expect(result.log).toMatch(/passed +model model\.joblib/);
    expect(result.log).toMatch(/passed +import scikit-learn/);
    expect(result.summary).toContain("docker/Dockerfile (the project's Dockerfile, input 'file')");

    const index = await registry.manifest(repository, 'main');
    expect(index.digest).toBe(result.outputs.digest);
    const manifests = (index.body.manifests ?? []) as ManifestDescriptor[];
    const image = manifests.find((entry) => entry.platform?.os === 'linux');
    const attestation = manifests.find(
      (entry) => entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest',
    );
    const manifest = await registry.manifest(repository, image?.digest ?? '');
    const config = await registry.blob(repository, (manifest.body.config as { digest: string }).digest);
    const labels = (config.config as { Labels: Record<string, string> }).Labels;
    expect(labels).toMatchObject({
      'io.github.ml-container.dockerfile': 'docker/Dockerfile',
      'io.github.ml-container.variant': 'cpu',
      'io.github.ml-container.frameworks': 'scikit-learn==1.6.1',
      'org.opencontainers.image.source': 'https://github.com/acme/iris',
    });
    expect(labels['io.github.ml-container.models']).toMatch(/^model\.joblib=sha256:[0-9a-f]{64}$/);
    // Like most Dockerfiles it sets no USER: the smoke test ran it as nobody, never as root.
    expect((config.config as { User?: string }).User ?? '').toBe('');
    expect(result.log).toContain(
      'docker/Dockerfile runs as root (no USER, or USER root): the smoke test runs its image as nobody (65534:65534)',
    );

    // The secret reached the build (its hash is in the image), and its value is in no file of it.
    const tested = `${testbed.registry}/${repository}:main`;
    expect(inImage(tested, 'cat', '/srv/greeting').stdout).toBe(`${GREETING}\n`);
    expect(inImage(tested, 'cat', '/srv/token.sha256').stdout.trim()).toBe(
      createHash('sha256').update(SECRET).digest('hex'),
    );
    // The same search finds the hash, so an empty answer for the value is not a search that saw nothing.
    expect(filesHolding(tested, createHash('sha256').update(SECRET).digest('hex'))).toBe(
      '/srv/token.sha256\n',
    );
    expect(filesHolding(tested, SECRET)).toBe('');

    // Nor in the provenance, which records the build arguments (so a value there would show).
    const provenance = await registry.manifest(repository, attestation?.digest ?? '');
    const statements = await Promise.all(
      ((provenance.body.layers ?? []) as { digest: string }[]).map((layer) =>
        registry.blob(repository, layer.digest).then((statement) => JSON.stringify(statement)),
      ),
    );
    expect(statements.join('\n')).toContain(GREETING);
    expect(statements.join('\n')).not.toContain(SECRET);
    // The log carries it only in the runner's mask command, which the runner consumes.
    const unmasked = result.log
      .split('\n')
      .filter((line) => line.includes(SECRET) && !line.startsWith('::add-mask::'));
    expect(unmasked).toEqual([]);
  });

  it('fails at the smoke test and pushes nothing when its model is broken', async () => {
    const repository = `e2e-${run}/own-dockerfile-broken`;
    const result = await runOnPush('refs/heads/main', ownInputs(repository), workspace(true));
    expect(result.exitCode).not.toBe(0);
    expect(result.log).toMatch(
      /::error .*file=model\/model\.joblib.*::smoke test failed: model model\.joblib: /,
    );
    expect(result.outputs.pushed).toBe('false');
    expect(await registry.tags(repository)).toEqual([]);
  });
});
