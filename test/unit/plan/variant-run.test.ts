import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../../src/context.js';
import { detect } from '../../../src/detect/index.js';
import { planRun } from '../../../src/plan/run.js';
import { planVariants, pushAfterSmoke, renderDir } from '../../../src/plan/variant-run.js';
import { memoryReader } from '../../../src/project/reader.js';
import { githubRun, inputsWith, irisSpec } from '../helpers.js';

const release = githubRun({ ref: 'refs/tags/v1.0.0' });

function variantsOf(spec = irisSpec(), values: Record<string, string> = {}, context: RunContext = release) {
  const inputs = inputsWith({ context: '/work/iris', ...values });
  return planVariants(spec, inputs, planRun(inputs, context), context, { hasDockerignore: false });
}

describe('planVariants', () => {
  it("gives a one-variant project's image plain tags, its labels' title and version, and its cache", () => {
    const [cpu, ...others] = variantsOf(irisSpec(), { push: 'true', cache: 'registry' });
    expect(others).toEqual([]);
    expect(cpu?.plan.variant).toBe('cpu');
    expect(cpu?.run).toMatchObject({
      suffix: '',
      tags: { why: 'tag v1.0.0' },
      labels: { title: 'iris', version: 'v1.0.0', own: {}, extra: {} },
      cache: {
        backend: 'registry',
        variant: 'cpu',
        imageName: 'ghcr.io/acme/iris',
        mayPush: true,
        writeCache: true,
        repository: 'acme/iris',
      },
      push: { push: true, why: "input 'push' is true and the smoke test passed" },
    });
    expect(cpu?.run.tags.tags[0]).toBe('ghcr.io/acme/iris:v1.0.0');
  });

  it("suffixes each variant's tags when the project has several", () => {
    const spec = detect(memoryReader({ 'requirements.txt': 'torch>=2.1\n', 'predict.py': '' }));
    const variants = variantsOf(spec, { image: 'r/torch' });
    expect(variants.map((variant) => variant.plan.variant)).toEqual(['cpu', 'gpu']);
    expect(variants[0]?.run.suffix).toBe('-cpu');
    expect(variants[1]?.run.suffix).toMatch(/^-(cuda[\d.]+|gpu)$/);
    expect(variants[0]?.run.tags.tags[0]).toBe('r/torch:v1.0.0-cpu');
    // One variant asked for still carries its suffix: the project's other variant may be built beside it.
    const [cpuOnly] = variantsOf(spec, { image: 'r/torch', variant: 'cpu', tags: 'r/torch:mine' });
    expect(cpuOnly?.run).toMatchObject({ suffix: '-cpu', tags: { tags: ['r/torch:mine'] } });
  });
});

describe('pushAfterSmoke', () => {
  const willPush = { push: true, why: "input 'push' is true and the smoke test passed" };
  const never = { push: false, why: "input 'push' is false" };
  it.each([
    [willPush, true, willPush],
    [willPush, false, { push: false, why: 'the smoke test failed' }],
    [never, true, never],
    [never, false, never],
  ])('%j, smoke passed %s → %j', (planned, passed, expected) => {
    expect(pushAfterSmoke(planned, passed)).toEqual(expected);
  });
});

describe('renderDir', () => {
  it('is the work folder itself for one variant, a folder per variant for several', () => {
    expect(renderDir('/tmp/w', 'cpu', false)).toBe('/tmp/w');
    expect(renderDir('/tmp/w', 'cpu', true)).toBe('/tmp/w/cpu');
  });
});
