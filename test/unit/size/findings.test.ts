import { describe, expect, it } from 'vitest';
import {
  CUDA_LIBRARY,
  DUPLICATE_MIN_BYTES,
  FINDINGS_PER_KIND,
  sizeFindings,
  TOP_PACKAGES,
  topPackages,
} from '../../../src/size/findings.js';
import type { SizeListing } from '../../../src/size/listing.js';

const MiB = 2 ** 20;
const SITE = '/opt/venv/lib/python3.11/site-packages';
const sha = (char: string) => char.repeat(64);

function listing(overrides: Partial<SizeListing> = {}): SizeListing {
  return {
    files: [],
    packages: [],
    testDirs: [],
    pycache: { bytes: 0, dirs: 0 },
    unreadable: 0,
    ...overrides,
  };
}

describe('sizeFindings', () => {
  it('finds nothing in a lean image', () => {
    expect(sizeFindings(listing(), { cpu: true })).toEqual([]);
  });

  it('names heavy files with the same content, and what the copies after the first take', () => {
    const found = sizeFindings(
      listing({
        files: [
          { path: '/app/model.onnx', bytes: 80 * MiB, sha256: sha('a') },
          { path: '/app/models/model.onnx', bytes: 80 * MiB, sha256: sha('a') },
          { path: '/app/backup/model.onnx', bytes: 80 * MiB, sha256: sha('a') },
          // The same size, other content: not a copy.
          { path: '/app/other.onnx', bytes: 80 * MiB, sha256: sha('b') },
          // Never hashed: no other file has its size.
          { path: '/app/alone.bin', bytes: 90 * MiB, sha256: null },
          // Below the threshold, even when the same.
          { path: '/a/small', bytes: DUPLICATE_MIN_BYTES - 1, sha256: sha('c') },
          { path: '/b/small', bytes: DUPLICATE_MIN_BYTES - 1, sha256: sha('c') },
        ],
      }),
      { cpu: false },
    );
    expect(found).toEqual([
      {
        kind: 'duplicate',
        paths: ['/app/backup/model.onnx', '/app/model.onnx', '/app/models/model.onnx'],
        bytes: 160 * MiB,
        count: 3,
      },
    ]);
  });

  it('names the CUDA libraries of a CPU image by folder, NVIDIA wheels as a whole, and not libcurl', () => {
    const files = [
      { path: `${SITE}/nvidia/cublas/lib/libcublas.so.12`, bytes: 100 * MiB, sha256: null },
      { path: `${SITE}/nvidia/cublas/lib/libcublasLt.so.12`, bytes: 400 * MiB, sha256: null },
      { path: `${SITE}/nvidia/cudnn/lib/libcudnn_ops_infer.so.8`, bytes: 90 * MiB, sha256: null },
      { path: `${SITE}/torch/lib/libtorch_cuda.so`, bytes: 800 * MiB, sha256: null },
      { path: `${SITE}/torch/lib/libcudart-d0da41ae.so.11.0`, bytes: 1 * MiB, sha256: null },
      { path: `${SITE}/torch/lib/libtorch_cpu.so`, bytes: 300 * MiB, sha256: null },
      { path: '/usr/lib/x86_64-linux-gnu/libcurl.so.4', bytes: 2 * MiB, sha256: null },
      { path: '/usr/lib/x86_64-linux-gnu/libcups.so.2', bytes: 2 * MiB, sha256: null },
    ];
    expect(sizeFindings(listing({ files }), { cpu: true })).toEqual([
      { kind: 'cuda', paths: [`${SITE}/torch/lib`], bytes: 801 * MiB, count: 2 },
      { kind: 'cuda', paths: [`${SITE}/nvidia/cublas`], bytes: 500 * MiB, count: 2 },
      { kind: 'cuda', paths: [`${SITE}/nvidia/cudnn`], bytes: 90 * MiB, count: 1 },
    ]);
    // A GPU image needs them.
    expect(sizeFindings(listing({ files }), { cpu: false })).toEqual([]);
  });

  it.each([
    ['libcudart.so.12', true],
    ['libcudnn.so.9', true],
    ['libcudnn_engines_precompiled.so.9', true],
    ['libnccl.so.2', true],
    ['libnvrtc-builtins.so.12.4', true],
    ['libcufft.so.11', true],
    ['libc10_cuda.so', true],
    ['libcurl.so.4', false],
    ['libcups.so.2', false],
    ['libcuda_helper.py', false],
    ['libcudart.a', false],
  ])('takes %s for a CUDA library: %s', (name, cuda) => {
    expect(CUDA_LIBRARY.test(name)).toBe(cuda);
  });

  it('names the test folders of each package above the threshold, and bytecode, largest first', () => {
    const found = sizeFindings(
      listing({
        testDirs: [
          { path: `${SITE}/scipy/linalg/tests`, bytes: 3 * MiB },
          { path: `${SITE}/scipy/stats/tests`, bytes: 5 * MiB },
          { path: `${SITE}/tests`, bytes: 12 * MiB },
          { path: `${SITE}/numpy/tests`, bytes: 100_000 },
        ],
        pycache: { bytes: 40 * MiB, dirs: 1200 },
      }),
      { cpu: true },
    );
    expect(found).toEqual([
      { kind: 'pycache', paths: [], bytes: 40 * MiB, count: 1200 },
      // A wheel that installs its tests as a top-level package.
      { kind: 'test-data', paths: [`${SITE}/tests`], bytes: 12 * MiB, count: 1 },
      { kind: 'test-data', paths: [`${SITE}/scipy`], bytes: 8 * MiB, count: 2 },
    ]);
    expect(sizeFindings(listing({ pycache: { bytes: 1000, dirs: 2 } }), { cpu: true })).toEqual([]);
  });

  it('keeps the largest findings of each kind', () => {
    const testDirs = Array.from({ length: 30 }, (_, index) => ({
      path: `${SITE}/p${index}/tests`,
      bytes: (index + 2) * MiB,
    }));
    const found = sizeFindings(listing({ testDirs }), { cpu: true });
    expect(found).toHaveLength(FINDINGS_PER_KIND);
    expect(found[0]).toEqual({ kind: 'test-data', paths: [`${SITE}/p29`], bytes: 31 * MiB, count: 1 });
  });
});

describe('topPackages', () => {
  it('keeps the largest packages that list their files, largest first', () => {
    const packages = [
      { name: 'pip', version: '24.0', bytes: 9 * MiB },
      { name: 'torch', version: '2.3.0+cpu', bytes: 700 * MiB },
      { name: 'python-apt', version: '2.6.0', bytes: null },
      { name: 'numpy', version: '1.26.4', bytes: 9 * MiB },
      ...Array.from({ length: 20 }, (_, index) => ({ name: `small${index}`, version: '1', bytes: index })),
    ];
    const top = topPackages(packages);
    expect(top).toHaveLength(TOP_PACKAGES);
    expect(top.slice(0, 3).map((pkg) => pkg.name)).toEqual(['torch', 'numpy', 'pip']);
    expect(top.some((pkg) => pkg.bytes === null)).toBe(false);
  });
});
