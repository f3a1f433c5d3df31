import { describe, expect, it } from 'vitest';
import { detect } from '../../../src/detect/index.js';
import { plan } from '../../../src/plan/index.js';
import { checkLfsPointers } from '../../../src/plan/lfs.js';
import { memoryReader } from '../../../src/project/reader.js';
import { inputsWith, irisSpec, irisTree, userError } from '../helpers.js';

const POINTER = [
  'version https://git-lfs.github.com/spec/v1',
  'oid sha256:afce2aa7b3b8b8d1b1fba4b6a3b7dd8b6d8d2ab0bcdfb1a0d6e3b9c6c3a1a4f2',
  'size 267832558',
  '',
].join('\n');

/** The iris project with a pointer model file, a Hugging Face folder of pointers and a sharded checkpoint missing a shard. */
const unfetchedTree = {
  ...irisTree,
  'weights/extra.onnx': POINTER,
  'hf/config.json': '{"model_type": "distilbert"}',
  'hf/model.safetensors': POINTER,
  'hf/tokenizer.json': POINTER,
  'llm/config.json': '{"model_type": "llama"}',
  'llm/model.safetensors.index.json': JSON.stringify({
    weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' },
  }),
  'llm/model-00001-of-00002.safetensors': 'fetched tensor bytes',
};

describe('checkLfsPointers', () => {
  it('passes a project whose weights were fetched', () => {
    expect(checkLfsPointers(irisSpec(), false)).toEqual([]);
  });

  it('refuses, naming every pointer and missing shard and both ways out, at the first pointer', () => {
    const spec = detect(memoryReader(unfetchedTree));
    const error = userError(() => checkLfsPointers(spec, false));
    expect(error.phase).toBe('detect');
    expect(error.source).toEqual({ file: 'hf/model.safetensors' });
    for (const file of [
      'hf/model.safetensors (Git LFS pointer)',
      'hf/tokenizer.json (Git LFS pointer)',
      'weights/extra.onnx (Git LFS pointer)',
      'llm/model-00002-of-00002.safetensors (missing; named by llm/model.safetensors.index.json)',
    ]) {
      expect(error.message).toContain(file);
    }
    expect(error.message).toContain('the weights of hf, llm, weights/extra.onnx were never fetched');
    expect(error.message).toContain('actions/checkout and `lfs: true`');
    expect(error.message).toContain('`git lfs pull`');
    expect(error.message).toContain("'allow-lfs-pointers: true'");
  });

  it('points at the index when shards are only missing, not pointers', () => {
    const {
      'hf/model.safetensors': _a,
      'hf/tokenizer.json': _b,
      'weights/extra.onnx': _c,
      ...tree
    } = unfetchedTree;
    const error = userError(() => checkLfsPointers(detect(memoryReader(tree)), false));
    expect(error.source).toEqual({ file: 'llm/model.safetensors.index.json' });
    expect(error.message).toContain('the weights of llm were never fetched');
  });

  it('with allow-lfs-pointers returns every such file for the run to warn about', () => {
    expect(checkLfsPointers(detect(memoryReader(unfetchedTree)), true)).toEqual([
      'hf/model.safetensors (Git LFS pointer)',
      'hf/tokenizer.json (Git LFS pointer)',
      'weights/extra.onnx (Git LFS pointer)',
      'llm/model-00002-of-00002.safetensors (missing; named by llm/model.safetensors.index.json)',
    ]);
  });
});

describe('plan with models whose weights were never fetched', () => {
  const spec = () => detect(memoryReader(unfetchedTree));

  it('refuses them unless allowed', () => {
    expect(userError(() => plan(spec(), inputsWith(), { hasDockerignore: false })).message).toContain(
      "'allow-lfs-pointers: true'",
    );
  });

  it('leaves them out of the smoke test with a decision citing allow-lfs-pointers', () => {
    const [cpu] = plan(spec(), inputsWith({ 'allow-lfs-pointers': 'true' }), { hasDockerignore: false });
    expect(cpu?.models.map((model) => model.path)).toEqual(['model.joblib']);
    const decision = cpu?.decisions.find((candidate) => candidate.topic === 'models');
    expect(decision?.choice).toBe(
      'hf, llm, weights/extra.onnx left out of the smoke test; the image ships without their weights',
    );
    expect(decision?.why).toMatch(
      /^input 'allow-lfs-pointers': their weights were never fetched \(hf\/model/,
    );
  });

  it('makes no models decision when every model was fetched', () => {
    const [cpu] = plan(irisSpec(), inputsWith({ 'allow-lfs-pointers': 'true' }), { hasDockerignore: false });
    expect(cpu?.decisions.some((decision) => decision.topic === 'models')).toBe(false);
    expect(cpu?.models.map((model) => model.path)).toEqual(['model.joblib']);
  });
});
