import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authProxy } from './auth-proxy.js';
import { runAction } from './run-action.js';
import { testbed, unavailableReason } from './testbed.js';

const reason = unavailableReason();
const sha = 'b1c2d3e4f5a60718293a4b5c6d7e8f9012345678';
const run = `${Date.now().toString(36)}-${process.pid}`;
const repositoryPayload = { full_name: 'acme/models', name: 'models', owner: { login: 'acme' } };

/**
 * An example project (a folder of examples/, or a path such as test/fixtures/projects/…) checked
 * out in a workspace of its own, built as a pull request would be.
 */
async function buildExample(
  example: string,
  inputs: Record<string, string>,
  extraFiles: Record<string, string> = {},
) {
  const workspace = mkdtempSync(join(tmpdir(), 'ml-container-e2e-'));
  cpSync(example.includes('/') ? resolve(example) : resolve('examples', example), join(workspace, 'model'), {
    recursive: true,
  });
  for (const [name, text] of Object.entries(extraFiles)) writeFileSync(join(workspace, 'model', name), text);
  return runAction({
    workspace,
    eventName: 'pull_request',
    ref: 'refs/pull/3/merge',
    sha,
    repository: 'acme/models',
    event: {
      number: 3,
      pull_request: { number: 3, head: { sha, repo: repositoryPayload }, base: { repo: repositoryPayload } },
      repository: repositoryPayload,
    },
    inputs: {
      context: 'model',
      image: `${testbed.registry}/e2e-${run}/${basename(example)}`,
      'base-image': testbed.baseImage,
      'index-url': testbed.indexUrl,
      'pytorch-index-url': process.env.ML_CONTAINER_TEST_PYTORCH_INDEX ?? '',
      network: testbed.network,
      'sbom-generator': testbed.sbomGenerator,
      'smoke-command': 'python predict.py',
      ...inputs,
    },
  });
}

/** Runs a command in a built image, offline; in `args`, `-` stands where the image goes among `docker run`'s words. */
function inImage(image: string, args: string[]) {
  const split = args.indexOf('-');
  return spawnSync(
    'docker',
    ['run', '--rm', '--network=none', ...args.slice(0, split), image, ...args.slice(split + 1)],
    { encoding: 'utf8' },
  );
}

/** The distributions installed in the image's venv, one lowercased name per line. */
function installedPackages(image: string) {
  return inImage(image, [
    '--entrypoint',
    '/opt/venv/bin/python',
    '-',
    '-c',
    'import importlib.metadata as m; print("\\n".join(sorted(d.metadata["Name"].lower() for d in m.distributions())))',
  ]);
}

/** Each smoke check's status, keyed `kind name`, from a variant of the metadata output. */
function smokeStatuses(variant: { smoke: { checks: { kind: string; name: string; status: string }[] } }) {
  return Object.fromEntries(
    variant.smoke.checks.map((check) => [`${check.kind} ${check.name}`, check.status]),
  );
}

// The end-to-end reason to skip is reported once, by action.test.ts.
describe.skipIf(reason !== null)('variants on the test bed', () => {
  it('plans a torch project as CPU and GPU', async () => {
    const planned = await buildExample('torch-mnist', { 'plan-only': 'true' });
    expect(planned.exitCode, planned.log).toBe(0);
    expect(planned.outputs.matrix).toBe('["cpu","gpu"]');
    expect(planned.outputs.digest).toBe('');
  });

  it('the CPU variant of a project listing plain torch gets the +cpu build, no CUDA package, and stays small', async () => {
    // The main index serves what PyPI does (the CUDA torch, no +cpu build): only the CPU index has it.
    const cpu = await buildExample('test/fixtures/projects/plain-torch', { variant: 'cpu' });
    expect(cpu.exitCode, cpu.log).toBe(0);
    expect(JSON.parse(cpu.outputs.frameworks ?? '[]')).toEqual([{ name: 'torch', version: '2.13.0+cpu' }]);
    expect(cpu.outputs.tags).toMatch(/:pr-3-cpu$/);
    const [variant] = JSON.parse(cpu.outputs.metadata ?? '{}').variants;
    expect(variant.strategy).toBe('cpu');
    expect(variant.smoke.passed).toBe(true);
    const installed = installedPackages(cpu.outputs.image ?? '');
    expect(installed.status, installed.stderr).toBe(0);
    const packages = installed.stdout.trim().split('\n');
    expect(packages).toContain('torch');
    expect(packages.filter((name) => name.startsWith('nvidia-') || name === 'triton')).toEqual([]);
    // What a registry stores and a runner pulls (the containerd store's image size is its compressed
    // content): about 300 MiB, against about 3 GiB for PyPI's CUDA torch with its nvidia-* wheels.
    expect(variant.size_bytes).toBeGreaterThan(0);
    expect(variant.size_bytes).toBeLessThan(512 * 1024 * 1024);
    // Unpacked, torch's CPU build alone is about 750 MiB; the CUDA one with its wheels is gigabytes.
    const unpacked = inImage(cpu.outputs.image ?? '', ['--user=0', '--entrypoint', 'du', '-', '-sxm', '/']);
    expect(unpacked.status, unpacked.stderr).toBe(0);
    expect(Number.parseInt(unpacked.stdout, 10)).toBeLessThan(1280);
  });

  it('installs a console-script project after its lock, its build backend locked, and runs the script by name', async () => {
    const built = await buildExample('test/fixtures/projects/console-script-iris', {
      'smoke-command': 'iris-predict 6.7 3.0 5.2 2.3',
    });
    expect(built.exitCode, built.log).toBe(0);
    const [variant] = JSON.parse(built.outputs.metadata ?? '{}').variants;
    expect(variant.smoke.passed).toBe(true);
    const image = built.outputs.image ?? '';
    const command = spawnSync('docker', ['image', 'inspect', '--format', '{{json .Config.Cmd}}', image], {
      encoding: 'utf8',
    });
    expect(JSON.parse(command.stdout)).toEqual(['iris-predict']);
    const ran = inImage(image, ['-']);
    expect(ran.status, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual({ species: 'setosa' });
    const installed = installedPackages(image);
    expect(installed.status, installed.stderr).toBe(0);
    // flit_core came from the lock (the build was offline), and the project itself is installed.
    expect(installed.stdout.trim().split('\n')).toEqual(expect.arrayContaining(['flit_core', 'iris_cli']));
  });

  it('takes the CPU torch from a private PyTorch mirror, its credentials never on a command line or in the log', async () => {
    const token = `t0rch-${run}`;
    const pytorchRoot = new URL(process.env.ML_CONTAINER_TEST_PYTORCH_INDEX ?? '');
    const proxy = await authProxy('ml', token, pytorchRoot.toString());
    try {
      const cpu = await buildExample('test/fixtures/projects/plain-torch', {
        variant: 'cpu',
        'pytorch-index-url': `http://ml:${token}@127.0.0.1:${proxy.port}${pytorchRoot.pathname}`,
      });
      expect(cpu.exitCode, cpu.log).toBe(0);
      expect(JSON.parse(cpu.outputs.frameworks ?? '[]')).toEqual([{ name: 'torch', version: '2.13.0+cpu' }]);
      // The resolver's page lookup, pip's resolve and the build's install all went through the proxy.
      expect(proxy.counts.authorized).toBeGreaterThan(2);
      const shown = cpu.log
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n');
      expect(shown).not.toContain(token);
      expect(cpu.summary).not.toContain(token);
    } finally {
      await proxy.close();
    }
  });

  it('serves a main index as PyPI does: no local-version (+cpu) build there, only on the CPU index', async () => {
    const main = await (await fetch(`${testbed.indexUrl}/torch/`)).text();
    const cpu = await (await fetch(`${process.env.ML_CONTAINER_TEST_PYTORCH_INDEX}/cpu/torch/`)).text();
    expect(main).toMatch(/torch-2\.14\.1-cp311/);
    expect(main).not.toMatch(/\+cpu|%2Bcpu/);
    expect(cpu).toMatch(/torch-2\.13\.0%2Bcpu-cp311/);
  });

  it('builds the CUDA 13 torch image from its given lock, and it passes the CPU-side GPU smoke test', async () => {
    const gpu = await buildExample('torch-cuda-lock', {});
    expect(gpu.exitCode, gpu.log).toBe(0);
    expect(gpu.outputs.variant).toBe('gpu');
    expect(gpu.outputs.cuda).toBe('13.0');
    const [variant] = JSON.parse(gpu.outputs.metadata ?? '{}').variants;
    expect(variant.strategy).toBe('pip-cuda');
    const checks = smokeStatuses(variant);
    expect(checks).toMatchObject({
      'import torch': 'passed',
      'cuda torch': 'passed',
      'cuda libraries': 'passed',
    });
    // A runner with a GPU runs the device check; without one the summary says it was skipped.
    if (existsSync('/dev/nvidiactl')) expect(checks['gpu device']).toBe('passed');
    else expect(gpu.summary).toContain('device check skipped: no GPU');
  });

  it('installs a uv project from its converted uv.lock, every hash checked', async () => {
    const uv = await buildExample('sklearn-uv', {});
    expect(uv.exitCode, uv.log).toBe(0);
    expect(uv.summary).toContain('| lock | uv.lock, used as it is |');
    const [variant] = JSON.parse(uv.outputs.metadata ?? '{}').variants;
    expect(variant.lock.packages).toBe(6);
    expect(variant.frameworks).toEqual([{ name: 'scikit-learn', version: '1.6.1' }]);
  });

  it('installs libgomp1 for LightGBM, and compares the smoke command with its golden output', async () => {
    const lightgbm = await buildExample('lightgbm-tabular', { 'smoke-expected': 'smoke-expected.yml' });
    expect(lightgbm.exitCode, lightgbm.log).toBe(0);
    expect(lightgbm.summary).toMatch(/\| system packages \| libgomp1 \|/);
    const [variant] = JSON.parse(lightgbm.outputs.metadata ?? '{}').variants;
    const statuses = smokeStatuses(variant);
    expect(statuses).toEqual({
      'import lightgbm': 'passed',
      'model model.txt': 'passed',
      'command python predict.py': 'passed',
      'expected smoke-expected.yml': 'passed',
    });
  });

  it('fails the step, citing the golden file, when the output differs beyond the tolerance', async () => {
    const workspaceGolden = 'output:\n  probabilities: [0.95, 0.063943]\ntolerance: 0.0001\n';
    const failed = await buildExample(
      'lightgbm-tabular',
      {
        'smoke-expected': 'wrong-expected.yml',
        push: 'true',
      },
      { 'wrong-expected.yml': workspaceGolden },
    );
    expect(failed.exitCode).toBe(1);
    // The log names why a run failed otherwise (seen once under the full suite's load).
    expect(failed.log, failed.log.slice(-4000)).toMatch(
      /output differs from wrong-expected.yml:2: \$\.probabilities\[0\]: 0\.932932 differs from 0\.95/,
    );
    expect(failed.outputs.pushed ?? 'false').toBe('false');
  });
});
