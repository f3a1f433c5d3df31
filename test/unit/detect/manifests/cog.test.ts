import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../../../src/detect/manifest.js';
import { readCog } from '../../../../src/detect/manifests/cog.js';
import { isUserError } from '../../../../src/errors.js';
import { memoryReader } from '../../../../src/project/reader.js';
import { normalizeName } from '../../../../src/python/pep508.js';
import type { Requirement } from '../../../../src/python/types.js';
import { userError } from '../../helpers.js';

const COG = 'cog.yaml';

function read(tree: Record<string, string>, path = COG): Manifest {
  return readCog(memoryReader(tree), path);
}

/** A cog.yaml whose `build:` holds `lines` (indented by two), from line 2 on. */
function build(...lines: string[]): Manifest {
  return read({ [COG]: `build:\n${lines.map((line) => `  ${line}`).join('\n')}\n` });
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
    source: { file: COG, line },
    ...more,
  };
}

function brief(manifest: Manifest) {
  return manifest.requirements.map((r) => [r.name, r.specifier, r.source.file, r.source.line]);
}

// Shaped after replicate/cog-musicgen's cog.yaml (gpu, pinned cuda, apt packages, python_packages, run, predict).
const MUSICGEN = `# Configuration for Cog ⚙️
# Reference: https://github.com/replicate/cog/blob/main/docs/yaml.md
build:
  # set to true if your model requires a GPU
  gpu: true
  cuda: "11.7"
  # a list of ubuntu apt packages to install
  system_packages:
    - ffmpeg
  # python version in the form '3.8' or '3.8.12'
  python_version: "3.9"
  # a list of packages in the format <package-name>==<version>
  python_packages:
    - "av"
    - "einops"
    - "flashy>=0.0.1"
    - "hydra-core>=1.1"
    - "torch==2.0.1"
    - "torchaudio>=2.0.0"
    - "transformers>=4.31.0"
    - "xformers==0.0.22"
  # commands run after the environment is setup
  run:
    - curl -o /usr/local/bin/pget -L "https://github.com/replicate/pget/releases/download/v0.6.2/pget_linux_x86_64" && chmod +x /usr/local/bin/pget
# predict.py defines how predictions are run on your model
predict: "predict.py:Predictor"
# train: "train.py:train"
`;

// Shaped after the omni-zero Space's cog.yaml (cog init's template with python_requirements).
const OMNI_ZERO = `build:
  gpu: true

  system_packages:
    - "libgl1-mesa-glx"
    - "libglib2.0-0"

  # python version in the form '3.8' or '3.8.12'
  python_version: "3.11"
  python_requirements: "requirements.txt"

  # python_packages:
    # - "numpy==1.19.4"

predict: "predict.py:Predictor"
`;

// Shaped after a stable-diffusion inpainting cog.yaml: unquoted numbers, an index URL on a requirement's line.
const INPAINTING = `build:
  gpu: true
  cuda: 11.0
  python_version: 3.10
  system_packages:
    - libgl1-mesa-glx
  python_packages:
    - torch==1.12.1 --extra-index-url https://download.pytorch.org/whl/cu113
    - numpy==1.21.6
    - git+https://github.com/huggingface/transformers@2d1602a
predict: "predict.py:Predictor"
`;

const MUSICGEN_RUN = `  run:
    - curl -o /usr/local/bin/pget -L "https://github.com/replicate/pget/releases/download/v0.6.2/pget_linux_x86_64" && chmod +x /usr/local/bin/pget
`;
// Same lines, so every other line keeps its number.
const MUSICGEN_NO_RUN = '  run: []\n  # pget: not needed\n';

describe('readCog: real cog.yaml files', () => {
  it('reads musicgen: gpu, cuda, python_version, python_packages and predict', () => {
    const manifest = read({ [COG]: MUSICGEN.replace(MUSICGEN_RUN, MUSICGEN_NO_RUN) });
    expect(manifest).toEqual({
      format: 'cog',
      files: [COG],
      requirements: [
        requirement('av', '', 14),
        requirement('einops', '', 15),
        requirement('flashy', '>=0.0.1', 16),
        requirement('hydra-core', '>=1.1', 17),
        requirement('torch', '==2.0.1', 18),
        requirement('torchaudio', '>=2.0.0', 19),
        requirement('transformers', '>=4.31.0', 20),
        requirement('xformers', '==0.0.22', 21),
      ],
      python: [{ kind: 'exact', text: '3.9', source: { file: COG, line: 11 } }],
      indexes: [],
      cuda: [{ version: '11.7', what: 'cog cuda', source: { file: COG, line: 6 } }],
      gpu: { file: COG, line: 5 },
      cpuBuilds: [],
      entrypoint: { path: 'predict.py', source: { file: COG, line: 26 } },
      systemPackages: [{ name: 'ffmpeg', source: { file: COG, line: 9 } }],
      warnings: [],
    });
  });

  it('refuses musicgen as it is, at its `run` command, naming the ways that remain', () => {
    const error = userError(() => read({ [COG]: MUSICGEN }));
    expect(error.source).toEqual({ file: COG, line: 24 });
    expect(error.message).toBe(
      "`run` commands ('curl -o /usr/local/bin/pget -L \"https://github.com/replicate…') are not carried over: the generated Dockerfile runs no shell command of the project's. Name apt packages in `system_packages` or input 'system-packages', or build your own Dockerfile with input 'file'",
    );
  });

  it('reads omni-zero: the python_requirements file, listed in files', () => {
    const manifest = read({
      [COG]: OMNI_ZERO,
      'requirements.txt':
        '--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.3.0\ndiffusers>=0.27\n',
    });
    expect(manifest.files).toEqual([COG, 'requirements.txt']);
    expect(brief(manifest)).toEqual([
      ['torch', '==2.3.0', 'requirements.txt', 2],
      ['diffusers', '>=0.27', 'requirements.txt', 3],
    ]);
    expect(manifest.indexes).toEqual([
      {
        url: 'https://download.pytorch.org/whl/cu121',
        name: null,
        source: { file: 'requirements.txt', line: 1 },
        extra: true,
      },
    ]);
    expect(manifest.python).toEqual([{ kind: 'exact', text: '3.11', source: { file: COG, line: 9 } }]);
    expect(manifest.gpu).toEqual({ file: COG, line: 2 });
    expect(manifest.cuda).toEqual([]);
    expect(manifest.entrypoint).toEqual({ path: 'predict.py', source: { file: COG, line: 15 } });
    expect(manifest.warnings).toEqual([]);
  });

  it('reads the inpainting file: unquoted versions as written, options and VCS URLs in python_packages', () => {
    const manifest = read({ [COG]: INPAINTING });
    expect(manifest.python).toEqual([{ kind: 'exact', text: '3.10', source: { file: COG, line: 4 } }]);
    expect(manifest.cuda).toEqual([{ version: '11.0', what: 'cog cuda', source: { file: COG, line: 3 } }]);
    expect(manifest.requirements).toEqual([
      requirement('torch', '==1.12.1', 8),
      requirement('numpy', '==1.21.6', 9),
      requirement('transformers', '', 10, { url: 'git+https://github.com/huggingface/transformers@2d1602a' }),
    ]);
    expect(manifest.indexes).toEqual([
      {
        url: 'https://download.pytorch.org/whl/cu113',
        name: null,
        source: { file: COG, line: 8 },
        extra: true,
      },
    ]);
  });

  it('reads the docs example: no gpu, no cuda', () => {
    // Shaped after replicate/cog docs/yaml.md's first example.
    const manifest = read({
      [COG]:
        'build:\n  python_version: "3.11"\n  python_packages:\n    - pytorch==2.0.1\n  system_packages:\n    - "ffmpeg"\n    - "git"\npredict: "predict.py:Predictor"\n',
    });
    expect(manifest).toMatchObject({ gpu: null, cuda: [], warnings: [] });
    expect(brief(manifest)).toEqual([['pytorch', '==2.0.1', COG, 4]]);
  });
});

describe('readCog: the fields', () => {
  it.each([
    ['"3.11"', '3.11'],
    ['"3.11.4"', '3.11.4'],
    ["'3.12'", '3.12'],
    ['3.8', '3.8'],
    ['3.10', '3.10'],
    ['3.11.1', '3.11.1'],
  ])('python_version %s → exact %s', (written, text) => {
    expect(build(`python_version: ${written}`).python).toEqual([
      { kind: 'exact', text, source: { file: COG, line: 2 } },
    ]);
  });

  it.each([
    ['"12.1"', '12.1'],
    ['"11.8.0"', '11.8'],
    ['12.1', '12.1'],
    ['"12"', '12'],
  ])('cuda %s → %s', (written, version) => {
    const manifest = build('gpu: true', `cuda: ${written}`);
    expect(manifest.cuda).toEqual([{ version, what: 'cog cuda', source: { file: COG, line: 3 } }]);
    expect(manifest.warnings).toEqual([]);
  });

  it('warns when cuda is set without gpu: true', () => {
    const manifest = build('cuda: "12.1"');
    expect(manifest.cuda).toEqual([{ version: '12.1', what: 'cog cuda', source: { file: COG, line: 2 } }]);
    expect(manifest.gpu).toBeNull();
    expect(manifest.warnings).toEqual([
      {
        message:
          '`cuda` is set but `gpu` is not true: cog builds a CPU image then; the CUDA version is used here',
        source: 'cog.yaml:2',
      },
    ]);
  });

  it('takes gpu: false as no GPU', () => {
    expect(build('gpu: false').gpu).toBeNull();
  });

  it('uses both python_packages and python_requirements, with a warning', () => {
    const manifest = read({
      [COG]: 'build:\n  python_packages:\n    - numpy\n  python_requirements: deps/requirements.txt\n',
      'deps/requirements.txt': 'scipy\n',
    });
    expect(brief(manifest)).toEqual([
      ['numpy', '', COG, 3],
      ['scipy', '', 'deps/requirements.txt', 1],
    ]);
    expect(manifest.files).toEqual([COG, 'deps/requirements.txt']);
    expect(manifest.warnings).toEqual([
      {
        message:
          'cog.yaml sets both `python_packages` and `python_requirements` (cog allows one); both are used',
        source: 'cog.yaml:4',
      },
    ]);
  });

  it('reads paths relative to a cog.yaml in a folder', () => {
    const manifest = read(
      {
        'models/sd/cog.yaml':
          'build:\n  python_requirements: requirements.txt\npredict: "src/predict.py:Predictor"\n',
        'models/sd/requirements.txt': 'torch\n',
      },
      'models/sd/cog.yaml',
    );
    expect(manifest.files).toEqual(['models/sd/cog.yaml', 'models/sd/requirements.txt']);
    expect(manifest.entrypoint).toEqual({
      path: 'models/sd/src/predict.py',
      source: { file: 'models/sd/cog.yaml', line: 3 },
    });
  });

  it('reads markers and extras in python_packages, and warns about local paths', () => {
    const manifest = build(
      'python_packages:',
      '  - "diffusers[torch]==0.27.2"',
      '  - "triton; sys_platform == \'linux\'"',
      '  - ./vendor/pkg',
    );
    expect(manifest.requirements).toEqual([
      requirement('diffusers', '==0.27.2', 3, { extras: ['torch'] }),
      requirement('triton', '', 4, { marker: "sys_platform == 'linux'" }),
    ]);
    expect(manifest.warnings).toEqual([
      {
        message:
          "local path './vendor/pkg' is not a requirement; the project's own code is copied into the image",
        source: 'cog.yaml:5',
      },
    ]);
  });

  it('takes predict without a class as the file', () => {
    expect(read({ [COG]: 'predict: predict.py\n' }).entrypoint).toEqual({
      path: 'predict.py',
      source: { file: COG, line: 1 },
    });
  });

  it('returns an empty manifest for an empty file, or one without build', () => {
    for (const text of ['', '# todo\n', 'image: "r8.im/user/model"\n', 'build:\n']) {
      expect(read({ [COG]: text })).toEqual({
        format: 'cog',
        files: [COG],
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
});

describe('readCog: errors', () => {
  it('reports malformed YAML at its line and column', () => {
    const error = userError(() =>
      read({ [COG]: 'build:\n  gpu: true\n  python_packages: [torch\npredict: x\n' }),
    );
    expect(error.message).toMatch(/^invalid YAML: /);
    expect(error.source).toMatchObject({ file: COG, line: expect.any(Number), column: expect.any(Number) });
    expect(error.source?.line).toBeGreaterThanOrEqual(3);
  });

  it('reports an unresolved alias as a UserError', () => {
    expect(userError(() => read({ [COG]: 'build: *x\n' })).message).toMatch(/^invalid YAML: /);
  });

  it.each([
    ['- build\n', 'cog.yaml:1: cog.yaml is a mapping with `build` and `predict` keys'],
    ['build: [gpu]\n', 'cog.yaml:1: `build` must be a mapping'],
    [
      'build:\n  python_version: "three"\n',
      "cog.yaml:2: `python_version` must be a version like '3.11' or '3.11.4'",
    ],
    [
      'build:\n  python_version: [3]\n',
      "cog.yaml:2: `python_version` must be a version like '3.11' or '3.11.4'",
    ],
    ['build:\n  gpu: "yes"\n', 'cog.yaml:2: `gpu` must be true or false'],
    ['build:\n  gpu: true\n  cuda: latest\n', "cog.yaml:3: `cuda` must be a version like '12.1' or '11.8.0'"],
    [
      'build:\n  python_packages: torch\n',
      'cog.yaml:2: `python_packages` must be a list of requirement strings',
    ],
    [
      'build:\n  python_packages:\n    - torch\n    - 1.0\n',
      'cog.yaml:4: each `python_packages` item must be a requirement string',
    ],
    [
      'build:\n  python_packages:\n    - {torch: 2}\n',
      'cog.yaml:3: each `python_packages` item must be a requirement string',
    ],
    [
      'build:\n  python_packages:\n    - "torch>>2"\n',
      "cog.yaml:3:13: invalid version specifier '>>2' for torch: '>2' is not a PEP 440 version",
    ],
    [
      'build:\n  python_requirements: [a.txt]\n',
      'cog.yaml:2: `python_requirements` must be the path of a requirements file',
    ],
    ['build:\n  python_requirements: missing.txt\n', "cog.yaml:2: cannot read 'missing.txt'"],
    ['build:\n  python_requirements: ../up.txt\n', "cog.yaml:2: '../up.txt' is outside the repository"],
    ['predict: 3\n', "cog.yaml:1: `predict` must name the predictor like 'predict.py:Predictor'"],
    ['predict: ":Predictor"\n', "cog.yaml:1: `predict` must name the predictor like 'predict.py:Predictor'"],
  ])('rejects %j', (text, located) => {
    expect(userError(() => read({ [COG]: text })).located).toBe(located);
  });

  it.each([
    [
      'build:\n  run:\n    - command: pip install private\n      mounts:\n        - type: secret\n          id: pip\n          target: /etc/pip.conf\n',
      "cog.yaml:3: `run` commands ('pip install private') are not carried over",
    ],
    ['build:\n  run: echo hi\n', "cog.yaml:2: `run` commands ('echo hi') are not carried over"],
    ['build:\n  run:\n    - [echo]\n', 'cog.yaml:3: `run` commands are not carried over'],
    ['build:\n  run: {}\n', 'cog.yaml:2: `run` commands are not carried over'],
  ])('refuses `run` %j at its first item', (text, located) => {
    expect(userError(() => read({ [COG]: text })).located.startsWith(located)).toBe(true);
  });

  it.each(['build:\n  run: []\n', 'build:\n  run:\n'])('takes %j, which runs nothing', (text) => {
    expect(read({ [COG]: text }).requirements).toEqual([]);
  });

  it('reports an error inside the requirements file at that file’s line', () => {
    const error = userError(() =>
      read({
        [COG]: 'build:\n  python_requirements: requirements.txt\n',
        'requirements.txt': 'torch\nnumpy>>1\n',
      }),
    );
    expect(error.source).toMatchObject({ file: 'requirements.txt', line: 2 });
  });
});

const TOKENS = [
  'build:',
  '\n',
  '\n  ',
  '\n    - ',
  '  ',
  '- ',
  'gpu: true',
  'gpu: ',
  'cuda: ',
  '"12.1"',
  '11.0',
  'python_version: ',
  '"3.11"',
  '3.10',
  'python_packages:',
  'python_requirements: requirements.txt',
  'python_requirements: ',
  'system_packages:',
  'predict: "predict.py:Predictor"',
  'predict: ',
  'torch==2.0.1',
  'numpy>=1',
  '--extra-index-url https://download.pytorch.org/whl/cu121',
  'git+https://github.com/openai/CLIP.git',
  '-r requirements.txt',
  '[',
  ']',
  '{',
  '}',
  ':',
  '"',
  "'",
  '#',
  '&a',
  '*a',
  '\t',
  '..',
  '/',
  'constructor',
  '__proto__',
];

const text = fc.oneof(
  fc.string({ unit: fc.constantFrom(...TOKENS), maxLength: 40 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
);

const mangled = fc.oneof(
  fc.nat({ max: MUSICGEN.length }).map((end) => MUSICGEN.slice(0, end)),
  fc
    .tuple(fc.nat({ max: INPAINTING.length }), fc.nat({ max: INPAINTING.length }))
    .map(([a, b]) => INPAINTING.slice(0, Math.min(a, b)) + INPAINTING.slice(Math.max(a, b))),
  fc
    .tuple(fc.nat({ max: OMNI_ZERO.length }), text)
    .map(([at, inserted]) => OMNI_ZERO.slice(0, at) + inserted + OMNI_ZERO.slice(at)),
);

describe('readCog never fails except with a UserError', () => {
  it('on random, truncated and spliced cog.yaml files (property)', () => {
    fc.assert(
      fc.property(fc.oneof(text, mangled), text, (main, included) => {
        const tree: Record<string, string> = { [COG]: main, 'requirements.txt': included };
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
        expect(manifest.format).toBe('cog');
        expect(manifest.files[0]).toBe(COG);
        for (const found of manifest.requirements) {
          expect(manifest.files).toContain(found.source.file);
          const lines = (tree[found.source.file] ?? '').split(/\r?\n/).length;
          expect(found.source.line).toBeGreaterThanOrEqual(1);
          expect(found.source.line).toBeLessThanOrEqual(lines);
          expect(found.name).toBe(normalizeName(found.name));
        }
        for (const hint of manifest.python) expect(hint.text).toMatch(/^3\.\d{1,2}(?:\.\d+)?$/);
        for (const hint of manifest.cuda) expect(hint.version).toMatch(/^\d+(?:\.\d+)?$/);
        if (manifest.entrypoint) expect(manifest.entrypoint.path).not.toBe('');
      }),
      { numRuns: 200 },
    );
  });
});
