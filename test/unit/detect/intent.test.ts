import { describe, expect, it } from 'vitest';
import { detect } from '../../../src/detect/index.js';
import { isUserError } from '../../../src/errors.js';
import { memoryReader } from '../../../src/project/reader.js';

/** docs/detection.md, "Indexes and sources" and "CPU builds": each rule as its tool reads it. */
function spec(tree: Record<string, string>) {
  return detect(memoryReader(tree));
}

function located(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isUserError(error)) return error.located;
    throw error;
  }
  throw new Error('no error');
}

const uvIndexes = (...names: [string, string][]) =>
  names
    .map(
      ([name, tail]) =>
        `[[tool.uv.index]]\nname = "${name}"\nurl = "https://download.pytorch.org/whl/${tail}"\nexplicit = true\n`,
    )
    .join('\n');

describe('pip requirements', () => {
  it.each([
    ['--index-url https://download.pytorch.org/whl/cpu\ntorch\n', 'the main index'],
    [
      '--extra-index-url https://download.pytorch.org/whl/cpu/\ntorch>=2\n',
      'an extra index (pip prefers +cpu)',
    ],
    ['torch==2.5.1+cpu\n', 'a +cpu local version'],
    ['--extra-index-url https://download.pytorch.org/whl/nightly/cpu\ntorch\n', 'the nightly CPU index'],
  ])('reads %j as a CPU build: %s', (text) => {
    const result = spec({ 'requirements.txt': text });
    expect(result.accelerator).toBe('cpu');
    expect(result.cuda).toBeNull();
    expect(result.cpuBuilds?.map((build) => build.framework)).toContain('torch');
  });

  it('keeps a GPU build when a CUDA index stands beside the CPU one', () => {
    const result = spec({
      'requirements.txt':
        '--extra-index-url https://download.pytorch.org/whl/cpu\n--extra-index-url https://download.pytorch.org/whl/cu121\ntorch\n',
    });
    expect(result.accelerator).toBe('gpu-required');
    expect(result.cuda).toEqual({ version: '12.1', source: 'requirements.txt:2' });
  });

  it('reads jax[cpu] as the CPU build and jax[cuda12] as CUDA 12', () => {
    expect(spec({ 'requirements.txt': 'jax[cpu]==0.4.35\n' }).accelerator).toBe('cpu');
    expect(spec({ 'requirements.txt': 'jax[cuda12]==0.4.35\n' })).toMatchObject({
      accelerator: 'gpu-required',
      cuda: { version: '12' },
    });
  });

  it('counts only the frameworks not pinned to CPU: CPU torch beside TensorFlow stays gpu-optional, with its CUDA', () => {
    const result = spec({
      'requirements.txt':
        '--extra-index-url https://download.pytorch.org/whl/cpu\ntorch==2.5.1\ntensorflow==2.18.0\n',
    });
    expect(result.accelerator).toBe('gpu-optional');
    expect(result.cuda?.source).toContain('tensorflow');
  });
});

describe('a lock', () => {
  it('reads a locked +cpu torch as the CPU build', () => {
    const result = spec({
      'pyproject.toml': '[project]\nname = "x"\nversion = "0"\ndependencies = ["torch>=2"]\n[tool.uv]\n',
      'uv.lock': [
        'version = 1',
        'requires-python = ">=3.11"',
        '[[package]]',
        'name = "torch"',
        'version = "2.5.1+cpu"',
        'source = { registry = "https://download.pytorch.org/whl/cpu" }',
        'wheels = [{ url = "https://download.pytorch.org/whl/cpu/torch-2.5.1%2Bcpu-cp311-cp311-linux_x86_64.whl", hash = "sha256:' +
          'a'.repeat(64) +
          '" }]',
        '',
      ].join('\n'),
    });
    expect(result.accelerator).toBe('cpu');
    expect(result.cpuBuilds?.[0]?.why).toMatch(/^torch 2\.5\.1\+cpu is the CPU build \(uv\.lock:\d+\)$/);
  });
});

describe('uv sources, groups and markers', () => {
  const project = (sources: string, extra = '') =>
    `[project]\nname = "x"\nversion = "0"\nrequires-python = ">=3.11"\ndependencies = ["numpy"]\n\n[dependency-groups]\ndev = ["pytest"]\ncuda12 = ["torch>=2.7"]\ncuda13 = ["torch>=2.9"]\n\n[tool.uv]\n${extra}\n[tool.uv.sources]\n${sources}\n${uvIndexes(['pytorch-cu128', 'cu128'], ['pytorch-cu130', 'cu130'], ['pytorch-cpu', 'cpu'])}`;
  const sources =
    'torch = [\n  { index = "pytorch-cu128", group = "cuda12" },\n  { index = "pytorch-cu130", group = "cuda13" },\n  { index = "pytorch-cpu", marker = "platform_machine == \'aarch64\'" },\n]\n';

  it('installs dev alone by default: torch is in no installed group, so no framework and no CUDA', () => {
    const result = spec({ 'pyproject.toml': project(sources) });
    expect(result.frameworks).toEqual([]);
    expect(result.accelerator).toBe('cpu');
    expect(result.dependencies.requirements.map((requirement) => requirement.name)).toEqual([
      'numpy',
      'pytest',
    ]);
    // Explicit indexes nothing installed is bound to never reach pip.
    expect(result.dependencies.extraIndexUrls).toEqual([]);
  });

  it('takes the first entry whose group holds: default-groups cuda13 gives CUDA 13.0 from its index', () => {
    const result = spec({ 'pyproject.toml': project(sources, 'default-groups = ["cuda13"]') });
    expect(result.cuda?.version).toBe('13.0');
    expect(result.dependencies.extraIndexUrls.map((index) => index.url)).toEqual([
      'https://download.pytorch.org/whl/cu130',
    ]);
  });

  it('evaluates markers for Linux x86_64: an aarch64 entry does not apply', () => {
    const result = spec({
      'pyproject.toml': project(
        'torch = [\n  { index = "pytorch-cpu", marker = "platform_machine == \'aarch64\'" },\n  { index = "pytorch-cu128", marker = "sys_platform == \'linux\'" },\n]\n',
        'default-groups = ["cuda12"]',
      ),
    });
    expect(result.cuda?.version).toBe('12.8');
  });

  it('reads "all" and the legacy dev-dependencies', () => {
    const all = spec({ 'pyproject.toml': project('', 'default-groups = "all"') });
    expect(all.dependencies.requirements.map((requirement) => requirement.group ?? '')).toEqual([
      '',
      'dev',
      'cuda12',
      'cuda13',
    ]);
    const legacy = spec({
      'pyproject.toml':
        '[project]\nname = "x"\nversion = "0"\ndependencies = []\n[tool.uv]\ndev-dependencies = ["ruff"]\n',
    });
    expect(
      legacy.dependencies.requirements.map((requirement) => [requirement.name, requirement.group]),
    ).toEqual([['ruff', 'dev']]);
  });

  it('expands include-group once, even in a loop', () => {
    const result = spec({
      'pyproject.toml':
        '[project]\nname = "x"\nversion = "0"\ndependencies = []\n[dependency-groups]\ndev = [{ include-group = "test" }, "ruff"]\ntest = ["pytest", { include-group = "dev" }]\n[tool.uv]\n',
    });
    expect(result.dependencies.requirements.map((requirement) => requirement.name)).toEqual([
      'ruff',
      'pytest',
    ]);
  });

  it('refuses a source naming an index that is not defined, at the source line', () => {
    expect(
      located(() =>
        spec({
          'pyproject.toml':
            '[project]\nname = "x"\nversion = "0"\ndependencies = ["torch"]\n[tool.uv.sources]\ntorch = { index = "pytorch" }\n',
        }),
      ),
    ).toMatch(
      /^pyproject\.toml:6: torch is bound to the index 'pytorch', but no \[\[tool\.uv\.index\]\] is named so/,
    );
  });

  it('keeps a non-explicit uv index searched beside PyPI, not instead of it', () => {
    const result = spec({
      'pyproject.toml':
        '[project]\nname = "x"\nversion = "0"\ndependencies = ["torch"]\n[[tool.uv.index]]\nname = "cpu"\nurl = "https://download.pytorch.org/whl/cpu"\n',
    });
    expect(result.accelerator).toBe('cpu');
    expect(result.dependencies.indexUrl).toBeNull();
    expect(result.dependencies.extraIndexUrls.map((index) => index.url)).toEqual([
      'https://download.pytorch.org/whl/cpu',
    ]);
  });
});

describe('poetry priorities and pdm bindings', () => {
  const poetry = (priority: string, source = '') =>
    `[tool.poetry]\nname = "x"\npackage-mode = false\n[tool.poetry.dependencies]\npython = "^3.11"\ntorch = { version = "^2.5"${source} }\n[[tool.poetry.source]]\nname = "corp"\nurl = "https://download.pytorch.org/whl/cu124"\n${priority}\n`;

  it.each([
    ['', 'main'],
    ['priority = "primary"', 'main'],
    ['priority = "supplemental"', 'extra'],
    ['priority = "secondary"', 'extra'],
  ])('reads %j as a %s index', (priority, role) => {
    const result = spec({ 'pyproject.toml': poetry(priority) });
    expect(result.dependencies.indexUrl?.url ?? null).toBe(
      role === 'main' ? 'https://download.pytorch.org/whl/cu124' : null,
    );
    expect(result.cuda?.version).toBe('12.4');
  });

  it('ignores an explicit source nothing names, and binds the dependency that does', () => {
    const unused = spec({ 'pyproject.toml': poetry('priority = "explicit"') });
    expect(unused.accelerator).toBe('gpu-optional');
    expect(unused.dependencies.extraIndexUrls).toEqual([]);
    const bound = spec({ 'pyproject.toml': poetry('priority = "explicit"', ', source = "corp"') });
    expect(bound).toMatchObject({ accelerator: 'gpu-required', cuda: { version: '12.4' } });
  });

  it('refuses a dependency naming a source that is not defined', () => {
    expect(located(() => spec({ 'pyproject.toml': poetry('', ', source = "other"') }))).toMatch(
      /^pyproject\.toml:6: torch is bound to the index 'other', but no \[\[tool\.poetry\.source\]\] is named so/,
    );
  });

  it('binds pdm include_packages patterns and leaves the rest to every index', () => {
    const result = spec({
      'pyproject.toml':
        '[project]\nname = "x"\nversion = "0"\ndependencies = ["torch", "torchaudio", "numpy"]\n[tool.pdm]\n[[tool.pdm.source]]\nname = "cpu"\nurl = "https://download.pytorch.org/whl/cpu"\ninclude_packages = ["torch*"]\n',
    });
    expect(
      result.dependencies.requirements.map((requirement) => [requirement.name, requirement.index]),
    ).toEqual([
      ['torch', 'cpu'],
      ['torchaudio', 'cpu'],
      ['numpy', undefined],
    ]);
    expect(result.accelerator).toBe('cpu');
  });
});
