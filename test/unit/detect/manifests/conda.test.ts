import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../../../src/detect/manifest.js';
import { parseCondaSpec, readConda } from '../../../../src/detect/manifests/conda.js';
import { isUserError } from '../../../../src/errors.js';
import { memoryReader } from '../../../../src/project/reader.js';
import { normalizeName } from '../../../../src/python/pep508.js';
import type { Requirement } from '../../../../src/python/types.js';
import { userError } from '../../helpers.js';

const ENV = 'environment.yml';

function read(tree: Record<string, string>, path = ENV): Manifest {
  return readConda(memoryReader(tree), path);
}

/** The dependencies list of an environment file, one entry a line from line 2 on. */
function deps(...entries: string[]): Manifest {
  return read({ [ENV]: `dependencies:\n${entries.map((entry) => `  - ${entry}`).join('\n')}\n` });
}

function requirement(
  name: string,
  specifier: string,
  line: number,
  more: Partial<Requirement> = {},
): Requirement {
  return {
    name,
    extras: [],
    specifier,
    marker: null,
    url: null,
    hashes: [],
    source: { file: ENV, line },
    ...more,
  };
}

/** name -> specifier -> line, the shortest way to say which requirements were read from where. */
function brief(manifest: Manifest) {
  return manifest.requirements.map((r) => [r.name, r.specifier, r.source.file, r.source.line]);
}

// Shaped after CompVis/stable-diffusion's environment.yaml (conda pins plus a pip list with editable VCS installs).
const STABLE_DIFFUSION = `name: ldm
channels:
  - pytorch
  - defaults
dependencies:
  - python=3.8.5
  - pip=20.3
  - cudatoolkit=11.3
  - pytorch=1.11.0
  - torchvision=0.12.0
  - numpy=1.19.2
  - pip:
    - albumentations==0.4.3
    - diffusers
    - opencv-python==4.1.2.30
    - pytorch-lightning==1.4.2
    - test-tube>=0.7.5
    - transformers==4.19.2
    - kornia==0.6
    - -e git+https://github.com/CompVis/taming-transformers.git@master#egg=taming-transformers
    - -e git+https://github.com/openai/CLIP.git@main#egg=clip
    - -e .
`;

// Shaped after sdatkinson/neural-amp-modeler's environment_gpu.yml (ranges, channel-qualified pytorch, pytorch-cuda).
const NAM_GPU = `name: nam
channels:
  - conda-forge # pytest-mock
  - pytorch
  - nvidia  # GPU
dependencies:
  - python>=3.9
  - h5py
  - numpy<2
  - pip
  - pydantic>=2.0.0
  - pytorch::pytorch
  # If your GPU isn't being detected, you may need a different version.
  - pytorch::pytorch-cuda=12.1  # GPU
  - scikit-learn >=1.3
  - pip:
    - auraloss==0.3.0
`;

// Shaped after a \`conda env export\` of a deep-RL project: build strings everywhere, conda-only libraries, a prefix.
const EXPORTED = `name: deep_rl_env
channels:
  - pytorch
  - nvidia
  - conda-forge
  - defaults
dependencies:
  - _libgcc_mutex=0.1=conda_forge
  - blas=2.16=mkl
  - ca-certificates=2024.2.2=hbcca054_0
  - cuda-cudart=12.1.105=0
  - cuda-version=12.1=h1d6eff3_3
  - jpeg=9e=h166bdaf_1
  - libcublas=12.1.0.26=0
  - numpy=1.26.4=py310hb13e2d6_0
  - python=3.10.14=hd12c33a_0_cpython
  - pytorch=2.3.0=py3.10_cuda12.1_cudnn8.9.2_0
  - pytorch-cuda=12.1=ha16c6d3_5
  - pytorch-mutex=1.0=cuda
  - pip:
    - gymnasium==0.29.1
prefix: /home/user/miniconda3/envs/deep_rl_env
`;

describe('readConda: real environment files', () => {
  it('reads stable-diffusion: conda pins, cudatoolkit as the CUDA hint, the pip list, editables as warnings', () => {
    const manifest = read({ [ENV]: STABLE_DIFFUSION });
    expect(manifest.format).toBe('conda');
    expect(manifest.files).toEqual([ENV]);
    expect(manifest.python).toEqual([{ kind: 'exact', text: '3.8.5', source: { file: ENV, line: 6 } }]);
    expect(manifest.cuda).toEqual([
      { version: '11.3', what: 'cudatoolkit=11.3', source: { file: ENV, line: 8 } },
    ]);
    expect(manifest.requirements).toEqual([
      requirement('torch', '==1.11.0', 9),
      requirement('torchvision', '==0.12.0', 10),
      requirement('numpy', '==1.19.2', 11),
      requirement('albumentations', '==0.4.3', 13),
      requirement('diffusers', '', 14),
      requirement('opencv-python', '==4.1.2.30', 15),
      requirement('pytorch-lightning', '==1.4.2', 16),
      requirement('test-tube', '>=0.7.5', 17),
      requirement('transformers', '==4.19.2', 18),
      requirement('kornia', '==0.6', 19),
    ]);
    expect(manifest.warnings).toEqual([
      {
        message:
          "editable 'git+https://github.com/CompVis/taming-transformers.git@master#egg=taming-transformers' is not a requirement; the project's own code is copied into the image",
        source: 'environment.yml:20',
      },
      {
        message:
          "editable 'git+https://github.com/openai/CLIP.git@main#egg=clip' is not a requirement; the project's own code is copied into the image",
        source: 'environment.yml:21',
      },
      {
        message: "editable '.' is not a requirement; the project's own code is copied into the image",
        source: 'environment.yml:22',
      },
    ]);
    expect(manifest).toMatchObject({ indexes: [], gpu: null, entrypoint: null });
  });

  it('reads neural-amp-modeler: ranges, channel prefixes dropped, pytorch-cuda as the CUDA hint', () => {
    const manifest = read({ [ENV]: NAM_GPU });
    expect(manifest.python).toEqual([{ kind: 'range', text: '>=3.9', source: { file: ENV, line: 7 } }]);
    expect(manifest.cuda).toEqual([
      { version: '12.1', what: 'pytorch-cuda=12.1', source: { file: ENV, line: 14 } },
    ]);
    expect(brief(manifest)).toEqual([
      ['h5py', '', ENV, 8],
      ['numpy', '<2', ENV, 9],
      ['pydantic', '>=2.0.0', ENV, 11],
      ['torch', '', ENV, 12],
      ['scikit-learn', '>=1.3', ENV, 15],
      ['auraloss', '==0.3.0', ENV, 17],
    ]);
    expect(manifest.warnings).toEqual([]);
    expect(manifest.gpu).toBeNull();
  });

  it('reads a `conda env export`: build strings dropped, conda-only libraries skipped with one warning', () => {
    const manifest = read({ [ENV]: EXPORTED });
    expect(manifest.python).toEqual([{ kind: 'exact', text: '3.10.14', source: { file: ENV, line: 16 } }]);
    expect(brief(manifest)).toEqual([
      ['numpy', '==1.26.4', ENV, 15],
      ['torch', '==2.3.0', ENV, 17],
      ['gymnasium', '==0.29.1', ENV, 21],
    ]);
    expect(manifest.cuda).toEqual([
      { version: '12.1', what: 'cuda-version=12.1=h1d6eff3_3', source: { file: ENV, line: 12 } },
      {
        version: '12.1',
        what: 'pytorch=2.3.0=py3.10_cuda12.1_cudnn8.9.2_0',
        source: { file: ENV, line: 17 },
      },
      { version: '12.1', what: 'pytorch-cuda=12.1=ha16c6d3_5', source: { file: ENV, line: 18 } },
    ]);
    // pytorch-mutex's `cuda` build says a GPU build was chosen.
    expect(manifest.gpu).toEqual({ file: ENV, line: 19 });
    expect(manifest.warnings).toEqual([
      {
        message:
          'conda packages with no PyPI counterpart were skipped: _libgcc_mutex, blas, ca-certificates, cuda-cudart, jpeg, libcublas',
        source: ENV,
      },
    ]);
  });
});

describe('readConda: conda version syntax as PEP 440', () => {
  it.each([
    ['numpy', ''],
    ['numpy=1.26', '==1.26.*'],
    ['numpy=1', '==1.*'],
    ['numpy=1.26.4', '==1.26.4'],
    ['numpy==1.26', '==1.26'],
    ['numpy>=1.26', '>=1.26'],
    ['numpy!=1.25.0', '!=1.25.0'],
    ['numpy >=1.8,<2', '>=1.8,<2'],
    ['numpy >= 1.8, < 2', '>=1.8,<2'],
    ['numpy = 1.26', '==1.26.*'],
    ['numpy 1.26.4', '==1.26.4'],
    ['numpy 1.26.*', '==1.26.*'],
    ['numpy 1.26*', '==1.26.*'],
    ['numpy=1.26.*', '==1.26.*'],
    ['numpy=1.26*', '==1.26.*'],
    ['numpy=1.26.4=py310hb13e2d6_0', '==1.26.4'],
    ['numpy=1.26=py310hb13e2d6_0', '==1.26'],
    ['numpy 1.26.4 py310hb13e2d6_0', '==1.26.4'],
    ['numpy=*=py310*', ''],
    ['numpy *', ''],
    ['conda-forge::numpy=1.26', '==1.26.*'],
    ["numpy[version='>=1.8,<2']", '>=1.8,<2'],
    ['numpy>=1.8,!=1.9.*', '>=1.8,!=1.9.*'],
  ])('%s → %s', (entry, specifier) => {
    const manifest = deps(entry);
    expect(manifest.requirements).toEqual([requirement('numpy', specifier, 2)]);
    expect(manifest.warnings).toEqual([]);
  });

  it.each([
    ['pytorch', 'torch'],
    ['pytorch-cpu', 'torch'],
    ['pytorch::pytorch', 'torch'],
    ['conda-forge/label/cf202003::pytorch', 'torch'],
    ['py-xgboost', 'xgboost'],
    ['py-xgboost-gpu', 'xgboost'],
    ['tensorflow-gpu', 'tensorflow-gpu'],
    ['Scikit_Learn', 'scikit-learn'],
    ['py-opencv', 'opencv-python'],
    ['jax', 'jax'],
  ])('maps the conda name %s to the PyPI name %s', (entry, name) => {
    expect(deps(entry).requirements).toEqual([requirement(name, '', 2)]);
  });

  it('keeps no version for alternatives, which PEP 440 cannot say, with a warning', () => {
    const manifest = deps('numpy 1.11.1|1.11.3');
    expect(manifest.requirements).toEqual([requirement('numpy', '', 2)]);
    expect(manifest.warnings).toEqual([
      {
        message:
          "'numpy 1.11.1|1.11.3' offers alternative versions, which PEP 440 cannot say; any version of numpy is allowed",
        source: 'environment.yml:2',
      },
    ]);
  });

  it('skips a package whose version is not PEP 440, with a warning', () => {
    const manifest = deps('pyjpeg=9e', 'numpy');
    expect(manifest.requirements).toEqual([requirement('numpy', '', 3)]);
    expect(manifest.warnings).toEqual([
      {
        message: "'pyjpeg=9e' has a version pip cannot read (not PEP 440); pyjpeg was skipped",
        source: 'environment.yml:2',
      },
    ]);
  });

  it('never lists python, pip or the CUDA packages as requirements', () => {
    const manifest = deps(
      'python=3.11',
      'pip>=23',
      'pytorch-cuda=12.1',
      'cudatoolkit=11.8',
      'cuda-version=12.4',
      'cuda-toolkit=12.1',
    );
    expect(manifest.requirements).toEqual([]);
  });
});

describe('readConda: python', () => {
  it.each([
    ['python=3.10', 'exact', '3.10'],
    ['python=3.10.12', 'exact', '3.10.12'],
    ['python==3.11', 'exact', '3.11'],
    ['python = 3.11', 'exact', '3.11'],
    ['python 3.11.*', 'exact', '3.11'],
    ['python=3.9.12=h12debd9_1', 'exact', '3.9.12'],
    ['python>=3.9', 'range', '>=3.9'],
    ['python<3.11', 'range', '<3.11'],
    ['python>=3.9,<3.12', 'range', '>=3.9,<3.12'],
    ['python=3', 'range', '==3.*'],
    ['conda-forge::python=3.12', 'exact', '3.12'],
  ])('%s → %s %s', (entry, kind, text) => {
    expect(deps(entry).python).toEqual([{ kind, text, source: { file: ENV, line: 2 } }]);
  });

  it('states nothing for an unversioned python', () => {
    expect(deps('python', 'numpy').python).toEqual([]);
  });
});

describe('readConda: CUDA hints', () => {
  it.each([
    ['pytorch-cuda=12.1', '12.1', 'pytorch-cuda=12.1'],
    ['pytorch::pytorch-cuda=12.1', '12.1', 'pytorch-cuda=12.1'],
    ['cudatoolkit=11.3', '11.3', 'cudatoolkit=11.3'],
    ['cudatoolkit=11.3.1', '11.3', 'cudatoolkit=11.3.1'],
    ['cuda-version=12.4', '12.4', 'cuda-version=12.4'],
    ['cuda-version=12', '12', 'cuda-version=12'],
    ['cuda-toolkit=12.1', '12.1', 'cuda-toolkit=12.1'],
    ['cuda-toolkit 12.1.*', '12.1', 'cuda-toolkit 12.1.*'],
    ['nvidia/label/cuda-12.4.0::cuda-toolkit', '12.4', 'nvidia/label/cuda-12.4.0::cuda-toolkit'],
    ['cudnn=8.2.1=cuda11.3_0', '11.3', 'cudnn=8.2.1=cuda11.3_0'],
    ['tensorflow=2.4.1=cuda112py38h_0', '11.2', 'tensorflow=2.4.1=cuda112py38h_0'],
  ])('%s → CUDA %s', (entry, version, what) => {
    const manifest = deps(entry);
    expect(manifest.cuda).toEqual([{ version, what, source: { file: ENV, line: 2 } }]);
    expect(manifest.gpu).toBeNull();
  });

  it('takes a CUDA package without a pinned version as "a GPU is required", with a warning', () => {
    const manifest = deps('numpy', 'cudatoolkit>=11.3', 'pytorch-cuda');
    expect(manifest.cuda).toEqual([]);
    expect(manifest.gpu).toEqual({ file: ENV, line: 3 });
    expect(manifest.warnings.map((warning) => warning.source)).toEqual([
      'environment.yml:3',
      'environment.yml:4',
    ]);
    expect(manifest.warnings[0]?.message).toBe(
      "'cudatoolkit>=11.3' pins no CUDA version; a GPU is required, the CUDA version comes from elsewhere",
    );
  });

  it("takes conda-forge's pytorch-gpu selector as 'a GPU is required', not as a requirement", () => {
    // Shaped after AaltoSciComp/scicomp-docs' pytorch-env.yml (conda-forge: pytorch plus pytorch-gpu).
    const manifest = deps('cuda-version=12.4', 'pytorch', 'pytorch-gpu', 'torchvision');
    expect(brief(manifest)).toEqual([
      ['torch', '', ENV, 3],
      ['torchvision', '', ENV, 5],
    ]);
    expect(manifest.gpu).toEqual({ file: ENV, line: 4 });
    expect(manifest.cuda).toEqual([
      { version: '12.4', what: 'cuda-version=12.4', source: { file: ENV, line: 2 } },
    ]);
    expect(manifest.warnings).toEqual([]);
  });

  it('reads no CUDA from a cpu build, and skips the cpuonly selector silently', () => {
    const manifest = deps('pytorch=1.12.1=py3.9_cpu_0', 'cpuonly');
    expect(manifest).toMatchObject({ cuda: [], gpu: null });
    expect(brief(manifest)).toEqual([['torch', '==1.12.1', ENV, 2]]);
    expect(manifest.warnings).toEqual([]);
  });
});

describe('readConda: the pip list', () => {
  it('reads requirements as written, each with the line of its item', () => {
    const manifest = read({
      [ENV]: [
        'name: app',
        'dependencies:',
        '  - python=3.11',
        '  - pip:',
        '      - torch==2.1.0+cu121',
        '      - transformers[torch]>=4.40 ; python_version >= "3.9"',
        '      - Pillow',
        '',
      ].join('\n'),
    });
    expect(manifest.requirements).toEqual([
      requirement('torch', '==2.1.0+cu121', 5),
      requirement('transformers', '>=4.40', 6, { extras: ['torch'], marker: 'python_version >= "3.9"' }),
      requirement('pillow', '', 7),
    ]);
  });

  it('reads several pip lists in order', () => {
    const manifest = deps('pip:\n    - numpy', 'scipy', 'pip:\n    - pandas');
    expect(brief(manifest)).toEqual([
      ['numpy', '', ENV, 3],
      ['scipy', '', ENV, 4],
      ['pandas', '', ENV, 6],
    ]);
  });

  it('takes --index-url and --extra-index-url as indexes', () => {
    const manifest = deps(
      'pip:\n    - --index-url https://pypi.example/simple\n    - --extra-index-url=https://download.pytorch.org/whl/cu121\n    - -i https://mirror.example/simple\n    - torch',
    );
    expect(manifest.indexes).toEqual([
      { url: 'https://pypi.example/simple', name: null, source: { file: ENV, line: 3 } },
      {
        url: 'https://download.pytorch.org/whl/cu121',
        name: null,
        source: { file: ENV, line: 4 },
        extra: true,
      },
      { url: 'https://mirror.example/simple', name: null, source: { file: ENV, line: 5 } },
    ]);
    expect(brief(manifest)).toEqual([['torch', '', ENV, 6]]);
  });

  it('reads options that follow a requirement on its item', () => {
    const manifest = deps(
      `pip:\n    - torch==1.12.1 --extra-index-url https://download.pytorch.org/whl/cu113 --hash=sha256:${'a'.repeat(64)}`,
    );
    expect(manifest.requirements).toEqual([
      requirement('torch', '==1.12.1', 3, { hashes: [`sha256:${'a'.repeat(64)}`] }),
    ]);
    expect(manifest.indexes).toEqual([
      {
        url: 'https://download.pytorch.org/whl/cu113',
        name: null,
        source: { file: ENV, line: 3 },
        extra: true,
      },
    ]);
  });

  it('reads the requirement after a flag (`--pre torch>=1.12.1`)', () => {
    const manifest = deps('pip:\n    - --pre torch>=1.12.1');
    expect(manifest.requirements).toEqual([requirement('torch', '>=1.12.1', 3)]);
    expect(manifest.warnings).toEqual([]);
  });

  it('reads bare VCS and archive URLs, naming the package from #egg, the repository or the file name', () => {
    const manifest = deps(
      [
        'pip:',
        '    - git+https://github.com/openai/CLIP.git',
        '    - git+https://github.com/huggingface/transformers@2d1602a',
        '    - git+https://github.com/facebookresearch/detectron2.git@v0.6#egg=detectron2',
        '    - https://download.pytorch.org/whl/cu121/torch-2.1.0%2Bcu121-cp310-cp310-linux_x86_64.whl',
        '    - https://example.com/archive/mypkg-1.0.tar.gz',
        '    - clip @ git+https://github.com/openai/CLIP.git@main',
      ].join('\n'),
    );
    expect(manifest.requirements.map((r) => [r.name, r.specifier, r.url, r.source.line])).toEqual([
      ['clip', '', 'git+https://github.com/openai/CLIP.git', 3],
      ['transformers', '', 'git+https://github.com/huggingface/transformers@2d1602a', 4],
      ['detectron2', '', 'git+https://github.com/facebookresearch/detectron2.git@v0.6#egg=detectron2', 5],
      [
        'torch',
        '',
        'https://download.pytorch.org/whl/cu121/torch-2.1.0%2Bcu121-cp310-cp310-linux_x86_64.whl',
        6,
      ],
      ['mypkg', '', 'https://example.com/archive/mypkg-1.0.tar.gz', 7],
      ['clip', '', 'git+https://github.com/openai/CLIP.git@main', 8],
    ]);
    expect(manifest.warnings).toEqual([]);
  });

  it('warns about a URL whose package it cannot name', () => {
    const manifest = deps('pip:\n    - https://example.com/download?id=3');
    expect(manifest.requirements).toEqual([]);
    expect(manifest.warnings).toEqual([
      {
        message:
          "cannot tell which package the URL 'https://example.com/download?id=3' installs (add '#egg=NAME' or write 'NAME @ URL'); it was skipped",
        source: 'environment.yml:3',
      },
    ]);
  });

  it('warns about local paths, editables, find-links, constraints and unknown options instead of reading them', () => {
    const manifest = deps(
      'pip:\n    - .\n    - ./libs/helper\n    - wheels/private-1.0-py3-none-any.whl\n    - -e .[dev]\n    - -f https://download.pytorch.org/whl/torch_stable.html\n    - -c constraints.txt\n    - --no-build-isolation\n    - --trusted-host example.com',
    );
    expect(manifest.requirements).toEqual([]);
    expect(manifest.warnings).toEqual([
      {
        message: "local path '.' is not a requirement; the project's own code is copied into the image",
        source: 'environment.yml:3',
      },
      {
        message:
          "local path './libs/helper' is not a requirement; the project's own code is copied into the image",
        source: 'environment.yml:4',
      },
      {
        message:
          "local path 'wheels/private-1.0-py3-none-any.whl' is not a requirement; the project's own code is copied into the image",
        source: 'environment.yml:5',
      },
      {
        message: "editable '.[dev]' is not a requirement; the project's own code is copied into the image",
        source: 'environment.yml:6',
      },
      {
        message:
          '--find-links https://download.pytorch.org/whl/torch_stable.html is not used; name an index instead',
        source: 'environment.yml:7',
      },
      { message: "constraints file 'constraints.txt' is not applied", source: 'environment.yml:8' },
      { message: 'pip option --no-build-isolation is ignored', source: 'environment.yml:9' },
    ]);
  });

  it('reads a -r file relative to the environment file, listing it in files', () => {
    const manifest = read(
      {
        'envs/gpu/environment.yml':
          'dependencies:\n  - python=3.10\n  - pip:\n    - -r ../../requirements.txt\n    - wandb\n',
        'requirements.txt':
          '--extra-index-url https://download.pytorch.org/whl/cu118\n-r base.txt\ntorch==2.1.0\n',
        'base.txt': 'numpy==1.26.4\n',
      },
      'envs/gpu/environment.yml',
    );
    expect(manifest.files).toEqual(['envs/gpu/environment.yml', 'requirements.txt', 'base.txt']);
    expect(manifest.requirements.map((r) => [r.name, r.specifier, r.source.file, r.source.line])).toEqual([
      ['numpy', '==1.26.4', 'base.txt', 1],
      ['torch', '==2.1.0', 'requirements.txt', 3],
      ['wandb', '', 'envs/gpu/environment.yml', 5],
    ]);
    expect(manifest.indexes).toEqual([
      {
        url: 'https://download.pytorch.org/whl/cu118',
        name: null,
        source: { file: 'requirements.txt', line: 1 },
        extra: true,
      },
    ]);
  });

  it('reads a file named twice once in files', () => {
    const manifest = read({
      [ENV]: 'dependencies:\n  - pip:\n    - -r requirements.txt\n    - --requirement=requirements.txt\n',
      'requirements.txt': 'numpy\n',
    });
    expect(manifest.files).toEqual([ENV, 'requirements.txt']);
    expect(brief(manifest)).toEqual([
      ['numpy', '', 'requirements.txt', 1],
      ['numpy', '', 'requirements.txt', 1],
    ]);
  });
});

describe('readConda: shapes', () => {
  it('returns an empty manifest for an empty file or one without dependencies', () => {
    for (const text of ['', '# nothing yet\n', 'name: empty\nchannels:\n  - defaults\n', 'dependencies:\n']) {
      expect(read({ [ENV]: text })).toEqual({
        format: 'conda',
        files: [ENV],
        requirements: [],
        python: [],
        indexes: [],
        cuda: [],
        gpu: null,
        cpuBuilds: [],
        entrypoint: null,
        systemPackages: [],
        warnings: [],
      });
    }
  });

  it('ignores an empty pip list and comments in the list', () => {
    expect(deps('pip:', 'numpy  # fast arrays').requirements).toEqual([requirement('numpy', '', 3)]);
  });

  it('accepts environment.yaml and a file in a folder', () => {
    const manifest = read({ 'sub/environment.yaml': 'dependencies:\n  - numpy\n' }, 'sub/environment.yaml');
    expect(manifest.requirements[0]?.source).toEqual({ file: 'sub/environment.yaml', line: 2 });
  });
});

describe('readConda: errors', () => {
  it('reports malformed YAML at its line and column', () => {
    const error = userError(() => read({ [ENV]: 'name: x\ndependencies:\n  - numpy\n  - [scipy\n' }));
    expect(error.phase).toBe('detect');
    expect(error.message).toMatch(/^invalid YAML: /);
    expect(error.source).toMatchObject({ file: ENV, line: expect.any(Number), column: expect.any(Number) });
    expect(error.source?.line).toBeGreaterThanOrEqual(4);
  });

  it('reports a tab-indented file at the tab', () => {
    const error = userError(() => read({ [ENV]: 'dependencies:\n\t- numpy\n' }));
    expect(error.source).toMatchObject({ file: ENV, line: 2 });
  });

  it('turns the yaml library’s own exceptions (an unresolved alias) into a UserError', () => {
    const error = userError(() => read({ [ENV]: 'dependencies: *missing\n' }));
    expect(error.source).toEqual({ file: ENV });
    expect(error.message).toMatch(/^invalid YAML: /);
  });

  it('rejects a file that is not a mapping', () => {
    expect(userError(() => read({ [ENV]: '- numpy\n- scipy\n' })).located).toBe(
      'environment.yml:1: an environment file is a mapping with a `dependencies` list',
    );
  });

  it('rejects dependencies that are not a list, at their line', () => {
    expect(userError(() => read({ [ENV]: 'name: x\ndependencies: numpy\n' })).located).toBe(
      'environment.yml:2: `dependencies` must be a list',
    );
    expect(userError(() => read({ [ENV]: 'name: x\ndependencies:\n  numpy: 1\n' })).located).toBe(
      'environment.yml:3: `dependencies` must be a list',
    );
  });

  it.each([
    ['3.8', 'a dependency is a conda package spec (`numpy=1.26`) or a `pip:` list'],
    ['{pip: numpy}', '`pip:` must be a list'],
    ['{conda: [numpy]}', 'a dependency is a conda package spec (`numpy=1.26`) or a `pip:` list'],
    ['{pip: [numpy], other: 1}', 'a dependency is a conda package spec (`numpy=1.26`) or a `pip:` list'],
    ['[numpy]', 'a dependency is a conda package spec (`numpy=1.26`) or a `pip:` list'],
    ['numpy>>1', "'numpy>>1' has a version conda's syntax does not allow"],
    ['numpy=1=2=3', "'numpy=1=2=3' is not a conda package spec (too many '=' parts)"],
    ['numpy 1 2 3', "'numpy 1 2 3' is not a conda package spec (too many parts)"],
    ['">=1.0"', "'>=1.0' is not a conda package spec (expected a package name)"],
  ])('rejects the entry %s at its line', (entry, message) => {
    expect(userError(() => deps('numpy', entry)).located).toBe(`environment.yml:3: ${message}`);
  });

  it('rejects a pip item that is not a string, at its line', () => {
    expect(userError(() => deps('pip:\n    - numpy\n    - 2')).located).toBe(
      'environment.yml:4: a `pip:` item must be a string',
    );
  });

  it('rejects a bad requirement in the pip list at its line and column', () => {
    const error = userError(() => deps('pip:\n    - numpy\n    - torch>>2'));
    expect(error.located).toBe(
      "environment.yml:4:12: invalid version specifier '>>2' for torch: '>2' is not a PEP 440 version",
    );
  });

  it('rejects a -r file that is missing or outside the repository, at the item', () => {
    expect(userError(() => deps('pip:\n    - -r missing.txt')).located).toBe(
      "environment.yml:3: cannot read 'missing.txt'",
    );
    expect(userError(() => deps('pip:\n    - -r ../outside.txt')).located).toBe(
      "environment.yml:3: '../outside.txt' is outside the repository",
    );
    expect(userError(() => deps('pip:\n    - -r')).located).toBe(
      'environment.yml:3: pip option -r needs a value',
    );
  });

  it('reports an error inside a -r file at that file’s line', () => {
    const error = userError(() =>
      read({
        [ENV]: 'dependencies:\n  - pip:\n    - -r requirements.txt\n',
        'requirements.txt': 'numpy\ntorch>>2\n',
      }),
    );
    expect(error.source).toMatchObject({ file: 'requirements.txt', line: 2 });
  });

  it('reports an unreadable environment file', () => {
    expect(userError(() => read({})).located).toBe("environment.yml: cannot read 'environment.yml'");
  });
});

describe('parseCondaSpec', () => {
  it('splits channel, name, version and build', () => {
    expect(parseCondaSpec('pytorch::pytorch=2.1.0=py3.10_cuda12.1_cudnn8.9.2_0')).toEqual({
      channel: 'pytorch',
      name: 'pytorch',
      specifier: '==2.1.0',
      build: 'py3.10_cuda12.1_cudnn8.9.2_0',
    });
    expect(parseCondaSpec('numpy')).toEqual({ channel: null, name: 'numpy', specifier: '', build: null });
    expect(parseCondaSpec("pytorch[build='*cuda*']")).toEqual({
      channel: null,
      name: 'pytorch',
      specifier: '',
      build: '*cuda*',
    });
  });
});

/** Tokens that steer random text towards the reader's interesting paths. */
const TOKENS = [
  'dependencies:',
  'channels:',
  'name: x',
  '\n',
  '\n  - ',
  '\n    - ',
  '  ',
  '- ',
  'pip:',
  'python=3.10',
  'python>=3.9',
  'pytorch::pytorch',
  'pytorch-cuda=12.1',
  'cudatoolkit',
  '=11.3',
  'numpy',
  '=1.2=py310_0',
  ' 1.2.*',
  '>=',
  '|',
  ',',
  '::',
  '[',
  ']',
  '{',
  '}',
  ':',
  '"',
  "'",
  '#',
  '*',
  '&a',
  '*a',
  '-r requirements.txt',
  '-r ../x.txt',
  '-e .',
  '--extra-index-url https://download.pytorch.org/whl/cu121',
  '--pre ',
  'git+https://github.com/openai/CLIP.git',
  'https://x.org/p-1.0.tar.gz',
  'torch==2.1.0+cu121',
  ' ; python_version < "3.11"',
  '\t',
  '_libgcc_mutex',
  '1.0',
  'constructor',
  '__proto__',
];

const text = fc.oneof(
  fc.string({ unit: fc.constantFrom(...TOKENS), maxLength: 40 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
);

/** A valid file truncated or with a slice cut out or random text spliced in. */
const mangled = fc.oneof(
  fc.nat({ max: STABLE_DIFFUSION.length }).map((end) => STABLE_DIFFUSION.slice(0, end)),
  fc
    .tuple(fc.nat({ max: EXPORTED.length }), fc.nat({ max: EXPORTED.length }))
    .map(([a, b]) => EXPORTED.slice(0, Math.min(a, b)) + EXPORTED.slice(Math.max(a, b))),
  fc
    .tuple(fc.nat({ max: NAM_GPU.length }), text)
    .map(([at, inserted]) => NAM_GPU.slice(0, at) + inserted + NAM_GPU.slice(at)),
);

describe('readConda never fails except with a UserError', () => {
  it('on random, truncated and spliced environment files (property)', () => {
    fc.assert(
      fc.property(fc.oneof(text, mangled), text, (main, included) => {
        const tree: Record<string, string> = { [ENV]: main, 'requirements.txt': included };
        let manifest: Manifest;
        try {
          manifest = read(tree);
        } catch (error) {
          if (!isUserError(error)) throw error;
          expect(error.phase).toBe('detect');
          expect(typeof error.source?.file).toBe('string');
          if (error.source?.line !== undefined) expect(error.source.line).toBeGreaterThanOrEqual(1);
          if (error.source?.column !== undefined) expect(error.source.column).toBeGreaterThanOrEqual(1);
          return;
        }
        expect(manifest.format).toBe('conda');
        expect(manifest.files[0]).toBe(ENV);
        for (const found of manifest.requirements) {
          expect(manifest.files).toContain(found.source.file);
          const lines = (tree[found.source.file] ?? '').split(/\r?\n/).length;
          expect(found.source.line).toBeGreaterThanOrEqual(1);
          expect(found.source.line).toBeLessThanOrEqual(lines);
          expect(found.name).not.toBe('');
          expect(found.name).toBe(normalizeName(found.name));
        }
        for (const hint of manifest.python) expect(['exact', 'range']).toContain(hint.kind);
        for (const hint of manifest.cuda) expect(hint.version).toMatch(/^\d+(?:\.\d+)?$/);
      }),
      { numRuns: 200 },
    );
  });
});
