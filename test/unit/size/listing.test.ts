import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CUDA_LIBRARY,
  DUPLICATE_MIN_BYTES,
  LISTED_MIN_BYTES,
  sizeFindings,
} from '../../../src/size/findings.js';
import { parseListing, type SizeListing } from '../../../src/size/listing.js';

const python = spawnSync('python3', ['--version']).status === 0;
const LISTING = readFileSync('src/size/listing.py', 'utf8');
const MARKER = 'ML_CONTAINER_SIZE_LISTING ';
const MiB = 2 ** 20;
const SITE = 'opt/venv/lib/python3.11/site-packages';

/** An image's root filesystem in a folder: a venv with one package, and an app with a model copied twice. */
function imageTree(root: string): void {
  const file = (path: string, content: string | Buffer) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  const model = Buffer.alloc(6 * MiB, 1);
  // The same size and first MiB as the model, but not the same file.
  const lookalike = Buffer.concat([Buffer.alloc(MiB, 1), Buffer.alloc(5 * MiB, 2)]);
  file('app/model.bin', model);
  file('app/lookalike.bin', lookalike);
  file(`${SITE}/foo/weights.bin`, model);
  file(`${SITE}/foo/__init__.py`, 'x = 1\n');
  file(`${SITE}/foo/__pycache__/__init__.cpython-311.pyc`, Buffer.alloc(1000));
  file(`${SITE}/foo/tests/data/sample.npy`, Buffer.alloc(2 * MiB));
  file(`${SITE}/foo/tests/test_foo.py`, 'def test(): pass\n');
  file(`${SITE}/torch/lib/libcudart-d0da41ae.so.11.0`, Buffer.alloc(10));
  file('usr/lib/libcurl.so.4', Buffer.alloc(10));
  file(
    `${SITE}/foo-1.0.dist-info/METADATA`,
    'Metadata-Version: 2.1\nName: Foo\nVersion: 1.0\n\nName: not a header\n',
  );
  file(
    `${SITE}/foo-1.0.dist-info/RECORD`,
    [
      'foo/__init__.py,sha256=x,6',
      'foo/weights.bin,,',
      'foo/__pycache__/__init__.cpython-311.pyc,,',
      'foo/tests/data/sample.npy,,',
      'foo/tests/test_foo.py,,',
      '../../../bin/foo,,',
      'foo-1.0.dist-info/RECORD,,',
    ].join('\n'),
  );
  file(`${SITE}/bar-2.0.egg-info/PKG-INFO`, 'Name: bar\nVersion: 2.0\n');
  // A hard link is the same file, not a copy.
  linkSync(join(root, 'app/model.bin'), join(root, 'app/model-link.bin'));
}

function runListing(root: string): { listing: SizeListing; stdout: string } {
  const request = {
    root,
    listMinBytes: LISTED_MIN_BYTES,
    hashMinBytes: DUPLICATE_MIN_BYTES,
    alwaysList: CUDA_LIBRARY.source,
  };
  const ran = spawnSync('python3', ['-I', '-S', '-c', LISTING, JSON.stringify(request)], {
    encoding: 'utf8',
  });
  const line = ran.stdout.split('\n').find((each) => each.startsWith(MARKER));
  if (ran.status !== 0 || !line) throw new Error(`listing failed: ${ran.stdout}${ran.stderr}`);
  return { listing: parseListing(line.slice(MARKER.length)), stdout: ran.stdout };
}

describe.skipIf(!python)('listing.py, run with the local python3 on a folder laid out as an image', () => {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'ml-container-size-'));
    imageTree(root);
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('lists heavy files once each, hashing only those whose size another shares', () => {
    const { listing } = runListing(root);
    const files = Object.fromEntries(listing.files.map((file) => [file.path.slice(root.length), file]));
    expect(Object.keys(files).sort()).toEqual([
      '/app/lookalike.bin',
      // Of the two hard links, the first by name.
      '/app/model-link.bin',
      `/${SITE}/foo/tests/data/sample.npy`,
      `/${SITE}/foo/weights.bin`,
      `/${SITE}/torch/lib/libcudart-d0da41ae.so.11.0`,
    ]);
    const model = files['/app/model-link.bin'];
    expect(model?.sha256).toBe(files[`/${SITE}/foo/weights.bin`]?.sha256);
    expect(model?.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Hashed for its size and first MiB; its whole content differs.
    expect(files['/app/lookalike.bin']?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(files['/app/lookalike.bin']?.sha256).not.toBe(model?.sha256);
    expect(files[`/${SITE}/foo/tests/data/sample.npy`]?.sha256).toBeNull();
  });

  it('sizes each package by its RECORD, and reads test folders and bytecode', () => {
    const { listing } = runListing(root);
    const record = join(root, SITE, 'foo-1.0.dist-info/RECORD');
    expect(listing.packages).toEqual([
      { name: 'bar', version: '2.0', bytes: null },
      // Its files, RECORD included, but not the script it lists and never installed.
      { name: 'Foo', version: '1.0', bytes: 6 * MiB + 6 + 1000 + 2 * MiB + 17 + statSync(record).size },
    ]);
    expect(listing.testDirs).toEqual([{ path: `${root}/${SITE}/foo/tests`, bytes: 2 * MiB + 17 }]);
    expect(listing.pycache).toEqual({ bytes: 1000, dirs: 1 });
  });

  it('gives findings: the model copied into the package, test data, and CUDA in a CPU image', () => {
    const { listing } = runListing(root);
    const findings = sizeFindings(listing, { cpu: true }).map((finding) => ({
      ...finding,
      paths: finding.paths.map((path) => path.slice(root.length)),
    }));
    expect(findings).toEqual([
      {
        kind: 'duplicate',
        paths: ['/app/model-link.bin', `/${SITE}/foo/weights.bin`],
        bytes: 6 * MiB,
        count: 2,
      },
      { kind: 'test-data', paths: [`/${SITE}/foo`], bytes: 2 * MiB + 17, count: 1 },
      { kind: 'cuda', paths: [`/${SITE}/torch/lib`], bytes: 10, count: 1 },
    ]);
  });

  it.skipIf(process.getuid?.() === 0)('counts folders it may not read, and goes on', () => {
    const locked = join(root, 'root');
    mkdirSync(locked);
    chmodSync(locked, 0o000);
    try {
      expect(runListing(root).listing.unreadable).toBe(1);
    } finally {
      chmodSync(locked, 0o755);
    }
  });
});

describe('parseListing', () => {
  it('refuses what is not a listing', () => {
    expect(() => parseListing('[]')).toThrow(/no files/);
    expect(() =>
      parseListing(
        '{"files": [["/a", -1, null]], "packages": [], "tests": [], "pycache": [0, 0], "unreadable": 0}',
      ),
    ).toThrow(/not a whole number/);
    expect(() =>
      parseListing(
        '{"files": [["/a", 1, "xyz"]], "packages": [], "tests": [], "pycache": [0, 0], "unreadable": 0}',
      ),
    ).toThrow(/sha256/);
  });

  it('cuts a name longer than any path to a bounded length', () => {
    const parsed = parseListing(
      JSON.stringify({
        files: [],
        packages: [['x'.repeat(5000), '1', 1]],
        tests: [],
        pycache: [0, 0],
        unreadable: 0,
      }),
    );
    expect(parsed.packages[0]?.name).toHaveLength(1025);
  });
});
