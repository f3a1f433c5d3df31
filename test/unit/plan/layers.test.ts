import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { heavyContextFiles } from '../../../src/adapters/context-files.js';
import { plan } from '../../../src/plan/index.js';
import {
  chooseHeavyLayers,
  HEAVY_FILE_BYTES,
  isCarriablePath,
  MAX_HEAVY_LAYERS,
} from '../../../src/plan/layers.js';
import { renderDockerignore } from '../../../src/render/dockerignore.js';
import { inputsWith, irisSpec } from '../helpers.js';

const MiB = 1024 * 1024;

describe('chooseHeavyLayers', () => {
  it('gives each heavy file a layer, in path order, and says why', () => {
    const { own, decision } = chooseHeavyLayers([
      { path: 'model.joblib', bytes: 3 * MiB },
      { path: 'data/train.csv', bytes: 20 * MiB },
    ]);
    expect(own.map((file) => file.path)).toEqual(['data/train.csv', 'model.joblib']);
    expect(decision).toEqual({
      topic: 'layers',
      choice: '2 heavy files in layers of their own (data/train.csv, model.joblib), then the source',
      why: 'files of 1 MiB or more get a layer each, before the source, so a source change pushes only the source',
    });
  });

  it(`keeps the ${MAX_HEAVY_LAYERS} largest apart and leaves names a Dockerfile cannot carry with the source`, () => {
    const many = Array.from({ length: MAX_HEAVY_LAYERS + 3 }, (_, index) => ({
      path: `shards/part-${String(index).padStart(3, '0')}.bin`,
      bytes: (index + 1) * MiB,
    }));
    const odd = { path: 'data/with space.csv', bytes: 500 * MiB };
    const { own, decision } = chooseHeavyLayers([...many, odd]);
    expect(own).toHaveLength(MAX_HEAVY_LAYERS);
    expect(own.map((file) => file.path)).not.toContain('shards/part-000.bin');
    expect(own.map((file) => file.path)).not.toContain(odd.path);
    expect(decision.why).toContain('1 with a name a Dockerfile cannot carry stay with the source');
    expect(decision.why).toContain(`only the ${MAX_HEAVY_LAYERS} largest get their own layer`);
    expect(decision.choice).toMatch(/\(shards\/part-003\.bin, .* and 19 more\)/);
  });

  it('carries only plain relative paths: no spaces, quotes, commas, options or dot segments', () => {
    for (const path of ['model.pt', 'models/v1.2/model.safetensors', 'a/b_c-d+e@f.bin']) {
      expect(isCarriablePath(path), path).toBe(true);
    }
    for (const path of [
      'a b.pt',
      'a,target=/etc/passwd',
      'a"b',
      "a'b",
      '$(id).pt',
      'a\nb',
      '../x.pt',
      'a/../x.pt',
      './x.pt',
      '/abs.pt',
      'a//b.pt',
      'a=b.pt',
      'a;b.pt',
    ]) {
      expect(isCarriablePath(path), path).toBe(false);
    }
  });

  it('reaches the plan, and no layers decision is added when nothing is heavy', () => {
    const heavy = [{ path: 'data/train.csv', bytes: 20 * MiB }];
    const [withHeavy] = plan(irisSpec(), inputsWith({ variant: 'cpu' }), {
      hasDockerignore: false,
      heavyFiles: heavy,
    });
    expect(withHeavy?.heavyFiles).toEqual(heavy);
    expect(withHeavy?.decisions.map((decision) => decision.topic)).toContain('layers');
    const [plain] = plan(irisSpec(), inputsWith({ variant: 'cpu' }), { hasDockerignore: false });
    expect(plain?.heavyFiles).toEqual([]);
    expect(plain?.decisions.map((decision) => decision.topic)).not.toContain('layers');
  });
});

describe('heavyContextFiles', () => {
  it('lists the files buildx sends of the threshold or more, never through a link', () => {
    const root = mkdtempSync(join(tmpdir(), 'ml-container-context-'));
    const outside = mkdtempSync(join(tmpdir(), 'ml-container-outside-'));
    mkdirSync(join(root, 'data'));
    mkdirSync(join(root, '.git'));
    mkdirSync(join(root, 'ignored'));
    writeFileSync(join(root, 'data', 'train.csv'), Buffer.alloc(2 * MiB));
    writeFileSync(join(root, 'model.pt'), Buffer.alloc(HEAVY_FILE_BYTES));
    writeFileSync(join(root, 'small.py'), 'print(1)\n');
    writeFileSync(join(root, '.git', 'pack'), Buffer.alloc(2 * MiB));
    writeFileSync(join(root, 'ignored', 'big.bin'), Buffer.alloc(2 * MiB));
    writeFileSync(join(root, 'skip.bin'), Buffer.alloc(2 * MiB));
    writeFileSync(join(outside, 'huge.bin'), Buffer.alloc(2 * MiB));
    symlinkSync(join(outside, 'huge.bin'), join(root, 'link.bin'));
    symlinkSync(outside, join(root, 'linked-folder'));
    const generated = heavyContextFiles(root, renderDockerignore(), HEAVY_FILE_BYTES);
    expect(generated.map((file) => file.path)).toEqual([
      'data/train.csv',
      'ignored/big.bin',
      'model.pt',
      'skip.bin',
    ]);
    const own = heavyContextFiles(root, 'ignored\n*.bin\n.git\n', HEAVY_FILE_BYTES);
    expect(own).toEqual([
      { path: 'data/train.csv', bytes: 2 * MiB },
      { path: 'model.pt', bytes: MiB },
    ]);
  });
});

describe('heavyContextFiles and a .dockerignore buildx reads otherwise', () => {
  it('lists nothing when a rule has a bracket class, a backslash or non-ASCII space, and never .git', () => {
    const root = mkdtempSync(join(tmpdir(), 'ml-container-context-'));
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, 'model.bin'), Buffer.alloc(2 * MiB));
    writeFileSync(join(root, '.git', 'pack.bin'), Buffer.alloc(2 * MiB));
    // Docker reads `[!m]` as the class of `!` and `m`; the gitignore matcher as "not m".
    for (const rules of ['[!m]odel.bin\n', 'mo\\del.bin\n', 'model.bin\u0085\n']) {
      expect(heavyContextFiles(root, rules, HEAVY_FILE_BYTES), JSON.stringify(rules)).toEqual([]);
    }
    expect(heavyContextFiles(root, 'README.md\n', HEAVY_FILE_BYTES).map((file) => file.path)).toEqual([
      'model.bin',
    ]);
  });
});
