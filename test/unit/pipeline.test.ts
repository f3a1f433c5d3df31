import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localContext, type RunContext } from '../../src/context.js';
import { pipeline } from '../../src/pipeline.js';
import { outputs } from '../../src/report/outputs.js';
import { summaryMarkdown } from '../../src/report/summary.js';
import { BUILT, fakeDocker, sizeListingOf } from './fake-docker.js';
import { githubRun, inputsWith, testLogger } from './helpers.js';

const quietLogger = testLogger();
const releaseContext = githubRun({ ref: 'refs/tags/v1.0.0' });
const example = resolve('examples/sklearn-iris');

describe('pipeline', () => {
  it('runs every phase in order and pushes each tag after the smoke test passed', async () => {
    const docker = fakeDocker();
    const report = await pipeline(
      inputsWith({ context: example, push: 'true', image: 'r/iris' }),
      releaseContext,
      {
        docker,
        logger: quietLogger,
      },
    );
    expect(report.error).toBeUndefined();
    const verbs = docker.calls.map((call) => {
      if (call[0] === 'run') return call.includes('python3') ? 'resolve' : 'smoke';
      return call[0] === 'push' ? 'push' : call.slice(0, 2).join(' ');
    });
    // The size measurement runs after the smoke test, before the push.
    const measured = verbs.indexOf('history --no-trunc');
    expect(measured).toBeGreaterThan(verbs.indexOf('smoke'));
    expect(measured).toBeLessThan(verbs.indexOf('push'));
    expect(
      verbs.filter((verb, index) => verbs.indexOf(verb) === index && verb !== 'history --no-trunc'),
    ).toEqual([
      // The builder is inspected once detection passed, while the plan pins the base and the lock
      // resolves: its answer is awaited before the build.
      'buildx inspect',
      'info --format',
      'buildx imagetools',
      'resolve',
      'buildx build',
      'image inspect',
      'smoke',
      'push',
    ]);
    expect(report.variants[0]?.publish?.pushed).toEqual(['r/iris:v1.0.0', 'r/iris:latest']);
    expect(outputs(report)).toMatchObject({
      digest: BUILT,
      pushed: 'true',
      image: 'r/iris:v1.0.0',
      variant: 'cpu',
      python: '3.11',
    });
    expect(JSON.parse(outputs(report).frameworks ?? '')).toEqual([
      { name: 'scikit-learn', version: '1.6.1' },
    ]);
  });

  it('pushes nothing after a failed smoke test and names the failed check and file', async () => {
    const docker = fakeDocker({ smokePassed: false });
    const report = await pipeline(inputsWith({ context: example, push: 'true' }), releaseContext, {
      docker,
      logger: quietLogger,
    });
    expect(report.error?.phase).toBe('smoke');
    expect(report.error?.located).toBe(
      'model.joblib: smoke test failed: model model.joblib: UnpicklingError: invalid load key',
    );
    expect(docker.calls.some((call) => call[0] === 'push')).toBe(false);
    expect(outputs(report).pushed).toBe('false');
    expect(summaryMarkdown(report)).toContain('❌ failed in smoke');
  });

  it('retries a failed push with backoff and then verifies the pushed digest', async () => {
    const docker = fakeDocker({ pushFailures: 1 });
    const report = await pipeline(
      inputsWith({ context: example, push: 'true', tags: 'r/iris:one' }),
      releaseContext,
      { docker, logger: quietLogger },
    );
    expect(report.error).toBeUndefined();
    expect(docker.calls.filter((call) => call[0] === 'push')).toHaveLength(2);
    expect(report.variants[0]?.publish?.pushed).toEqual(['r/iris:one']);
  }, 10_000);

  it('loads every generated image straight into the store, a release as a pull request: its layers are reproducible as built', async () => {
    const pullRequest: RunContext = {
      ...releaseContext,
      eventName: 'pull_request',
      ref: 'refs/pull/4/merge',
      pullRequest: { number: 4, fromFork: false },
    };
    const verbsOf = async (context: RunContext, values: Record<string, string>) => {
      const docker = fakeDocker();
      const report = await pipeline(inputsWith({ context: example, image: 'r/iris', ...values }), context, {
        docker,
        logger: quietLogger,
      });
      expect(report.error).toBeUndefined();
      const build = docker.calls.find((call) => call[0] === 'buildx' && call[1] === 'build') ?? [];
      return { load: build.includes('--load'), archive: docker.calls.some((call) => call[0] === 'load') };
    };
    expect(await verbsOf(pullRequest, {})).toEqual({ load: true, archive: false });
    expect(await verbsOf(pullRequest, { reproducible: 'true' })).toEqual({ load: true, archive: false });
    expect(await verbsOf(releaseContext, { push: 'true' })).toEqual({ load: true, archive: false });
    expect(await verbsOf(releaseContext, { push: 'true', reproducible: 'false' })).toEqual({
      load: true,
      archive: false,
    });
  });

  it('locks, builds and smoke-tests every platform on itself', async () => {
    const docker = fakeDocker({ platforms: 'linux/amd64, linux/arm64' });
    const report = await pipeline(
      inputsWith({ context: example, image: 'r/iris', platforms: 'linux/amd64,linux/arm64' }),
      releaseContext,
      { docker, logger: quietLogger },
    );
    expect(report.error).toBeUndefined();
    const platformOf = (call: string[]) => call[call.indexOf('--platform') + 1];
    const runs = docker.calls.filter((call) => call[0] === 'run');
    expect(runs.map((call) => [call.includes('python3') ? 'resolve' : 'smoke', platformOf(call)])).toEqual([
      ['resolve', 'linux/amd64'],
      ['resolve', 'linux/arm64'],
      ['smoke', 'linux/amd64'],
      ['smoke', 'linux/arm64'],
    ]);
    // The size listing reads one image: it rides in the first platform's smoke test only.
    const smokes = runs.filter((call) => !call.includes('python3'));
    expect(smokes.map((call) => sizeListingOf(call) !== null)).toEqual([true, false]);
    expect(report.variants[0]?.size?.contents?.packageCount).toBe(3);
    const build = docker.calls.find((call) => call[0] === 'buildx' && call[1] === 'build') ?? [];
    expect(platformOf(build)).toBe('linux/amd64,linux/arm64');
    const variant = report.variants[0];
    expect(variant?.lock?.text).toContain('# Locked on each of linux/amd64, linux/arm64;');
    expect(variant?.smoke?.checks.map((check) => `${check.platform} ${check.kind}`)).toEqual([
      'linux/amd64 import',
      'linux/amd64 model',
      'linux/arm64 import',
      'linux/arm64 model',
    ]);
  });

  it('refuses, before locking anything, a platform the runner cannot run', async () => {
    const docker = fakeDocker({ platforms: 'linux/amd64, linux/amd64/v2' });
    const report = await pipeline(
      inputsWith({ context: example, image: 'r/iris', platforms: 'linux/amd64,linux/arm64' }),
      releaseContext,
      { docker, logger: quietLogger },
    );
    expect(report.error?.message).toMatch(
      /^this runner cannot run linux\/arm64 \(the builder runs linux\/amd64, linux\/amd64\/v2\): .*docker\/setup-qemu-action/,
    );
    expect(docker.calls.filter((call) => call[0] === 'run')).toEqual([]);
  });

  it('stops after render for `ml-container plan`, running no build', async () => {
    const docker = fakeDocker();
    const report = await pipeline(inputsWith({ context: example }), localContext(null, null), {
      docker,
      logger: quietLogger,
      until: 'render',
    });
    expect(report.error).toBeUndefined();
    expect(report.variants[0]?.dockerfile).toContain('FROM docker.io/library/python:3.11-slim-bookworm@');
    expect(docker.calls.some((call) => call[1] === 'build')).toBe(false);
  });

  it('reports a detect error with its file and line, before any Docker call', async () => {
    const docker = fakeDocker();
    const report = await pipeline(
      inputsWith({ context: resolve('test/fixtures/broken-requirements') }),
      localContext(null, null),
      {
        docker,
        logger: quietLogger,
      },
    );
    expect(report.error?.phase).toBe('detect');
    expect(report.error?.located).toBe(
      "requirements.txt:2:7: invalid version specifier '>>1.0' for numpy: '>1.0' is not a PEP 440 version",
    );
    expect(docker.calls).toEqual([]);
  });

  it('writes the generated files into the project, then fails a check once they are stale, with the diff', async () => {
    const project = mkdtempSync(join(tmpdir(), 'ml-container-generated-'));
    cpSync(example, project, { recursive: true });
    const written = await pipeline(
      inputsWith({ context: project, 'write-generated': '.ml-container' }),
      releaseContext,
      {
        docker: fakeDocker(),
        logger: quietLogger,
        until: 'render',
      },
    );
    expect(written.error).toBeUndefined();
    expect(readdirSync(join(project, '.ml-container')).sort()).toEqual([
      'Dockerfile',
      'Dockerfile.dockerignore',
      'clamp.py',
      'plan.json',
      'requirements.lock',
    ]);

    const fresh = await pipeline(
      inputsWith({ context: project, 'check-generated': 'true' }),
      releaseContext,
      {
        docker: fakeDocker(),
        logger: quietLogger,
        until: 'render',
      },
    );
    expect(fresh.error).toBeUndefined();

    const dockerfile = join(project, '.ml-container', 'Dockerfile');
    writeFileSync(dockerfile, readFileSync(dockerfile, 'utf8').replace('USER 10001:10001', 'USER root'));
    const stale = await pipeline(
      inputsWith({ context: project, 'check-generated': 'true' }),
      releaseContext,
      {
        docker: fakeDocker(),
        logger: quietLogger,
      },
    );
    expect(stale.error?.phase).toBe('render');
    expect(stale.error?.located).toBe(
      ".ml-container/Dockerfile: generated files in .ml-container are stale: .ml-container/Dockerfile — regenerate with 'ml-container plan . --out .ml-container' and commit them",
    );
    expect(stale.error?.detail).toContain('-USER root\n+USER 10001:10001');
    expect(summaryMarkdown(stale)).toContain('+USER 10001:10001');
  });
});

describe("pipeline with input 'dependency-file'", () => {
  const splitIris = resolve('test/fixtures/projects/split-iris');
  /** The JSON request `docker run … python3 -c <resolve.py> <request>` handed the resolver. */
  const resolverRequests = (calls: string[][]) =>
    calls
      .filter((call) => call[0] === 'run' && call.includes('python3'))
      .map((call) => JSON.parse(call.at(-1) ?? '{}') as { requirements: string; lines: string[] | null });

  it('builds a split layout from inference/requirements.txt with the whole folder as the context', async () => {
    const docker = fakeDocker();
    const report = await pipeline(
      inputsWith({ context: splitIris, 'dependency-file': 'inference/requirements.txt' }),
      localContext(null, null),
      { docker, logger: quietLogger, until: 'render' },
    );
    expect(report.error).toBeUndefined();
    expect(report.spec?.dependencies.files).toEqual(['inference/requirements.txt']);
    // The file is sent to the resolver's project folder under its path, and pip reads
    // `-r inference/requirements.txt` there, so its includes resolve relative to it.
    const [request, ...more] = resolverRequests(docker.calls);
    expect(more).toEqual([]);
    expect(request).toMatchObject({ requirements: 'inference/requirements.txt', lines: null });
    const run = docker.calls.find((call) => call[0] === 'run') ?? [];
    expect(run.join(' ')).not.toContain(splitIris);
    const [variant] = report.variants;
    expect(variant?.plan.requirementsFile).toBe('inference/requirements.txt');
    expect(variant?.plan.models.map((model) => model.path)).toEqual(['model/model.joblib']);
    expect(variant?.plan.decisions.find((decision) => decision.topic === 'lock')?.why).toBe(
      "inference/requirements.txt (requirements, input 'dependency-file') has no lock; resolving in the base gives its Python and platform",
    );
    const dockerfile = variant?.dockerfile ?? '';
    // The whole folder is the context: all of it is copied into the WORKDIR.
    expect(dockerfile).toContain(
      'WORKDIR /app\nARG SOURCE_DATE_EPOCH\nRUN --mount=type=bind,target=/tmp/ml-container-context',
    );
    expect(dockerfile).toContain(
      'tar -C /tmp/ml-container-context --numeric-owner --owner=0 --group=0 -cf - .',
    );
    expect(dockerfile).toContain('CMD ["python","inference/predict.py"]');
  });

  it('without it, stops at detect showing both ways out, before any Docker call', async () => {
    const docker = fakeDocker();
    const report = await pipeline(inputsWith({ context: splitIris }), localContext(null, null), {
      docker,
      logger: quietLogger,
    });
    expect(report.error?.phase).toBe('detect');
    expect(report.error?.message).toContain(
      "set 'context: inference' to build that folder alone, or 'dependency-file: inference/requirements.txt' to keep the whole folder as the build context",
    );
    expect(docker.calls).toEqual([]);
  });

  it('refuses a path outside the context before any Docker call', async () => {
    const docker = fakeDocker();
    const report = await pipeline(
      inputsWith({ context: join(splitIris, 'inference'), 'dependency-file': '../train/requirements.txt' }),
      localContext(null, null),
      { docker, logger: quietLogger },
    );
    expect(report.error?.phase).toBe('detect');
    expect(report.error?.message).toMatch(
      /^input 'dependency-file': '\.\.\/train\/requirements\.txt' leaves 'context'/,
    );
    expect(docker.calls).toEqual([]);
  });

  it('converts the uv.lock beside a pyproject.toml in a folder, resolving nothing', async () => {
    const project = mkdtempSync(join(tmpdir(), 'ml-container-depfile-'));
    cpSync(resolve('test/fixtures/detect/uv-lock-lightgbm'), join(project, 'svc'), { recursive: true });
    const docker = fakeDocker();
    const report = await pipeline(
      inputsWith({ context: project, 'dependency-file': 'svc/pyproject.toml' }),
      localContext(null, null),
      { docker, logger: quietLogger, until: 'render' },
    );
    expect(report.error).toBeUndefined();
    const [variant] = report.variants;
    expect(variant?.plan.lockSource).toEqual({ kind: 'convert', lockfile: 'svc/uv.lock' });
    expect(variant?.plan.decisions.find((decision) => decision.topic === 'lock')?.why).toBe(
      "the project's lock (uv, beside svc/pyproject.toml, input 'dependency-file'); converted to requirements.lock with every hash",
    );
    expect(variant?.lock?.packages.map((pkg) => pkg.name)).toContain('lightgbm');
    expect(resolverRequests(docker.calls)).toEqual([]);
  });
});
