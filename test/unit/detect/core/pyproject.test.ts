import { describe, expect, it } from 'vitest';
import {
  pyprojectFlavour,
  pyprojectFormat,
  readPyproject,
} from '../../../../src/detect/manifests/pyproject.js';
import { readSetupCfg, readSetupPy } from '../../../../src/detect/manifests/setuptools.js';
import { isUserError } from '../../../../src/errors.js';
import { readToml } from '../../../../src/project/parse.js';
import { memoryReader } from '../../../../src/project/reader.js';

const pep621 = `[build-system]
requires = ["hatchling"]

[project]
name = "sentiment-service"
requires-python = ">=3.9"
dependencies = [
  "transformers>=4.40",
  "torch>=2.1 ; platform_system == 'Linux'",
  'fastapi',
]

[project.optional-dependencies]
onnx = ["onnxruntime>=1.17"]

[project.scripts]
serve = "sentiment.server:main"
`;

const poetry = `[tool.poetry]
name = "detector"

[tool.poetry.dependencies]
python = "^3.10"
torch = { version = "^2.1.0", source = "pytorch" }
ultralytics = "8.1.*"
"scikit-learn" = ">=1.3,<1.5"
black = { version = "*", optional = true }

[[tool.poetry.source]]
name = "pytorch"
url = "https://download.pytorch.org/whl/cu121"
priority = "explicit"
`;

const uv = `[project]
name = "llm"
requires-python = ">=3.11"
dependencies = ["torch==2.4.1", "vllm>=0.6"]

[tool.uv.sources]
torch = { index = "pytorch-cu124" }

[[tool.uv.index]]
name = "pytorch-cu124"
url = "https://download.pytorch.org/whl/cu124"
explicit = true
`;

function read(text: string, format: 'pep621' | 'poetry' | 'uv' | 'pdm') {
  return readPyproject(memoryReader({ 'pyproject.toml': text }), 'pyproject.toml', format);
}

describe('pyproject.toml', () => {
  it('reads PEP 621 dependencies with their lines, requires-python and scripts', () => {
    const manifest = read(pep621, 'pep621');
    expect(manifest.requirements.map((r) => [r.name, r.specifier, r.marker, r.source.line])).toEqual([
      ['transformers', '>=4.40', null, 8],
      ['torch', '>=2.1', "platform_system == 'Linux'", 9],
      ['fastapi', '', null, 10],
    ]);
    expect(manifest.python).toEqual([
      { kind: 'range', text: '>=3.9', source: { file: 'pyproject.toml', line: 6 } },
    ]);
    expect(manifest.entrypoint).toMatchObject({
      path: 'sentiment.server:main',
      source: { file: 'pyproject.toml', line: 17 },
      script: { name: 'serve' },
    });
    expect(manifest.warnings).toEqual([
      {
        message: "onnxruntime is only in optional-dependencies 'onnx': it is not installed",
        source: 'pyproject.toml:14',
      },
    ]);
  });

  it('reads poetry dependencies as written, in PEP 440 for pip, skipping optional ones, with sources', () => {
    const manifest = read(poetry, 'poetry');
    expect(manifest.requirements.map((r) => [r.name, r.written, r.specifier, r.source.line])).toEqual([
      ['torch', '^2.1.0', '>=2.1.0,<3.0', 6],
      ['ultralytics', '8.1.*', '==8.1.*', 7],
      ['scikit-learn', '>=1.3,<1.5', '>=1.3,<1.5', 8],
    ]);
    expect(manifest.requirements.map((r) => r.index)).toEqual(['pytorch', undefined, undefined]);
    expect(manifest.python).toEqual([
      { kind: 'range', text: '>=3.10,<4.0', source: { file: 'pyproject.toml', line: 5 } },
    ]);
    expect(manifest.indexes).toEqual([
      {
        url: 'https://download.pytorch.org/whl/cu121',
        name: 'pytorch',
        source: { file: 'pyproject.toml', line: 13 },
        extra: true,
        explicit: true,
      },
    ]);
  });

  it('reads uv indexes', () => {
    const manifest = read(uv, 'uv');
    expect(manifest.requirements.map((r) => [r.name, r.index])).toEqual([
      ['torch', 'pytorch-cu124'],
      ['vllm', undefined],
    ]);
    expect(manifest.indexes).toEqual([
      {
        url: 'https://download.pytorch.org/whl/cu124',
        name: 'pytorch-cu124',
        source: { file: 'pyproject.toml', line: 11 },
        extra: true,
        explicit: true,
      },
    ]);
  });

  it.each([
    [pep621, 'pep621'],
    [poetry, 'poetry'],
    [uv, 'uv'],
    ['[project]\nname = "x"\ndependencies = ["numpy"]\n[tool.pdm]\ndistribution = false\n', 'pdm'],
    ['[build-system]\nrequires = ["setuptools"]\n', null],
  ])('knows which tool owns it (%#)', (text, format) => {
    expect(pyprojectFormat(pyprojectFlavour(readToml(memoryReader({ p: text }), 'p').data))).toBe(format);
  });

  it.each([
    ['[project\nname = "x"\n', 'pyproject.toml:1:9'],
    ['[project]\ndependencies = "numpy"\n', 'pyproject.toml:2'],
    ['[project]\ndependencies = ["numpy>>1"]\n', 'pyproject.toml:2'],
  ])('reports malformed files at their line (%#)', (text, where) => {
    try {
      read(text, 'pep621');
      expect.unreachable();
    } catch (error) {
      expect(isUserError(error) && error.located.startsWith(where), String(error)).toBe(true);
    }
  });
});

describe('setup.cfg and setup.py', () => {
  it('reads setup.cfg install_requires, one per line, with markers', () => {
    const manifest = readSetupCfg(
      memoryReader({
        'setup.cfg':
          '[metadata]\nname = x\n\n[options]\npython_requires = >=3.8\ninstall_requires =\n    numpy>=1.24\n    torch ; sys_platform == "linux"\n\n[options.extras_require]\ndev = pytest\n',
      }),
      'setup.cfg',
    );
    expect(manifest.requirements.map((r) => [r.name, r.specifier, r.marker, r.source.line])).toEqual([
      ['numpy', '>=1.24', null, 7],
      ['torch', '', 'sys_platform == "linux"', 8],
    ]);
    expect(manifest.python[0]).toMatchObject({ text: '>=3.8', source: { line: 5 } });
  });

  it('reads a literal install_requires list from setup.py without running it', () => {
    const manifest = readSetupPy(
      memoryReader({
        'setup.py': `from setuptools import setup\n\nsetup(\n    name="yolo",\n    python_requires=">=3.8",\n    install_requires=[\n        "torch>=1.8",  # GPU build\n        # "wandb",\n        'opencv-python>=4.6',\n    ],\n)\n`,
      }),
      'setup.py',
    );
    expect(manifest.requirements.map((r) => [r.name, r.specifier, r.source.line])).toEqual([
      ['torch', '>=1.8', 7],
      ['opencv-python', '>=4.6', 9],
    ]);
    expect(manifest.python[0]).toMatchObject({ text: '>=3.8', source: { line: 5 } });
  });

  it('says so when install_requires is computed', () => {
    const manifest = readSetupPy(
      memoryReader({ 'setup.py': 'setup(\n  install_requires=read_requirements(),\n)\n' }),
      'setup.py',
    );
    expect(manifest.requirements).toEqual([]);
    expect(manifest.warnings[0]).toMatchObject({ source: 'setup.py:2' });
  });
});
