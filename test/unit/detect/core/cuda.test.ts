import { describe, expect, it } from 'vitest';
import {
  type CudaFinding,
  cudaFromTag,
  indexFindings,
  reconcile,
  requirementFindings,
  tableCuda,
} from '../../../../src/detect/cuda.js';
import { memoryReader } from '../../../../src/project/reader.js';
import { parseRequirementsFile } from '../../../../src/python/requirements.js';
import type { LockedPackage } from '../../../../src/python/types.js';

function findings(text: string, locked: LockedPackage[] = []) {
  const { requirements } = parseRequirementsFile(
    memoryReader({ 'requirements.txt': text }),
    'requirements.txt',
  );
  return requirementFindings(requirements, new Map(locked.map((pkg) => [pkg.name, pkg]))).map((finding) => [
    finding.version,
    finding.source.line,
  ]);
}

describe('CUDA hints in requirements', () => {
  it.each([
    ['torch==2.1.0+cu121', [['12.1', 1]]],
    [
      'torch==1.13.1+cu117\ntorchvision==0.14.1+cu117',
      [
        ['11.7', 1],
        ['11.7', 2],
      ],
    ],
    [
      'torch @ https://download.pytorch.org/whl/cu118/torch-2.0.1%2Bcu118-cp311-cp311-linux_x86_64.whl',
      [['11.8', 1]],
    ],
    ['nvidia-cublas-cu12==12.1.3.1', [['12.1', 1]]],
    ['nvidia-cudnn-cu12==8.9.2.26', [['12', 1]]],
    ['nvidia-nccl-cu11', [['11', 1]]],
    ['nvidia-cuda-runtime==13.0.96', [['13.0', 1]]],
    ['cupy-cuda12x', [['12', 1]]],
    ['cupy-cuda117==10.6.0', [['11.7', 1]]],
    ['jax[cuda12]>=0.4.30', [['12', 1]]],
    ['jax[cuda11_pip]==0.4.20', [['11', 1]]],
    ['jax-cuda12-plugin', [['12', 1]]],
    ['tensorflow[and-cuda]==2.15.1', [['12.2', 1]]],
    ['tensorflow-gpu==2.4.1', [['11.0', 1]]],
    ['onnxruntime-gpu==1.17.3', [['11.8', 1]]],
    ['onnxruntime-gpu==1.20.1', [['12', 1]]],
    ['paddlepaddle-gpu==2.6.1.post120', [['12.0', 1]]],
    ['paddlepaddle-gpu', [[null, 1]]],
    ['vllm==0.6.3', [[null, 1]]],
    ['torch>=2.1\nscikit-learn', []],
  ])('%s', (text, expected) => {
    expect(findings(text)).toEqual(expected);
  });

  it('reads the CUDA of a locked version', () => {
    const lock = {
      name: 'torch',
      version: '2.3.1+cu121',
      hashes: [],
      marker: null,
      source: { file: 'uv.lock', line: 40 },
    };
    expect(findings('torch>=2.1', [lock])).toEqual([['12.1', 1]]);
  });

  it('turns cuXXX tags into versions', () => {
    expect([cudaFromTag('121'), cudaFromTag('118'), cudaFromTag('92'), cudaFromTag('130')]).toEqual([
      '12.1',
      '11.8',
      '9.2',
      '13.0',
    ]);
  });

  it('reads PyTorch CUDA index URLs, not CPU or other indexes', () => {
    const at = (url: string) => ({ url, name: null, source: { file: 'requirements.txt', line: 1 } });
    expect(
      indexFindings([
        at('https://download.pytorch.org/whl/cu124'),
        at('https://download.pytorch.org/whl/nightly/cu130/'),
        at('https://download.pytorch.org/whl/cpu'),
        at('https://pypi.org/simple'),
      ]).map((finding) => finding.version),
    ).toEqual(['12.4', '13.0']);
  });
});

describe('reconcile', () => {
  const finding = (version: string | null, line: number): CudaFinding => ({
    version,
    what: `hint ${line}`,
    source: { file: 'requirements.txt', line },
  });

  it('prefers the most precise of agreeing hints', () => {
    expect(reconcile([finding('12', 1), finding('12.1', 2), finding(null, 3)])?.version).toBe('12.1');
  });

  it('keeps a GPU need without a version', () => {
    expect(reconcile([finding(null, 4)])).toMatchObject({ version: null, source: { line: 4 } });
    expect(reconcile([])).toBeNull();
  });

  it('rejects disagreeing hints, naming both sources', () => {
    expect(() => reconcile([finding('11.8', 2), finding('12', 3)])).toThrow(
      'conflicting CUDA hints: hint 2 (requirements.txt:2) needs CUDA 11.8, but hint 3 (requirements.txt:3) needs CUDA 12',
    );
    expect(() => reconcile([finding('12.1', 2), finding('12.4', 3)])).toThrow(/conflicting CUDA hints/);
  });
});

describe('tableCuda', () => {
  it.each([
    ['torch', '2.3.1', '', '12.1'],
    ['torch', '2.5.0', '', '12.4'],
    ['torch', null, '>=2.1,<2.4', '12.1'],
    ['torch', null, '', '13.0'],
    ['torch', '2.99.0', '', '13.0'],
    ['tensorflow', '2.16.1', '', '12.3'],
    ['onnxruntime-gpu', '1.18.0', '', '11.8'],
  ])('%s %s %s → CUDA %s', (framework, version, specifier, cuda) => {
    expect(tableCuda(framework, version, specifier)?.cuda).toBe(cuda);
  });

  it('has no row for frameworks without a table, or versions older than it', () => {
    expect(tableCuda('xgboost', '2.1.0', '')).toBeUndefined();
    expect(tableCuda('torch', '1.0.0', '')).toBeUndefined();
  });
});
