import { describe, expect, it } from 'vitest';
import { detect } from '../../../src/detect/index.js';
import { UserError } from '../../../src/errors.js';
import { plan } from '../../../src/plan/index.js';
import { pinnedBase } from '../../../src/plan/types.js';
import { memoryReader } from '../../../src/project/reader.js';
import { inputsWith, irisSpec, irisTree } from '../helpers.js';

describe('plan', () => {
  it('plans one CPU variant on the slim Python base from the data table, unpinned until resolved', () => {
    const [cpu, ...others] = plan(irisSpec(), inputsWith(), { hasDockerignore: false });
    expect(others).toEqual([]);
    expect(cpu).toMatchObject({
      variant: 'cpu',
      python: '3.11',
      base: { image: 'docker.io/library/python:3.11-slim-bookworm', digest: null },
      indexUrl: null,
      network: 'default',
      requirementsFile: 'requirements.txt',
      entrypoint: 'predict.py',
      generateDockerignore: true,
      layout: { venv: '/opt/venv', workdir: '/app', uid: 10001, user: 'app' },
    });
    expect(cpu?.frameworks.map((framework) => framework.name)).toEqual(['scikit-learn']);
    expect(cpu?.models.map((model) => model.path)).toEqual(['model.joblib']);
  });

  it('records why each choice was made, citing files, inputs and table rows', () => {
    const [cpu] = plan(irisSpec(), inputsWith(), { hasDockerignore: true });
    const why = Object.fromEntries((cpu?.decisions ?? []).map((decision) => [decision.topic, decision.why]));
    expect(why.python).toBe('.python-version:1');
    expect(why.variant).toBe("detected accelerator 'cpu'");
    expect(why['base image']).toContain('src/data/compat.json');
    expect(why.index).toBe('no index configured: pip uses PyPI');
    expect(cpu?.generateDockerignore).toBe(false);
  });

  it('lets inputs override python, base image (keeping a given digest) and index', () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    const [cpu] = plan(
      irisSpec(),
      inputsWith({
        'python-version': '3.12',
        'base-image': `registry.local/python:3.12@${digest}`,
        'index-url': 'https://mirror.example/simple',
        network: 'host',
      }),
      { hasDockerignore: false },
    );
    expect(cpu?.python).toBe('3.12');
    expect(cpu?.base).toEqual({ image: 'registry.local/python:3.12', digest });
    expect(pinnedBase(cpu?.base ?? { image: '', digest: null })).toBe(`registry.local/python:3.12@${digest}`);
    expect(cpu?.indexUrl).toBe('https://mirror.example/simple');
    expect(cpu?.network).toBe('host');
    expect(cpu?.decisions.find((decision) => decision.topic === 'python')?.why).toBe(
      "input 'python-version'",
    );
  });

  it('takes the index from the requirements file when no input names one', () => {
    const spec = detect(
      memoryReader({
        ...irisTree,
        'requirements.txt': '--index-url https://corp.example/simple\nscikit-learn==1.6.1\n',
      }),
    );
    const [cpu] = plan(spec, inputsWith(), { hasDockerignore: false });
    expect(cpu?.indexUrl).toBe('https://corp.example/simple');
    expect(cpu?.decisions.find((decision) => decision.topic === 'index')?.why).toBe('requirements.txt:1');
  });

  it.each([
    [{ variant: 'gpu' }, /variant 'gpu' was asked for, but no framework in this project can use a GPU/],
    [{ 'python-version': '3.8' }, /Python 3.8 has no base image in src\/data\/compat.json/],
  ])('refuses what this project cannot have: %j', (values, message) => {
    expect(() => plan(irisSpec(), inputsWith(values), { hasDockerignore: false })).toThrow(message);
    expect(() => plan(irisSpec(), inputsWith(values), { hasDockerignore: false })).toThrow(UserError);
  });

  describe('a project that asks for CPU builds (docs/detection.md, "CPU builds")', () => {
    const poetryCpu = () =>
      detect(
        memoryReader({
          'predict.py': '',
          'pyproject.toml': [
            '[tool.poetry]',
            'name = "x"',
            'package-mode = false',
            '[tool.poetry.dependencies]',
            'python = "^3.11"',
            'torch = { version = "^2.5.1", source = "pytorch-cpu" }',
            '[[tool.poetry.source]]',
            'name = "pytorch-cpu"',
            'url = "https://download.pytorch.org/whl/cpu"',
            'priority = "explicit"',
            '',
          ].join('\n'),
        }),
      );

    it('gets the CPU variant only, citing the index that said so', () => {
      const variants = plan(poetryCpu(), inputsWith(), { hasDockerignore: false });
      expect(variants.map((variant) => variant.variant)).toEqual(['cpu']);
      expect(variants[0]?.decisions.find((decision) => decision.topic === 'variant')?.why).toBe(
        "detected accelerator 'cpu' (torch comes from https://download.pytorch.org/whl/cpu, which serves CPU builds only (pyproject.toml:9))",
      );
      // Explicit: searched beside PyPI for torch, never instead of it.
      expect(variants[0]?.indexUrl).toBeNull();
      expect(variants[0]?.extraIndexUrls).toEqual(['https://download.pytorch.org/whl/cpu']);
    });

    it("refuses variant 'gpu', saying which build the project asks for", () => {
      expect(() => plan(poetryCpu(), inputsWith({ variant: 'gpu' }), { hasDockerignore: false })).toThrow(
        "variant 'gpu' was asked for, but this project installs CPU-only builds: torch comes from https://download.pytorch.org/whl/cpu, which serves CPU builds only (pyproject.toml:9)",
      );
    });
  });

  it('refuses to render an unpinned base', () => {
    expect(() => pinnedBase({ image: 'python:3.11', digest: null })).toThrow(/not been pinned/);
  });
});
