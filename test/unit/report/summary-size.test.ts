import { describe, expect, it } from 'vitest';
import { metadata } from '../../../src/report/outputs.js';
import type { RunReport } from '../../../src/report/run-report.js';
import { summaryMarkdown } from '../../../src/report/summary.js';
import type { SizeReport } from '../../../src/size/index.js';
import { irisPlan } from '../helpers.js';

const MiB = 2 ** 20;
const SITE = '/opt/venv/lib/python3.11/site-packages';

function sized(size: SizeReport): RunReport {
  return { contextDir: '/work/project', variants: [{ plan: irisPlan(), size }], notes: [] };
}

const measured: SizeReport = {
  bytes: 420 * MiB,
  limit: 500 * MiB,
  layers: {
    layers: [
      { bytes: 120 * MiB, createdBy: '' },
      {
        bytes: 290 * MiB,
        createdBy: `RUN SOURCE_DATE_EPOCH=0 python3 -m venv /opt/venv && /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/ml-container/requirements.lock && rm -rf /root/.cache`,
      },
      { bytes: 10 * MiB, createdBy: 'COPY . /app' },
    ],
    emptyLayers: 6,
  },
  contents: {
    packages: [
      { name: 'torch', version: '2.3.0', bytes: 250 * MiB },
      { name: 'numpy', version: '1.26.4', bytes: 30 * MiB },
    ],
    packageCount: 14,
    findings: [
      { kind: 'duplicate', paths: ['/app/model.pt', '/app/models/model.pt'], bytes: 8 * MiB, count: 2 },
      { kind: 'cuda', paths: [`${SITE}/nvidia/cublas`], bytes: 400 * MiB, count: 3 },
      { kind: 'test-data', paths: [`${SITE}/scipy`], bytes: 2 * MiB, count: 3 },
      { kind: 'pycache', paths: [], bytes: 40 * MiB, count: 1200 },
    ],
    unreadable: 1,
  },
};

describe('the size section of the job summary', () => {
  it('shows the layers, the largest packages and the findings', () => {
    const markdown = summaryMarkdown(sized(measured));
    const section = markdown.slice(markdown.indexOf('### Size'));
    expect(section).toBe(
      [
        '### Size',
        '',
        "Image 420.0 MiB uncompressed (its layers added up), within input 'max-image-size' (500.0 MiB).",
        '',
        '| Layer | Size | Made by |',
        '| ---: | ---: | --- |',
        '| 1 | 120.0 MiB | no instruction recorded |',
        '| 2 | 290.0 MiB | `RUN SOURCE_DATE_EPOCH=0 python3 -m venv /opt/venv && /opt/venv/bin/pip install --require-hashes --no…` |',
        '| 3 | 10.0 MiB | `COPY . /app` |',
        '',
        '6 steps that wrote no files (ENV, CMD, USER…) left out.',
        '',
        'Largest 2 of 14 installed packages:',
        '',
        '| Package | Version | Size |',
        '| --- | --- | ---: |',
        '| torch | 2.3.0 | 250.0 MiB |',
        '| numpy | 1.26.4 | 30.0 MiB |',
        '',
        'Findings (what could go):',
        '',
        '- 8.0 MiB: 2 copies of one 8.0 MiB file: `/app/model.pt`, `/app/models/model.pt`',
        `- 400.0 MiB: 3 CUDA libraries in a CPU image, in \`${SITE}/nvidia/cublas\`: a CUDA build of a package where its CPU build would do?`,
        `- 2.0 MiB: tests shipped in \`${SITE}/scipy\`, in 3 test folders`,
        '- 40.0 MiB: bytecode in 1200 `__pycache__` folders (pip compiles it at install; each start would compile it again without)',
        '',
        "1 folder the image's user may not read left out.",
        '',
      ].join('\n'),
    );
  });

  it('says what could not be measured, and an image over its limit', () => {
    const over = summaryMarkdown(sized({ ...measured, bytes: 600 * MiB, limit: 500 * MiB }));
    expect(over).toContain(
      "Image 600.0 MiB uncompressed (its layers added up), **over input 'max-image-size' (500.0 MiB)**.",
    );
    const markdown = summaryMarkdown(sized({ bytes: null, limit: 500 * MiB, layers: null, contents: null }));
    expect(markdown).toContain(
      "Image size unknown (its layers could not be read), **over input 'max-image-size' (500.0 MiB)**.",
    );
    expect(markdown).toContain('Layers: not measured (see the warning in the log).');
    expect(markdown).toContain('Packages and files: not measured (see the warning in the log).');
  });

  it('has no size section before the image is measured', () => {
    expect(summaryMarkdown(sized(measured)).includes('### Size')).toBe(true);
    const report = sized(measured);
    delete report.variants[0]?.size;
    expect(summaryMarkdown(report)).not.toContain('### Size');
  });
});

describe('the size in the metadata output', () => {
  it('is compact: sizes, instructions cut short, the largest packages and the findings', () => {
    const [variant] = metadata(sized(measured)).variants;
    expect(variant?.size).toEqual({
      bytes: 420 * MiB,
      limit: 500 * MiB,
      layers: [
        { bytes: 120 * MiB, createdBy: '' },
        {
          bytes: 290 * MiB,
          createdBy:
            'RUN SOURCE_DATE_EPOCH=0 python3 -m venv /opt/venv && /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/ml-con…',
        },
        { bytes: 10 * MiB, createdBy: 'COPY . /app' },
      ],
      packages: [
        { name: 'torch', version: '2.3.0', bytes: 250 * MiB },
        { name: 'numpy', version: '1.26.4', bytes: 30 * MiB },
      ],
      findings: [
        { kind: 'duplicate', paths: ['/app/model.pt', '/app/models/model.pt'], bytes: 8 * MiB, count: 2 },
        { kind: 'cuda', paths: [`${SITE}/nvidia/cublas`], bytes: 400 * MiB, count: 3 },
        { kind: 'test-data', paths: [`${SITE}/scipy`], bytes: 2 * MiB, count: 3 },
        { kind: 'pycache', paths: [], bytes: 40 * MiB, count: 1200 },
      ],
    });
  });

  it('is null for a variant not measured, and its parts null when they could not be', () => {
    expect(
      metadata({ contextDir: '/x', variants: [{ plan: irisPlan() }], notes: [] }).variants[0]?.size,
    ).toBeNull();
    expect(
      metadata(sized({ bytes: 1, limit: null, layers: null, contents: null })).variants[0]?.size,
    ).toEqual({ bytes: 1, limit: null, layers: null, packages: null, findings: null });
  });
});
