import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * Adversarial project folders for `ml-container detect` (issue #13): each a manifest of some kind,
 * from the detect fixtures or written here, with hostile mutations on top. Generated from a seed,
 * so a failing case is rebuilt exactly from the seed and its number.
 */

/** One thing in a case's folder, by its path relative to the folder ('' for the folder itself). */
export type Entry =
  | { kind: 'file'; data: Buffer; mode?: number }
  /** A file of this size with no data written: over a cap without spending the disk. */
  | { kind: 'sparse'; size: number }
  | { kind: 'fifo' }
  | { kind: 'link'; target: string }
  | { kind: 'folder'; mode?: number };

export interface FuzzCase {
  id: number;
  description: string;
  entries: Map<string, Entry>;
}

/** Written in a file outside every case: no output may ever show it. */
export const SECRET = 'FUZZ_SECRET_9f3c1d';

/** mulberry32: small, fast, and the same everywhere. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const int = (random: Random, below: number): number => Math.floor(random() * below);
const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, items.length)] as T;

const text = (value: string): Entry => ({ kind: 'file', data: Buffer.from(value, 'utf8') });
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
const MANIFESTS = [
  'requirements.txt',
  'pyproject.toml',
  'Pipfile',
  'Pipfile.lock',
  'environment.yml',
  'environment.yaml',
  'cog.yaml',
  'setup.cfg',
  'setup.py',
  'pylock.toml',
  'uv.lock',
  'poetry.lock',
  'pdm.lock',
];
const HASH = `sha256:${'ab'.repeat(32)}`;

/** The detect fixtures' files, each fixture a valid (or deliberately invalid) project. */
function fixtures(): Map<string, Entry>[] {
  const root = 'test/fixtures/detect';
  return readdirSync(root)
    .sort()
    .map((name) => {
      const entries = new Map<string, Entry>();
      const walk = (folder: string): void => {
        for (const entry of readdirSync(folder, { withFileTypes: true })) {
          const full = join(folder, entry.name);
          const path = relative(join(root, name), full);
          if (entry.isDirectory()) walk(full);
          else if (entry.isFile() && path !== 'README.md' && path !== 'expected.json') {
            entries.set(path, { kind: 'file', data: readFileSync(full) });
          }
        }
      };
      walk(join(root, name));
      return entries;
    });
}

/** Manifests written here, one per kind, each exercising the syntax its reader knows. */
const SYNTHETIC: Record<string, () => Map<string, Entry>> = {
  requirements: () =>
    new Map([
      [
        'requirements.txt',
        text(
          [
            '# pinned for the model',
            '--extra-index-url https://download.pytorch.org/whl/cu121',
            'torch==2.1.0+cu121 \\',
            `    --hash=${HASH}`,
            'numpy>=1.26,<2  # inline comment',
            'pandas[excel,performance]>=2; python_version >= "3.9"',
            'requests @ https://example.org/requests-2.31.0.tar.gz',
            'git+https://github.com/org/pkg.git#egg=pkg',
            '-r more/base.txt',
            '-c constraints.txt',
            '--pre',
            '',
          ].join('\n'),
        ),
      ],
      ['more/base.txt', text('scikit-learn~=1.4\n-r ../shared.txt\n')],
      ['shared.txt', text('joblib>=1.3\n')],
      ['constraints.txt', text('numpy<2\n')],
      ['.python-version', text('3.11\n')],
    ]),
  pep621: () =>
    new Map([
      [
        'pyproject.toml',
        text(
          '[project]\nname = "demo"\nversion = "1"\nrequires-python = ">=3.10"\ndependencies = [\n  "torch>=2.1",\n  "transformers[torch]==4.44.0",\n]\n[project.optional-dependencies]\ngpu = ["jax[cuda12]"]\n[project.scripts]\ndemo = "demo.cli:main"\n',
        ),
      ],
    ]),
  poetry: () =>
    new Map([
      [
        'pyproject.toml',
        text(
          '[tool.poetry]\nname = "demo"\nversion = "1"\n[tool.poetry.dependencies]\npython = "^3.10"\ntorch = { version = "^2.1", source = "pytorch" }\nxgboost = "2.0.3"\n[[tool.poetry.source]]\nname = "pytorch"\nurl = "https://download.pytorch.org/whl/cu118"\npriority = "explicit"\n',
        ),
      ],
    ]),
  uv: () =>
    new Map([
      [
        'pyproject.toml',
        text(
          '[project]\nname = "demo"\nversion = "1"\ndependencies = ["torch>=2.4", "lightgbm"]\n[tool.uv]\ndev-dependencies = ["pytest"]\n[[tool.uv.index]]\nname = "pytorch-cu124"\nurl = "https://download.pytorch.org/whl/cu124"\nexplicit = true\n[tool.uv.sources]\ntorch = { index = "pytorch-cu124" }\n',
        ),
      ],
    ]),
  pdm: () =>
    new Map([
      [
        'pyproject.toml',
        text(
          '[project]\nname = "demo"\nversion = "1"\ndependencies = ["torch>=2.1"]\n[tool.pdm]\ndistribution = false\n[[tool.pdm.source]]\nname = "pytorch"\nurl = "https://download.pytorch.org/whl/cpu"\ninclude_packages = ["torch"]\n',
        ),
      ],
    ]),
  pipfile: () =>
    new Map([
      [
        'Pipfile',
        text(
          '[[source]]\nname = "pypi"\nurl = "https://pypi.org/simple"\nverify_ssl = true\n[packages]\ntorch = {version = "==2.1.0", index = "pypi"}\nnumpy = "*"\n[requires]\npython_version = "3.11"\n',
        ),
      ],
      [
        'Pipfile.lock',
        text(
          JSON.stringify(
            {
              _meta: {
                requires: { python_version: '3.11' },
                sources: [{ name: 'pypi', url: 'https://pypi.org/simple' }],
              },
              default: { torch: { hashes: [HASH], version: '==2.1.0' }, numpy: { version: '==1.26.4' } },
              develop: {},
            },
            null,
            4,
          ),
        ),
      ],
    ]),
  conda: () =>
    new Map([
      [
        'environment.yml',
        text(
          'name: demo\nchannels: [pytorch, nvidia, conda-forge]\ndependencies:\n  - python=3.10\n  - pytorch::pytorch=2.1.0=py3.10_cuda12.1_cudnn8.9.2_0\n  - pytorch-cuda=12.1\n  - numpy >=1.8, <2\n  - pip\n  - pip:\n    - transformers==4.44.0\n    - -r requirements-extra.txt\n',
        ),
      ],
      ['requirements-extra.txt', text('accelerate\n')],
    ]),
  cog: () =>
    new Map([
      [
        'cog.yaml',
        text(
          'build:\n  gpu: true\n  cuda: "12.1"\n  python_version: 3.10\n  system_packages: [libgl1]\n  python_requirements: requirements.txt\npredict: "predict.py:Predictor"\n',
        ),
      ],
      ['requirements.txt', text('torch==2.1.0\n')],
      ['predict.py', text('class Predictor: pass\n')],
    ]),
  setuptools: () =>
    new Map([
      [
        'setup.cfg',
        text(
          '[metadata]\nname = demo\n[options]\npython_requires = >=3.9\ninstall_requires =\n    catboost>=1.2\n    numpy\n',
        ),
      ],
      [
        'setup.py',
        text(
          'from setuptools import setup\nsetup(\n  install_requires=[\n    \'torch>=2.0\',  # the model\n    "numpy",\n  ],\n)\n',
        ),
      ],
    ]),
  pylock: () =>
    new Map([
      [
        'pylock.toml',
        text(
          `lock-version = "1.0"\nrequires-python = ">=3.11"\ncreated-by = "uv"\n[[packages]]\nname = "scikit-learn"\nversion = "1.5.2"\nindex = "https://pypi.org/simple"\nwheels = [{ name = "scikit_learn-1.5.2-cp311-none-any.whl", hashes = { sha256 = "${'ab'.repeat(32)}" } }]\n`,
        ),
      ],
    ]),
};

/** The manifest-like files of a case a mutation may pick on: its manifests and requirement files. */
function targets(entries: Map<string, Entry>): string[] {
  const names = [...entries].filter(
    ([path, entry]) =>
      entry.kind === 'file' &&
      (MANIFESTS.includes(path.slice(path.lastIndexOf('/') + 1)) ||
        /\.(?:txt|in|toml|ya?ml|json|cfg|py)$/.test(path)),
  );
  return names.map(([path]) => path).sort();
}

function dataOf(entries: Map<string, Entry>, path: string): Buffer {
  const entry = entries.get(path);
  return entry?.kind === 'file' ? entry.data : Buffer.alloc(0);
}

function replaceAt(data: Buffer, at: number, insert: Buffer, remove = 0): Buffer {
  return Buffer.concat([data.subarray(0, at), insert, data.subarray(at + remove)]);
}

/** Where a mutation lands in a file: the start of a random line, so it lands in the syntax more often than not. */
function lineStart(random: Random, data: Buffer): number {
  const starts = [0];
  for (let index = data.indexOf(10); index >= 0; index = data.indexOf(10, index + 1)) starts.push(index + 1);
  return pick(random, starts);
}

/** Nesting `depth` deep in the syntax of `path`'s format. */
function deepNesting(random: Random, path: string, depth: number): string {
  if (path.endsWith('.json') || path === 'Pipfile.lock') {
    return pick(random, [
      `{"default": {"x": ${'['.repeat(depth)}${']'.repeat(depth)}}}`,
      `{"default": {"x": ${'{"a": '.repeat(depth)}1${'}'.repeat(depth)}}}`,
      `{"_meta": ${'['.repeat(depth)}`,
    ]);
  }
  if (/\.ya?ml$/.test(path)) {
    return pick(random, [
      `dependencies:\n  - ${'['.repeat(depth)}${']'.repeat(depth)}\n`,
      `dependencies:\n  - ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`,
      `dependencies:\n${'- '.repeat(depth)}x\n`,
      `build:\n  python_packages: ${'['.repeat(depth)}\n`,
    ]);
  }
  if (path.endsWith('.toml') || path.endsWith('.lock') || path === 'Pipfile') {
    return pick(random, [
      `[project]\nname = "x"\nversion = "1"\ndependencies = ${'['.repeat(depth)}${']'.repeat(depth)}\n`,
      `[tool.x]\na = ${'{ b = '.repeat(depth)}1${' }'.repeat(depth)}\n`,
      `[${Array.from({ length: depth }, () => 'a').join('.')}]\n`,
      `${Array.from({ length: depth }, () => 'a').join('.')} = 1\n`,
    ]);
  }
  return `numpy; ${'('.repeat(depth)}python_version > "3"${')'.repeat(depth)}\n`;
}

/** `requirements.txt` includes d0.txt, which includes d1.txt, …, d`depth`.txt, which holds `last`. */
function includeChain(entries: Map<string, Entry>, depth: number, last: string): Map<string, Entry> {
  entries.set('requirements.txt', text('-r d0.txt\n'));
  for (let index = 0; index < depth; index++) entries.set(`d${index}.txt`, text(`-r d${index + 1}.txt\n`));
  entries.set(`d${depth}.txt`, text(last));
  return entries;
}

/** A project `depth` folders below the top, with a model beside it. */
function deepFolders(entries: Map<string, Entry>, depth: number): Map<string, Entry> {
  const folder = Array.from({ length: depth }, () => 'd').join('/');
  entries.set(`${folder}/requirements.txt`, text('numpy\n'));
  entries.set(`${folder}/model.pt`, text('x'));
  return entries;
}

type Mutation = (random: Random, entries: Map<string, Entry>, target: string) => string;

/** Hostile changes, each returning what it did, for the case's description. */
const MUTATIONS: Record<string, Mutation> = {
  flipBytes(random, entries, target) {
    const data = Buffer.from(dataOf(entries, target));
    const count = 1 + int(random, 8);
    for (let index = 0; index < count && data.length > 0; index++)
      data[int(random, data.length)] = int(random, 256);
    entries.set(target, { kind: 'file', data });
    return `${count} random bytes in ${target}`;
  },
  truncate(random, entries, target) {
    const data = dataOf(entries, target);
    const at = int(random, data.length + 1);
    entries.set(target, { kind: 'file', data: data.subarray(0, at) });
    return `${target} cut at byte ${at}`;
  },
  invalidUtf8(random, entries, target) {
    const data = dataOf(entries, target);
    const bytes = pick(random, [[0xff], [0xc3], [0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]);
    entries.set(target, { kind: 'file', data: replaceAt(data, lineStart(random, data), Buffer.from(bytes)) });
    return `invalid UTF-8 in ${target}`;
  },
  nulBytes(random, entries, target) {
    const data = dataOf(entries, target);
    entries.set(target, {
      kind: 'file',
      data: replaceAt(data, int(random, data.length + 1), Buffer.alloc(1 + int(random, 4))),
    });
    return `NUL bytes in ${target}`;
  },
  bom(_random, entries, target) {
    entries.set(target, {
      kind: 'file',
      data: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), dataOf(entries, target)]),
    });
    return `a byte order mark before ${target}`;
  },
  lineEndings(random, entries, target) {
    const ending = pick(random, ['\r', '\r\n', '\u2028', '\u0085', '\f']);
    entries.set(target, text(dataOf(entries, target).toString('utf8').replace(/\r?\n/g, ending)));
    return `${JSON.stringify(ending)} line endings in ${target}`;
  },
  longRun(random, entries, target) {
    const char = pick(random, [
      ' ',
      '#',
      '\\',
      '[',
      '{',
      '"',
      "'",
      '=',
      '-',
      '/',
      'a',
      '.',
      '\t',
      ':',
      ',',
      '(',
      '$',
    ]);
    const length = pick(random, [10_000, 100_000]);
    const data = dataOf(entries, target);
    const at = random() < 0.5 ? lineStart(random, data) : int(random, data.length + 1);
    entries.set(target, { kind: 'file', data: replaceAt(data, at, Buffer.from(char.repeat(length))) });
    return `a run of ${length} ${JSON.stringify(char)} in ${target}`;
  },
  hugeLine(random, entries, target) {
    const unit = pick(random, ['x,', 'a ', '# ', 'numpy ', '[', '\\', '"a",']);
    const length = pick(random, [1, 3]) * 2 ** 20;
    entries.set(target, { kind: 'file', data: Buffer.from(unit.repeat(Math.ceil(length / unit.length))) });
    return `${target} is one ${length >> 20} MiB line of ${JSON.stringify(unit)}`;
  },
  overCap(_random, entries, target) {
    entries.set(target, { kind: 'sparse', size: 16 * 2 ** 20 + 1 });
    return `${target} is over 16 MiB`;
  },
  prototypeNames(random, entries, target) {
    const name = pick(random, PROTOTYPE_NAMES);
    const source = dataOf(entries, target).toString('utf8');
    const known =
      /\b(numpy|torch|pandas|xgboost|lightgbm|scikit-learn|transformers|boto3|pypi|default|packages|dependencies|build|python|project|source|extras|markers|version|name)\b/g;
    const replaced = source.replace(known, (word) => (random() < 0.5 ? name : word));
    entries.set(target, text(replaced === source ? `${name}\n${source}` : replaced));
    return `${name} for names and keys in ${target}`;
  },
  prototypeManifest(random, entries) {
    const name = pick(random, PROTOTYPE_NAMES);
    const file = pick(random, [
      [
        'environment.yml',
        `dependencies: [${name}, numpy, {pip: [${name}, "${name}[${name}]"]}]\n${name}: 1\n`,
      ],
      ['requirements.txt', `${name}\n${name}[${name}]==1.0; extra == "${name}"\n`],
      [
        'pyproject.toml',
        `[project]\nname = "${name}"\nversion = "1"\ndependencies = ["${name}", "numpy[${name}]"]\n[project.optional-dependencies]\n${name} = ["torch"]\n[tool.uv.sources]\n${name} = { index = "${name}" }\n[[tool.uv.index]]\nname = "${name}"\nurl = "https://example.org/simple"\n`,
      ],
      [
        'Pipfile',
        `[[source]]\nname = "${name}"\nurl = "https://example.org/simple"\n[packages]\n${name} = {version = "*", index = "${name}"}\n"${name}" = "*"\n[${name}]\n${name} = "*"\n`,
      ],
      ['cog.yaml', `build:\n  python_packages: ["${name}"]\n  ${name}: 1\n${name}: x\n`],
      ['setup.cfg', `[options]\ninstall_requires =\n    ${name}\n[${name}]\n${name} = 1\n`],
    ]);
    const [path, body] = file as [string, string];
    entries.set(path, text(body));
    return `${name} as a package, extra, key and source in ${path}`;
  },
  deepNesting(random, entries, target) {
    const depth = pick(random, [300, 5_000, 30_000]);
    entries.set(target, text(deepNesting(random, target, depth)));
    return `${target} nested ${depth} deep`;
  },
  manyLines(random, entries, target) {
    const count = 20_000;
    const lines = Array.from({ length: count }, (_, index) => `pkg${index}`);
    const forms: Record<string, string> = {
      'requirements.txt': `${lines.join('\n')}\n`,
      'pyproject.toml': `[project]\nname = "x"\nversion = "1"\ndependencies = [\n${lines.map((line) => `  "${line}",`).join('\n')}\n]\n`,
      'environment.yml': `dependencies:\n  - pip:\n${lines.map((line) => `    - ${line}`).join('\n')}\n`,
      'setup.py': `setup(install_requires=[\n${lines.map((line) => `  '${line}',`).join('\n')}\n])\n`,
      Pipfile: `[packages]\n${lines.map((line) => `${line} = "*"`).join('\n')}\n`,
    };
    const file = forms[target] ? target : pick(random, Object.keys(forms));
    entries.set(file, text(forms[file] as string));
    return `${count} dependencies in ${file}`;
  },
  includeChain(random, entries) {
    const depth = pick(random, [50, 500]);
    includeChain(entries, depth, random() < 0.5 ? 'numpy\n' : '-r d0.txt\n');
    return `a chain of ${depth} -r includes`;
  },
  includeFanOut(random, entries) {
    const option = pick(random, ['-r', '-c']);
    entries.set('requirements.txt', text(`numpy\n${option} f0.txt\n`));
    for (let index = 0; index < 22; index++) {
      entries.set(`f${index}.txt`, text(`-r f${index + 1}.txt\n${option} f${index + 1}.txt\n`));
    }
    entries.set('f22.txt', text('numpy==1.26.4\n--index-url https://example.org/simple\n'));
    return `22 levels of ${option} includes, each twice`;
  },
  fifo(random, entries, target) {
    const path = pick(random, [
      target,
      '.python-version',
      '.dockerignore',
      '.gitignore',
      'more.txt',
      'sub/notes.txt',
      'model.json',
    ]);
    entries.set(path, { kind: 'fifo' });
    if (path === 'more.txt') entries.set('requirements.txt', text('-r more.txt\n'));
    return `${path} is a FIFO`;
  },
  link(random, entries, target) {
    const path = pick(random, [
      target,
      '.python-version',
      'more.txt',
      'runtime.txt',
      'model.pkl',
      'sub/link',
    ]);
    const link = pick(random, [
      '/dev/zero',
      '/dev/urandom',
      '/etc/passwd',
      '@outside/secret.txt',
      '@outside',
      'missing',
      path,
      '.',
      '..',
      '../../..',
    ]);
    entries.set(path, { kind: 'link', target: link });
    if (path === 'more.txt') entries.set('requirements.txt', text('numpy\n-r more.txt\n'));
    return `${path} links to ${link}`;
  },
  unreadable(random, entries, target) {
    const path = pick(random, [
      target,
      '',
      'sub',
      'sub/deeper',
      '.python-version',
      '.gitignore',
      'model.json',
      'notes.txt',
    ]);
    if (path === '' || path.startsWith('sub')) {
      entries.set(path, { kind: 'folder', mode: 0 });
      if (path) entries.set(`${path}/inside.py`, text('x = 1\n'));
    } else {
      const entry = entries.get(path);
      entries.set(path, {
        kind: 'file',
        data: entry?.kind === 'file' ? entry.data : Buffer.from('3.11\n'),
        mode: 0,
      });
    }
    return `${path || 'the project folder'} is unreadable`;
  },
  pythonVersion(random, entries) {
    const garbage = pick(random, [
      '\0\0\0',
      '3.11'.repeat(100_000),
      '\ufeff3.10\n',
      '#\n#\n',
      '3.\n',
      'python-3.99.1\n',
      '\xff\xfe',
      ' \n'.repeat(50_000),
      '3.11\r3.12',
    ]);
    entries.set(pick(random, ['.python-version', 'runtime.txt']), text(garbage));
    return `pin file holding ${JSON.stringify(garbage.slice(0, 12))}…`;
  },
  ignoreRules(random, entries) {
    const rules = pick(random, [
      `${'*a'.repeat(30)}b\n`,
      `${'**/'.repeat(200)}x\n`,
      `!${'['.repeat(1000)}\n`,
      `${'\\'.repeat(10_000)}\n`,
      '*\n!requirements.txt\n',
      '/\n..\n../x\n',
      `${'a/'.repeat(2000)}\n`,
    ]);
    entries.set(pick(random, ['.gitignore', '.dockerignore', 'sub/.gitignore']), text(rules));
    return `ignore rules ${JSON.stringify(rules.slice(0, 16))}…`;
  },
  deepFolders(random, entries) {
    const depth = pick(random, [100, 300]);
    deepFolders(entries, depth);
    return `folders ${depth} deep`;
  },
  oddNames(random, entries) {
    const name = pick(random, [
      'é.txt',
      ' .txt',
      '-r',
      '#.txt',
      'a b/requirements.txt',
      '__proto__/requirements.txt',
      'constructor.txt',
      '....txt',
    ]);
    entries.set(name, text('numpy\n'));
    entries.set('requirements.txt', text(`-r ${name}\n`));
    return `an include named ${JSON.stringify(name)}`;
  },
  manyProjects(random, entries) {
    const count = pick(random, [100, 1_000]);
    for (const [path] of [...entries]) if (!path.includes('/')) entries.delete(path);
    for (let index = 0; index < count; index++) entries.set(`p${index}/requirements.txt`, text('numpy\n'));
    return `${count} projects below, none at the top`;
  },
  randomBytes(random, entries, target) {
    const data = Buffer.alloc(int(random, 4096));
    for (let index = 0; index < data.length; index++) data[index] = int(random, 256);
    entries.set(target, { kind: 'file', data });
    return `${target} is ${data.length} random bytes`;
  },
  largeData(random, entries) {
    const path = pick(random, ['data.json', 'notes/big.txt', 'weights.bin', 'model.json']);
    entries.set(path, { kind: 'sparse', size: pick(random, [17, 80]) * 2 ** 20 });
    return `${path} is a large data file`;
  },
};

const COSTLY: ReadonlySet<string> = new Set([
  'longRun',
  'hugeLine',
  'deepNesting',
  'manyLines',
  'includeChain',
  'includeFanOut',
  'deepFolders',
  'manyProjects',
]);

/** Each case the issue names, once, before the random ones. */
const NAMED: [string, (random: Random) => Map<string, Entry>][] = [
  [
    'environment.yml: dependencies: [constructor]',
    () => new Map([['environment.yml', text('dependencies: [constructor]\n')]]),
  ],
  ['a chain of 3,001 -r includes', () => includeChain(new Map(), 3_001, 'numpy\n')],
  [
    'a cycle at the end of a chain of 3,001 -r includes',
    () => includeChain(new Map(), 3_001, '-r d1500.txt\n'),
  ],
  ['folders 1,500 deep', () => deepFolders(new Map([['requirements.txt', text('numpy\n')]]), 1_500)],
  ['a 22-level include fan-out', (random) => withMutation(random, new Map(), 'includeFanOut')],
  [
    '20,000 pyproject.toml dependencies',
    (random) => withMutation(random, new Map([['pyproject.toml', text('')]]), 'manyLines', 'pyproject.toml'),
  ],
  [
    'an unreadable project folder',
    () =>
      new Map<string, Entry>([
        ['requirements.txt', text('numpy\n')],
        ['', { kind: 'folder', mode: 0 }],
      ]),
  ],
  [
    'an unreadable subfolder',
    () =>
      new Map<string, Entry>([
        ['requirements.txt', text('numpy\n')],
        ['src', { kind: 'folder', mode: 0 }],
        ['src/a.py', text('')],
      ]),
  ],
  [
    'an unreadable manifest',
    () =>
      new Map<string, Entry>([['requirements.txt', { kind: 'file', data: Buffer.from('numpy\n'), mode: 0 }]]),
  ],
  [
    'a TOML array 100,000 deep',
    () =>
      new Map([
        [
          'pyproject.toml',
          text(
            `[project]\nname = "x"\nversion = "1"\ndependencies = ["numpy"]\n[tool.x]\na = ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
          ),
        ],
      ]),
  ],
  [
    'a YAML flow sequence 100,000 deep',
    () =>
      new Map([
        ['environment.yml', text(`dependencies:\n  - ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`)],
      ]),
  ],
  [
    'a Pipfile.lock 100,000 objects deep',
    () =>
      new Map([
        ['Pipfile', text('[packages]\nnumpy = "*"\n')],
        ['Pipfile.lock', text(`{"default": {"a": ${'{"a": '.repeat(100_000)}1${'}'.repeat(100_000)}}}`)],
      ]),
  ],
  [
    'requirements.txt over 16 MiB',
    () => new Map<string, Entry>([['requirements.txt', { kind: 'sparse', size: 16 * 2 ** 20 + 1 }]]),
  ],
  [
    'a FIFO as .python-version',
    () =>
      new Map<string, Entry>([
        ['requirements.txt', text('numpy\n')],
        ['.python-version', { kind: 'fifo' }],
      ]),
  ],
  [
    'a FIFO as an include',
    () =>
      new Map<string, Entry>([
        ['requirements.txt', text('-r more.txt\n')],
        ['more.txt', { kind: 'fifo' }],
      ]),
  ],
  [
    'a FIFO as .dockerignore',
    () =>
      new Map<string, Entry>([
        ['requirements.txt', text('numpy\n')],
        ['.dockerignore', { kind: 'fifo' }],
      ]),
  ],
  [
    'requirements.txt links to /dev/zero',
    () => new Map<string, Entry>([['requirements.txt', { kind: 'link', target: '/dev/zero' }]]),
  ],
  [
    'an include links outside',
    () =>
      new Map<string, Entry>([
        ['requirements.txt', text('-r more.txt\n')],
        ['more.txt', { kind: 'link', target: '@outside/secret.txt' }],
      ]),
  ],
];

function withMutation(
  random: Random,
  entries: Map<string, Entry>,
  name: string,
  target = 'requirements.txt',
): Map<string, Entry> {
  (MUTATIONS[name] as Mutation)(random, entries, target);
  return entries;
}

/** The seeded cases: the named ones, then `count` in all, each a base project with 1 or 2 mutations. */
export function fuzzCases(seed: number, count: number): FuzzCase[] {
  const random = prng(seed);
  const bases = [...fixtures().map((entries, index) => [`fixture ${index}`, entries] as const)];
  const cases: FuzzCase[] = NAMED.map(([description, build], id) => ({
    id,
    description,
    entries: build(random),
  }));
  // The costly mutations (many files, megabytes) are drawn a third as often: the test's time goes
  // mostly to starting the CLI, and the rest should not crowd it out.
  const names = Object.keys(MUTATIONS).flatMap((name) => (COSTLY.has(name) ? [name] : [name, name, name]));
  while (cases.length < count) {
    const id = cases.length;
    const synthetic = random() < 0.4;
    const [baseName, base] = synthetic
      ? (() => {
          const kind = pick(random, Object.keys(SYNTHETIC));
          return [kind, (SYNTHETIC[kind] as () => Map<string, Entry>)()] as const;
        })()
      : pick(random, bases);
    const entries = new Map(base);
    const done: string[] = [];
    const mutations = 1 + int(random, 2);
    for (let index = 0; index < mutations; index++) {
      const available = targets(entries);
      const target = available.length > 0 ? pick(random, available) : 'requirements.txt';
      done.push((MUTATIONS[pick(random, names)] as Mutation)(random, entries, target));
    }
    cases.push({ id, description: `${baseName}: ${done.join('; ')}`, entries });
  }
  return cases;
}

/**
 * Writes a case into `folder` (which exists). `@outside` in a link target is `outside`, a folder
 * holding SECRET. Every mode is set outright, whatever the umask, so the CLI may run as another
 * user; the modes a case sets are set last, deepest first, so a folder made unreadable is filled first.
 */
export function writeCase(folder: string, fuzzCase: FuzzCase, outside: string): void {
  const modes = new Map<string, number>();
  for (const path of [...fuzzCase.entries.keys()].sort()) {
    const entry = fuzzCase.entries.get(path) as Entry;
    const full = path ? join(folder, path) : folder;
    mkdirSync(path ? dirname(full) : folder, { recursive: true });
    if (entry.kind === 'folder') mkdirSync(full, { recursive: true });
    else if (entry.kind === 'file') writeFileSync(full, entry.data);
    else if (entry.kind === 'sparse') {
      const fd = openSync(full, 'w');
      ftruncateSync(fd, entry.size);
      closeSync(fd);
    } else if (entry.kind === 'fifo') {
      const made = spawnSync('mkfifo', [full]);
      if (made.status !== 0) throw new Error(`mkfifo ${full} failed`);
    } else symlinkSync(entry.target.replace('@outside', outside), full);
    // chmod follows a link: a link keeps its target's mode.
    if (entry.kind !== 'link') {
      const chosen = entry.kind === 'file' || entry.kind === 'folder' ? entry.mode : undefined;
      modes.set(full, chosen ?? (entry.kind === 'folder' ? 0o755 : 0o644));
    }
    const parts = path.split('/').slice(0, -1);
    for (let depth = 0; depth <= parts.length; depth++) {
      const above = join(folder, ...parts.slice(0, depth));
      if (!modes.has(above)) modes.set(above, 0o755);
    }
  }
  for (const [full, mode] of [...modes].sort((a, b) => b[0].length - a[0].length)) chmodSync(full, mode);
}

/** Gives back the permissions a case took away, shallowest first, so that its folder can be removed. */
export function restoreModes(folder: string, fuzzCase: FuzzCase): void {
  const changed = [...fuzzCase.entries].filter(([, entry]) => 'mode' in entry && entry.mode !== undefined);
  for (const [path, entry] of changed.sort((a, b) => a[0].length - b[0].length)) {
    chmodSync(path ? join(folder, path) : folder, entry.kind === 'folder' ? 0o755 : 0o644);
  }
}
