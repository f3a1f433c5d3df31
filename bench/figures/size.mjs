// Figure 3: image size. The action's CPU image of an example ÷ a naive image of the same project:
// `FROM` the same Python base, `pip install` the requirements, the project copied in. For torch
// the naive install is what a plain index gives `pip install torch` on Linux: the CUDA build and
// its nvidia-* wheels. A full resolve of that cannot run here (the mirror lacks cuda-bindings), so
// the naive image installs those exact wheels from examples/torch-cuda-lock's hashed lock with
// --no-deps; the figure says so.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { imageSize, run, testbed } from '../lib.mjs';

function naiveImage(example, requirements, noDeps) {
  const bed = testbed();
  const dir = mkdtempSync(join(tmpdir(), 'bench-naive-'));
  cpSync(resolve('examples', example), dir, { recursive: true });
  if (requirements) cpSync(resolve(requirements), join(dir, 'requirements.naive.txt'));
  const file = requirements ? 'requirements.naive.txt' : 'requirements.txt';
  writeFileSync(
    join(dir, 'Dockerfile.naive'),
    [
      `FROM ${bed.baseImage}`,
      'COPY . /app',
      'WORKDIR /app',
      `RUN python3 -m venv /venv && /venv/bin/pip install --no-cache-dir ${noDeps ? '--no-deps ' : ''}--index-url ${bed.indexUrl} -r ${file}`,
      'CMD ["/venv/bin/python", "predict.py"]',
      '',
    ].join('\n'),
  );
  const tag = `bench-naive/${example}:latest`;
  run('docker', [
    'buildx',
    'build',
    '--file',
    join(dir, 'Dockerfile.naive'),
    '--network',
    bed.network,
    '--allow',
    'network.host',
    '--tag',
    tag,
    '--load',
    dir,
  ]);
  return { tag, bytes: imageSize(tag) };
}

/** `ours` is the CPU variant's metadata from another figure's build of the same example. */
export function imageSizeRatio(example, ours, naive = {}) {
  const built = naiveImage(example, naive.requirements ?? null, naive.noDeps ?? false);
  return {
    example,
    oursBytes: ours.size_bytes,
    naiveBytes: built.bytes,
    ratio: ours.size_bytes / built.bytes,
    goal: 0.25,
    naive: naive.requirements
      ? `pip install --no-deps -r ${naive.requirements} (the CUDA torch and nvidia-* wheels a plain index serves; a full resolve fails here without cuda-bindings)`
      : 'pip install -r requirements.txt',
  };
}
