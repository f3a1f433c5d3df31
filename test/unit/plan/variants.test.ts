import { describe, expect, it } from 'vitest';
import { detect } from '../../../src/detect/index.js';
import { chooseVariants, plan } from '../../../src/plan/index.js';
import { baseOf } from '../../../src/plan/types.js';
import { memoryReader } from '../../../src/project/reader.js';
import { renderDockerfile } from '../../../src/render/dockerfile.js';
import { inputsWith, irisLock } from '../helpers.js';

const DIGEST = `sha256:${'e'.repeat(64)}`;

function planFor(tree: Record<string, string>, values: Record<string, string> = {}) {
  const plans = plan(detect(memoryReader({ 'predict.py': '', ...tree })), inputsWith(values), {
    hasDockerignore: false,
  });
  for (const candidate of plans) {
    baseOf(candidate).digest ??= DIGEST;
    if (candidate.pythonInstaller) candidate.pythonInstaller.digest ??= DIGEST;
  }
  return plans;
}

const why = (candidate: { decisions: { topic: string; why: string }[] }, topic: string) =>
  candidate.decisions.find((decision) => decision.topic === topic)?.why;

describe('variants', () => {
  it.each([
    ['scikit-learn==1.6.1\n', 'auto', ['cpu']],
    ['torch>=2.1\n', 'auto', ['cpu', 'gpu']],
    ['torch==2.3.1+cu121\n', 'auto', ['gpu']],
    ['torch>=2.1\n', 'cpu', ['cpu']],
    ['torch>=2.1\n', 'gpu', ['gpu']],
  ])('%j with variant %s plans %j', (requirements, variant, expected) => {
    const spec = detect(memoryReader({ 'requirements.txt': requirements }));
    expect(chooseVariants(spec, inputsWith({ variant })).map((choice) => choice.variant)).toEqual(expected);
  });

  it('refuses a CPU variant of a project that requires CUDA, naming why', () => {
    expect(() => planFor({ 'requirements.txt': 'torch==2.3.1+cu121\n' }, { variant: 'cpu' })).toThrow(
      "variant 'cpu' was asked for, but this project requires CUDA 12.1 (requirements.txt:1)",
    );
  });
});

describe('the CPU variant of a PyTorch project', () => {
  const [cpu] = planFor({ 'requirements.txt': 'torch>=2.1\ntorchvision\nnumpy\n' });

  it("takes torch's +cpu builds from PyTorch's CPU index", () => {
    expect(cpu?.cpuTorch).toEqual({
      indexUrl: 'https://download.pytorch.org/whl/cpu',
      packages: [
        { name: 'torch', specifier: '>=2.1' },
        { name: 'torchvision', specifier: '' },
      ],
    });
    expect(cpu?.strategy).toBe('cpu');
    expect(cpu?.cuda).toBeNull();
  });

  it('installs from that index too', () => {
    expect(renderDockerfile(cpu ?? (undefined as never), irisLock())).toContain(
      '--extra-index-url https://download.pytorch.org/whl/cpu',
    );
  });

  it('follows the pytorch-index-url input (a mirror)', () => {
    const [mirrored] = planFor(
      { 'requirements.txt': 'torch\n' },
      { 'pytorch-index-url': 'http://127.0.0.1:3141/whl/' },
    );
    expect(mirrored?.cpuTorch?.indexUrl).toBe('http://127.0.0.1:3141/whl/cpu');
  });
});

describe('the GPU variant', () => {
  it('keeps the slim Python base when CUDA comes from wheels (pip-cuda), citing the table', () => {
    const [, gpu] = planFor({ 'requirements.txt': 'torch==2.5.1\n' });
    expect(gpu).toMatchObject({
      variant: 'gpu',
      strategy: 'pip-cuda',
      cuda: { version: '12.4' },
      base: { image: 'docker.io/library/python:3.11-slim-bookworm' },
      pythonInstaller: null,
      cpuTorch: null,
      extraIndexUrls: [],
    });
    expect(why(gpu ?? { decisions: [] }, 'gpu strategy')).toContain(
      'torch wheels bring CUDA as nvidia-* pip wheels since 1.13',
    );
  });

  it("takes torch from PyTorch's CUDA index when the project needs another CUDA than PyPI's build", () => {
    const [gpu] = planFor({ 'requirements.txt': 'torch==2.5.1\nnvidia-cuda-runtime-cu12==12.1.105\n' });
    expect(gpu?.extraIndexUrls).toEqual(['https://download.pytorch.org/whl/cu121']);
    expect(why(gpu ?? { decisions: [] }, 'torch')).toBe(
      'torch 2.5 on PyPI is built for CUDA 12.4, but the project needs CUDA 12.1 (requirements.txt:2)',
    );
  });

  it('builds on nvidia/cuda with a uv-installed Python when a framework needs CUDA from the system', () => {
    const [gpu] = planFor({ 'requirements.txt': 'onnxruntime-gpu==1.18.1\n' });
    expect(gpu).toMatchObject({
      strategy: 'system-cuda',
      cuda: { version: '11.8' },
      base: { image: 'docker.io/nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04' },
      pythonInstaller: { image: 'ghcr.io/astral-sh/uv:0.9.9' },
    });
    const dockerfile = renderDockerfile(gpu ?? (undefined as never), irisLock());
    expect(dockerfile).toContain(`FROM ghcr.io/astral-sh/uv:0.9.9@${DIGEST} AS python-installer`);
    expect(dockerfile).toContain(
      `FROM docker.io/nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04@${DIGEST} AS base`,
    );
    // uv is mounted from its image for the one step, and what it installs takes fixed times like every layer.
    expect(dockerfile).toContain(
      [
        'RUN --mount=type=bind,from=python-installer,source=/uv,target=/tmp/ml-container-uv \\',
        '    --mount=type=bind,from=generated,target=/tmp/ml-container-generated \\',
        '    started=$(date +%s) \\',
        '    && /tmp/ml-container-uv python install 3.11 \\',
        '    && ln -s "$(/tmp/ml-container-uv python find 3.11)" /usr/local/bin/python3 \\',
        '    && /usr/local/bin/python3 -I -S -B /tmp/ml-container-generated/clamp.py "$started" 0',
      ].join('\n'),
    );
    expect(dockerfile).not.toContain('COPY --from=python-installer');
    // The standard library uv installed is compiled with the same interpreter.
    expect(dockerfile).toContain('    && { SOURCE_DATE_EPOCH=0 /usr/local/bin/python3 -m compileall -q -x ');
    expect(dockerfile).toContain('    && SOURCE_DATE_EPOCH=0 /usr/local/bin/python3 -m venv /opt/venv \\');
  });

  it('converts an existing lock as it is, for every variant', () => {
    const hashed = `torch==2.5.1 --hash=sha256:${'a'.repeat(64)}\n`;
    const plans = planFor({ 'requirements.txt': hashed });
    expect(plans.map((candidate) => [candidate.variant, candidate.lockSource])).toEqual([
      ['cpu', { kind: 'convert', lockfile: 'requirements.txt' }],
      ['gpu', { kind: 'convert', lockfile: 'requirements.txt' }],
    ]);
    expect(plans[0]?.cpuTorch).toBeNull();
  });
});
