import { describe, expect, it } from 'vitest';
import { detect } from '../../../src/detect/index.js';
import { buildxArgs } from '../../../src/image/args.js';
import { plan } from '../../../src/plan/index.js';
import { ownDockerfileLabels } from '../../../src/plan/own-dockerfile.js';
import { planRun } from '../../../src/plan/run.js';
import type { DockerfileSource } from '../../../src/plan/types.js';
import { planVariants } from '../../../src/plan/variant-run.js';
import { memoryReader } from '../../../src/project/reader.js';
import { NOBODY, runsAsRoot, smokeArgs, smokeRequest } from '../../../src/smoke/args.js';
import { githubRun, inputsWith, irisLock, irisSpec } from '../helpers.js';

const own: DockerfileSource = {
  kind: 'project',
  path: 'docker/Dockerfile',
  target: 'serve',
  why: "input 'file'",
};

/** torch runs on both: the generated plan makes a CPU and a GPU variant of it. */
const torchSpec = () =>
  detect(memoryReader({ 'requirements.txt': 'torch==2.5.1\n', 'model.pt': 'x', 'predict.py': '' }));

describe("the plan for the project's own Dockerfile", () => {
  it('is one image with no base to pin and no lock, saying which file and why', () => {
    const plans = plan(irisSpec(), inputsWith({ file: 'docker/Dockerfile' }), {
      hasDockerignore: false,
      dockerfile: own,
    });
    expect(plans).toHaveLength(1);
    const [only] = plans;
    expect(only?.base).toBeNull();
    expect(only?.pythonInstaller).toBeNull();
    expect(only?.dockerfile).toEqual(own);
    expect(only?.models.map((model) => model.path)).toEqual(['model.joblib']);
    expect(only?.decisions.find((decision) => decision.topic === 'dockerfile')).toEqual({
      topic: 'dockerfile',
      choice: 'docker/Dockerfile (stage serve), no lock made',
      why: "input 'file': the project's Dockerfile installs what it installs; the smoke test checks what it installed",
    });
  });

  it('tests a project that could have both variants as its CPU image, and as GPU when asked', () => {
    const context = { hasDockerignore: false, dockerfile: own };
    const generated = plan(torchSpec(), inputsWith(), { hasDockerignore: false });
    expect(generated.map((candidate) => candidate.variant)).toEqual(['cpu', 'gpu']);
    const auto = plan(torchSpec(), inputsWith({ file: 'Dockerfile' }), context);
    expect(auto.map((candidate) => candidate.variant)).toEqual(['cpu']);
    expect(auto[0]?.decisions[0]?.why).toContain("set input 'variant: gpu' to check its CUDA build");
    const gpu = plan(torchSpec(), inputsWith({ file: 'Dockerfile', variant: 'gpu' }), context);
    expect(gpu.map((candidate) => candidate.variant)).toEqual(['gpu']);
  });

  it('needs no base image table row for its Python', () => {
    const spec = { ...irisSpec(), python: { version: '3.99', source: '.python-version:1' } };
    expect(() => plan(spec, inputsWith({ file: 'Dockerfile' }), { hasDockerignore: false })).toThrow(/3\.99/);
    expect(
      plan(spec, inputsWith({ file: 'Dockerfile' }), { hasDockerignore: false, dockerfile: own }),
    ).toHaveLength(1);
  });

  it('tags one image without a variant suffix and labels it with what detection found', () => {
    const inputs = inputsWith({ file: 'docker/Dockerfile' });
    const context = githubRun();
    const run = planRun(inputs, context);
    const [variant] = planVariants(torchSpec(), inputs, run, context, { hasDockerignore: false });
    expect(variant?.run.suffix).toBe('');
    expect(variant?.run.tags.tags).toEqual(['ghcr.io/acme/iris:main']);
    expect(variant?.run.labels.own).toEqual({
      'io.github.ml-container.variant': 'cpu',
      'io.github.ml-container.frameworks': 'torch==2.5.1',
      'io.github.ml-container.dockerfile': 'docker/Dockerfile',
    });
    expect(ownDockerfileLabels({ variant: 'cpu', frameworks: [], dockerfile: own })).toEqual({
      'io.github.ml-container.variant': 'cpu',
      'io.github.ml-container.frameworks': '',
      'io.github.ml-container.dockerfile': 'docker/Dockerfile',
    });
  });

  it('withholds build secrets from a fork, keeping their ids for the note', () => {
    const inputs = inputsWith({ file: 'Dockerfile', secrets: 'token=t0k' });
    const fork = githubRun({ eventName: 'pull_request', pullRequest: { number: 3, fromFork: true } });
    const trusted = planRun(inputs, githubRun());
    expect(trusted.dockerfileInputs.secrets).toEqual([{ id: 'token', value: 't0k' }]);
    const untrusted = planRun(inputs, fork);
    expect(untrusted.trust.credentialsWithheld).not.toBeNull();
    expect(untrusted.dockerfileInputs).toMatchObject({ secrets: [], withheldSecrets: ['token'] });
  });
});

describe("building and smoke-testing the project's own Dockerfile", () => {
  const [ownPlan] = plan(irisSpec(), inputsWith({ file: 'docker/Dockerfile' }), {
    hasDockerignore: false,
    dockerfile: own,
  });
  if (!ownPlan) throw new Error('no plan');
  const smokeOf = (imageUser: string) =>
    smokeArgs(ownPlan, {
      image: 'r/iris:main',
      containerName: 'smoke-1',
      memory: '2g',
      script: 'HARNESS',
      request: smokeRequest(ownPlan, null, null, 60),
      imageUser,
    });

  it('passes its stage, build arguments and secret files to buildx, and no generated context', () => {
    const args = buildxArgs(ownPlan, {
      contextDir: '/w/model',
      generatedDir: '/tmp/gen',
      dockerfile: '/tmp/gen/Dockerfile',
      metadataFile: '/tmp/gen/metadata.json',
      tags: ['r/iris:main'],
      labels: {},
      provenance: true,
      sourceDateEpoch: 1700000000,
      ociArchive: null,
      target: 'serve',
      buildArgs: [{ name: 'GREETING', value: 'a b=c' }],
      secretFiles: [{ id: 'token', path: '/tmp/private/secret-0' }],
    });
    expect(args).not.toContain('--build-context');
    expect(args.join(' ')).toContain(
      '--target serve --tag r/iris:main --secret id=token,src=/tmp/private/secret-0 --build-arg GREETING=a b=c --build-arg SOURCE_DATE_EPOCH=1700000000',
    );
  });

  it('runs the smoke test as the image’s own user, in its WORKDIR, with the python3 its PATH finds', () => {
    const args = smokeOf('1000:1000');
    expect(args).not.toContain('--user');
    expect(args).not.toContain('--workdir');
    expect(args.slice(args.indexOf('--entrypoint'), args.indexOf('--entrypoint') + 3)).toEqual([
      '--entrypoint',
      'python3',
      'r/iris:main',
    ]);
  });

  it.each([
    ['', true],
    ['root', true],
    ['0', true],
    ['0:0', true],
    ['root:staff', true],
    ['1000', false],
    ['1000:1000', false],
    ['app', false],
    ['10', false],
  ])('runs an image whose USER is %j as nobody: %s', (user, asNobody) => {
    expect(runsAsRoot(user)).toBe(asNobody);
    const args = smokeOf(user);
    expect(args.includes('--user') ? args[args.indexOf('--user') + 1] : null).toBe(asNobody ? NOBODY : null);
  });

  it('checks no version without a lock, and the lock’s with one', () => {
    expect(smokeRequest(ownPlan, null, null, 60).frameworks).toEqual([
      { name: 'scikit-learn', import: 'sklearn', version: null },
    ]);
    expect(smokeRequest(ownPlan, irisLock(), null, 60).frameworks[0]?.version).toBe('1.6.1');
  });
});
