import { describe, expect, it } from 'vitest';
import type { SizeReport } from '../../../src/size/index.js';
import { sizeLimitFailure } from '../../../src/size/limit.js';

const report = (bytes: number | null, limit: number | null): SizeReport => ({
  bytes,
  limit,
  layers: { layers: [{ bytes: 900, createdBy: 'RUN pip install torch' }], emptyLayers: 2 },
  contents: {
    packages: [{ name: 'torch', version: '2.3.0', bytes: 800 }],
    packageCount: 3,
    findings: [],
    unreadable: 0,
  },
});

describe("input 'max-image-size'", () => {
  it('passes an image within it, at it, or with no limit', () => {
    expect(sizeLimitFailure(report(999, 1000), 'cpu', false)).toBeNull();
    expect(sizeLimitFailure(report(1000, 1000), 'cpu', false)).toBeNull();
    expect(sizeLimitFailure(report(5e9, null), 'cpu', false)).toBeNull();
    expect(sizeLimitFailure(report(null, null), 'cpu', false)).toBeNull();
  });

  it('fails an image over it in the smoke phase, naming the variant, with the size report as detail', () => {
    const failure = sizeLimitFailure(report(3 * 2 ** 30, 2 * 2 ** 30), 'gpu', true);
    expect(failure?.phase).toBe('smoke');
    expect(failure?.message).toBe(
      "the image (gpu) is 3.0 GiB uncompressed (3221225472 bytes), over input 'max-image-size' 2.0 GiB (2147483648 bytes)",
    );
    expect(failure?.detail).toBe(
      [
        "image size 3.0 GiB uncompressed, limit 2.0 GiB (input 'max-image-size')",
        'layers, oldest first (2 that wrote no files left out):',
        '     900 B  RUN pip install torch',
        'largest of 3 installed packages:',
        '     800 B  torch 2.3.0',
        'findings: none',
      ].join('\n'),
    );
  });

  it('fails when the layers could not be read: a limit that cannot be checked is not kept', () => {
    expect(sizeLimitFailure(report(null, 1000), 'cpu', false)?.message).toBe(
      "the image's layers could not be read, so input 'max-image-size' (1000 B) cannot be checked",
    );
  });
});
