import { projectFolderPath } from './adapters/project-folder.js';
import { type DockerfileInputs, inputList, parseDockerfileInputs, parseName } from './dockerfile-inputs.js';
import { UserError } from './errors.js';
import { REQUEST_PATH } from './plan/safe-values.js';
import type { BuildNetwork, CacheBackend } from './plan/types.js';
import { parseByteSize } from './size/units.js';
import { quoted } from './text.js';

/**
 * Every action input, once. action.yml is checked against this table by a unit test, so the two
 * cannot drift.
 */
export const inputTable = [
  {
    name: 'context',
    default: '.',
    description: 'Path of the ML project to containerize (a sub-project in a monorepo).',
  },
  {
    name: 'dependency-file',
    default: '',
    description:
      'The dependency file to use, relative to `context` (e.g. `inference/requirements.txt`, or a pyproject.toml, Pipfile or environment.yml), when the repository keeps several. `context` stays the build context, so models outside that folder are still in the image.',
  },
  {
    name: 'image',
    default: '',
    description:
      'Image repository to tag, e.g. `ghcr.io/owner/model`. Defaults to `ghcr.io/<owner>/<repo>` on GitHub, `ml-container/<folder>` locally.',
  },
  {
    name: 'tags',
    default: '',
    description:
      'Full image references to tag, one per line or comma-separated (the output of docker/metadata-action drops in). Computed from the event when empty.',
  },
  {
    name: 'labels',
    default: '',
    description: 'Extra image labels, `key=value`, one per line. They override the computed ones.',
  },
  {
    name: 'push',
    default: 'false',
    description: 'Push the image once the smoke test passed. Pull-request events never push.',
  },
  { name: 'variant', default: 'auto', description: '`auto`, `cpu` or `gpu`.' },
  { name: 'python-version', default: '', description: 'Python `major.minor`; overrides what is detected.' },
  {
    name: 'base-image',
    default: '',
    description:
      'Base image to build on, overriding the table in src/data/compat.json. It is still pinned by digest.',
  },
  {
    name: 'system-packages',
    default: '',
    description:
      "Debian packages apt installs in the image, one per line or comma-separated, as cog's `system_packages` (Debian names: lowercase letters, digits, `+`, `-`, `.`).",
  },
  {
    name: 'index-url',
    default: '',
    description:
      'Python package index used to resolve the lock and install it (pip `--index-url`). Defaults to PyPI.',
  },
  {
    name: 'network',
    default: 'default',
    description:
      'Network for RUN steps and lock resolution: `default`, `host` or `none` (as in docker/build-push-action).',
  },
  {
    name: 'smoke-command',
    default: '',
    description:
      'A command run inside the image after the built-in checks, e.g. `python predict.py --self-test`. Must exit 0.',
  },
  { name: 'smoke-timeout', default: '300', description: 'Seconds the smoke test may take before it fails.' },
  {
    name: 'smoke-memory',
    default: '4g',
    description: 'Memory limit of the smoke-test container (`docker run --memory`).',
  },
  {
    name: 'plan-only',
    default: 'false',
    description:
      'Stop after planning and set the `matrix` output (the variants this project has), so a first job can fan out a CPU/GPU matrix.',
  },
  {
    name: 'reproducible',
    default: 'auto',
    description:
      '`true`: rewrite every file time in the image to the commit time, so two builds of one commit give the same image digest (an OCI export and load, seconds per build); `false`: load straight into the image store; `auto`: `true` when the run pushes.',
  },
  {
    name: 'provenance',
    default: 'true',
    description: 'Attach a SLSA provenance attestation (`mode=max`) when the builder can store it.',
  },
  {
    name: 'sbom',
    default: 'true',
    description:
      'Attach an SPDX SBOM attestation made by `sbom-generator` when the builder can store it and the generator image can be resolved; the summary says why when not.',
  },
  {
    name: 'sbom-generator',
    default: 'docker/buildkit-syft-scanner:stable-1',
    description:
      "The BuildKit SBOM generator image (BuildKit's own default), pinned by digest for the build.",
  },
  {
    name: 'builder',
    default: '',
    description:
      "The buildx builder to build with (as docker/build-push-action): empty takes `BUILDX_BUILDER`, else the current builder. The README's table says what each driver (`docker`, `docker-container`, `remote`, `kubernetes`) keeps.",
  },
  {
    name: 'file',
    default: '',
    description:
      "The project's own Dockerfile, relative to `context`, built instead of the generated one (with `context` as its build context): detection still feeds the smoke test, which loads and predicts every model inside that image, and labels, provenance, tags and push rules stay as they are. No lock is made: the Dockerfile installs what it installs.",
  },
  {
    name: 'target',
    default: '',
    description: 'The stage of `file` to build (buildx `--target`), as in docker/build-push-action.',
  },
  {
    name: 'platforms',
    default: '',
    description:
      "Target platforms, e.g. `linux/amd64,linux/arm64` (empty: the runner's own). Each is locked and smoke-tested on itself, so the runner must run every one (natively or with docker/setup-qemu-action).",
  },
  {
    name: 'cache',
    default: 'none',
    description:
      "BuildKit cache backend: `gha` (the Actions cache, scoped per variant), `registry` (`<image>:buildcache-<variant>`), `local` (a folder under `~/.cache/ml-container`) or `none`. The registry cache is written only by a run that may push; no cache (nor `cache-to`) is written from a fork's pull request or under `pull_request_target`.",
  },
  {
    name: 'cache-from',
    default: '',
    description: 'More cache sources, one per line, passed to buildx `--cache-from`.',
  },
  {
    name: 'cache-to',
    default: '',
    description: 'More cache destinations, one per line, passed to buildx `--cache-to`.',
  },
  {
    name: 'github-token',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an Actions expression the runner expands
    default: '${{ github.token }}',
    description:
      'Token BuildKit lists `gha` cache entries with through the GitHub API, which is not rate-limited like the cache API (as docker/build-push-action does).',
  },
  {
    name: 'build-args',
    default: '',
    description:
      "Build arguments for `file`, `KEY=value`, one per line (docker/build-push-action's syntax). BuildKit records them in the provenance attestation: pass secrets with `secrets`.",
  },
  {
    name: 'secrets',
    default: '',
    description:
      "Build secrets for `file`, `id=value`, one per line (docker/build-push-action's syntax), mounted with `RUN --mount=type=secret,id=<id>`: masked in the log, never a build argument, a layer or provenance. Withheld from a fork's pull request unless `allow-fork-credentials`.",
  },
  {
    name: 'extra-index-urls',
    default: '',
    description: 'More package indexes, one per line (pip `--extra-index-url`).',
  },
  {
    name: 'pytorch-index-url',
    default: 'https://download.pytorch.org/whl',
    description:
      "Root of PyTorch's wheel indexes: `<root>/cpu` gives the CPU variant its CPU-only torch, `<root>/cuXXX` a GPU variant a CUDA build other than PyPI's.",
  },
  {
    name: 'smoke-expected',
    default: '',
    description:
      'File (YAML or JSON, relative to `context`) with the golden output of `smoke-command`: `output` (text, or a JSON value compared with the output parsed as JSON), `tolerance` (absolute) and `relative-tolerance` for numbers.',
  },
  {
    name: 'smoke-serve',
    default: 'auto',
    description:
      "Serve test: start the image with its own command (the server detect found: FastAPI, Flask, Streamlit, Gradio, cog, a Procfile's `web`), offline, and probe its port. `auto` runs it when a server is found, `true` also fails when none is, `false` skips it (the image still runs the server).",
  },
  {
    name: 'smoke-http-path',
    default: '',
    description:
      "Path the serve test asks first and which must answer 2xx, e.g. `/health`. Default: the app's own health route when its code has one, else the framework's (`/openapi.json`, `/_stcore/health`, `/health-check`).",
  },
  {
    name: 'smoke-request',
    default: '',
    description:
      'File (YAML or JSON, relative to `context`) with a prediction request the serve test sends: `method`, `path`, `body` (a JSON file, relative to `context`), `status` (default 200), and optionally the golden response as in `smoke-expected` (`output`, `tolerance`, `relative-tolerance`).',
  },
  {
    name: 'max-image-size',
    default: '',
    description:
      "Fail the run, before anything is pushed, when an image is larger than this: `2GiB`, `750MiB`, `500MB` (SI units count in 1000s, IEC ones in 1024s) or a number of bytes. The size compared is the image uncompressed, its layers added up as `docker history` lists them and the summary's size report shows: the same on either image store, unlike `docker image inspect`'s `.Size` (compressed on the containerd store), and more than a registry stores. Empty: no limit.",
  },
  {
    name: 'allow-lfs-pointers',
    default: 'false',
    description:
      'Build even when model files are Git LFS pointers (their weights were never fetched): they are left out of the smoke test and the image ships without them. By default such a run fails before anything is locked; fetch the weights with `actions/checkout` and `lfs: true` instead.',
  },
  {
    name: 'allow-fork-credentials',
    default: 'false',
    description:
      "Hand index credentials to the resolver and the build of a fork's pull request, whose requirements may run build scripts. By default they are withheld (the log says so) and a private index then refuses the run.",
  },
  {
    name: 'write-generated',
    default: '',
    description:
      'Write the generated Dockerfile, .dockerignore, requirements.lock and plan.json into this folder of the project (e.g. `.ml-container`), one subfolder per variant when there are several, to commit them.',
  },
  {
    name: 'check-generated',
    default: 'false',
    description:
      'Fail when the generated files committed in `write-generated` (default `.ml-container`) differ from a fresh plan, showing the diff in the job summary.',
  },
] as const satisfies readonly { name: string; default: string; description: string }[];

export type InputName = (typeof inputTable)[number]['name'];
const PYTORCH_INDEX_DEFAULT = inputTable.find((input) => input.name === 'pytorch-index-url')?.default;
export type Variant = 'auto' | 'cpu' | 'gpu';
export type { BuildNetwork, CacheBackend } from './plan/types.js';

export interface Inputs extends DockerfileInputs {
  context: string;
  /** Relative to `context`; null lets detect choose the manifest at the top of `context`. */
  dependencyFile: string | null;
  image: string | null;
  tags: string[];
  labels: Record<string, string>;
  push: boolean;
  variant: Variant;
  pythonVersion: string | null;
  baseImage: string | null;
  /** Debian package names, as written; plan refuses one that is not a name. */
  systemPackages: string[];
  indexUrl: string | null;
  extraIndexUrls: string[];
  pytorchIndexUrl: string;
  network: BuildNetwork;
  smokeCommand: string | null;
  smokeTimeoutSeconds: number;
  smokeMemory: string;
  smokeExpected: string | null;
  smokeServe: 'auto' | 'true' | 'false';
  /** Checked by plan (a path a Dockerfile never sees, but a probe's first line). */
  smokeHttpPath: string | null;
  smokeRequest: string | null;
  /** Input 'max-image-size' in bytes; null for no limit. */
  maxImageSize: number | null;
  reproducible: 'auto' | 'true' | 'false';
  provenance: boolean;
  sbom: boolean;
  sbomGenerator: string;
  /** A buildx builder's name; null takes BUILDX_BUILDER, else the current builder. */
  builder: string | null;
  planOnly: boolean;
  cache: CacheBackend;
  cacheFrom: string[];
  cacheTo: string[];
  platforms: string[];
  githubToken: string | null;
  allowLfsPointers: boolean;
  allowForkCredentials: boolean;
  writeGenerated: string | null;
  checkGenerated: boolean;
}

/** Reads one raw input; the action passes core.getInput, the CLI its parsed flags. Empty means unset. */
export type InputSource = (name: InputName) => string;

export function parseInputs(read: InputSource): Inputs {
  const get = (name: InputName): string => {
    const value = read(name).trim();
    return value === '' ? (inputTable.find((input) => input.name === name)?.default ?? '') : value;
  };
  const inputs: Inputs = {
    context: get('context'),
    dependencyFile: get('dependency-file') || null,
    image: get('image') || null,
    tags: inputList('tags', get('tags'), { ignoreComma: false })
      .map((tag) => tag.trim())
      .filter(Boolean),
    labels: parseLabels(get('labels')),
    push: parseBoolean('push', get('push')),
    variant: parseChoice('variant', get('variant'), ['auto', 'cpu', 'gpu'] as const),
    pythonVersion: parsePythonVersion(get('python-version')),
    baseImage: get('base-image') || null,
    systemPackages: inputList('system-packages', get('system-packages'), { ignoreComma: false, comment: '#' })
      .map((name) => name.trim())
      .filter(Boolean),
    indexUrl: get('index-url') || null,
    extraIndexUrls: inputList('extra-index-urls', get('extra-index-urls'), {
      ignoreComma: true,
      comment: '#',
    }).map((url) => url.trim()),
    pytorchIndexUrl: get('pytorch-index-url').replace(/\/+$/, ''),
    network: parseChoice('network', get('network'), ['default', 'host', 'none'] as const),
    smokeCommand: get('smoke-command') || null,
    smokeTimeoutSeconds: parsePositiveInteger('smoke-timeout', get('smoke-timeout')),
    smokeMemory: parseMemory(get('smoke-memory')),
    smokeExpected: get('smoke-expected') || null,
    smokeServe: parseChoice('smoke-serve', get('smoke-serve'), ['auto', 'true', 'false'] as const),
    smokeHttpPath: parseHttpPath(get('smoke-http-path')),
    smokeRequest: get('smoke-request') || null,
    maxImageSize: parseMaxImageSize(get('max-image-size')),
    reproducible: parseChoice('reproducible', get('reproducible'), ['auto', 'true', 'false'] as const),
    provenance: parseBoolean('provenance', get('provenance')),
    sbom: parseBoolean('sbom', get('sbom')),
    sbomGenerator: get('sbom-generator'),
    // buildx's own rule for builder names; a name reaches an argument array only, but a typo should fail here.
    builder: parseName('builder', get('builder'), 'buildx builder name'),
    planOnly: parseBoolean('plan-only', get('plan-only')),
    cache: parseChoice('cache', get('cache'), ['none', 'gha', 'registry', 'local'] as const),
    cacheFrom: inputList('cache-from', get('cache-from'), { ignoreComma: true, comment: '#' }).map((line) =>
      line.trim(),
    ),
    cacheTo: inputList('cache-to', get('cache-to'), { ignoreComma: true, comment: '#' }).map((line) =>
      line.trim(),
    ),
    platforms: parsePlatforms(get('platforms')),
    // The CLI has no runner to expand action.yml's `${{ github.token }}` default: unexpanded means none.
    githubToken: /^\$\{\{/.test(get('github-token')) ? null : get('github-token') || null,
    allowLfsPointers: parseBoolean('allow-lfs-pointers', get('allow-lfs-pointers')),
    allowForkCredentials: parseBoolean('allow-fork-credentials', get('allow-fork-credentials')),
    // Checked here, before anything runs: generated files are written only inside the project.
    writeGenerated: get('write-generated')
      ? projectFolderPath(get('write-generated'), 'write-generated')
      : null,
    checkGenerated: parseBoolean('check-generated', get('check-generated')),
    ...parseDockerfileInputs(read),
  };
  checkDockerfileInputs(inputs);
  if (inputs.smokeServe === 'false') {
    const set = (['smoke-http-path', 'smoke-request'] as const).find((name) => get(name) !== '');
    if (set)
      throw new UserError(
        `input '${set}' asks the serve test, which 'smoke-serve: false' turns off`,
        'inputs',
      );
  }
  if (inputs.smokeExpected && !inputs.smokeCommand) {
    throw new UserError(
      "input 'smoke-expected' compares the output of 'smoke-command', which is not set",
      'inputs',
    );
  }
  return inputs;
}

function parseHttpPath(value: string): string | null {
  if (value === '') return null;
  if (!REQUEST_PATH.test(value) || value.length > 2048) {
    throw new UserError(
      `input 'smoke-http-path' must be a path starting with '/' (letters, digits and URL punctuation, no spaces), got ${quoted(value)}`,
      'inputs',
    );
  }
  return value;
}

function parsePlatforms(value: string): string[] {
  const platforms = [
    ...new Set(
      inputList('platforms', value, { ignoreComma: false })
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ];
  for (const platform of platforms) {
    // Python wheels and the images here are Linux only; os/arch[/variant] as buildx names them.
    if (!/^linux\/[a-z0-9]+(?:\/v\d+)?$/.test(platform)) {
      throw new UserError(
        `input 'platforms' has '${platform}': expected linux/<arch>[/<variant>], e.g. linux/arm64`,
        'inputs',
      );
    }
  }
  return platforms;
}

function parseBoolean(name: string, value: string): boolean {
  // The YAML 1.2 core schema's booleans, as @actions/core's getBooleanInput accepts them.
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new UserError(`input '${name}' must be true or false, got '${value}'`, 'inputs');
}

function parseChoice<T extends string>(name: string, value: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new UserError(`input '${name}' must be one of ${choices.join(', ')}, got '${value}'`, 'inputs');
}

function parsePythonVersion(value: string): string | null {
  if (value === '') return null;
  if (!/^3\.\d{1,2}$/.test(value)) {
    throw new UserError(`input 'python-version' must be major.minor such as 3.11, got '${value}'`, 'inputs');
  }
  return value;
}

function parsePositiveInteger(name: string, value: string): number {
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(number) || number <= 0) {
    throw new UserError(
      `input '${name}' must be a positive whole number of seconds, got '${value}'`,
      'inputs',
    );
  }
  return number;
}

function parseMemory(value: string): string {
  if (!/^\d+[bkmg]?$/i.test(value)) {
    throw new UserError(`input 'smoke-memory' must be a size such as 2g or 512m, got '${value}'`, 'inputs');
  }
  return value;
}

function parseMaxImageSize(value: string): number | null {
  if (value === '') return null;
  const bytes = parseByteSize(value);
  if (bytes === null) {
    throw new UserError(
      `input 'max-image-size' must be a size such as 2GiB, 750MiB, 500MB or a number of bytes, got ${quoted(value)}`,
      'inputs',
    );
  }
  return bytes;
}

function parseLabels(value: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const line of inputList('labels', value, { ignoreComma: true, comment: '#', commentNoInfix: true })) {
    const equals = line.indexOf('=');
    if (equals <= 0) throw new UserError(`input 'labels': '${line}' is not key=value`, 'inputs');
    labels[line.slice(0, equals).trim()] = line.slice(equals + 1).trim();
  }
  return labels;
}

/** Inputs that mean something only beside `file`, or nothing beside it: refused, never ignored. */
function checkDockerfileInputs(inputs: Inputs): void {
  if (!inputs.file) {
    const set = [
      ...(inputs.target ? ['target'] : []),
      ...(inputs.buildArgs.length > 0 ? ['build-args'] : []),
      ...(inputs.secrets.length > 0 ? ['secrets'] : []),
    ];
    if (set.length > 0) {
      throw new UserError(
        `input${set.length > 1 ? 's' : ''} ${set.map((name) => `'${name}'`).join(', ')} go${set.length > 1 ? '' : 'es'} to the project's own Dockerfile (input 'file'); the generated Dockerfile reads none (its index credentials come from 'index-url' and the extra indexes)`,
        'inputs',
      );
    }
    return;
  }
  for (const [name, set, what] of [
    ['write-generated', inputs.writeGenerated !== null, 'keeps the generated Dockerfile and lock'],
    ['check-generated', inputs.checkGenerated, 'keeps the generated Dockerfile and lock'],
    ['system-packages', inputs.systemPackages.length > 0, 'adds apt packages to the generated Dockerfile'],
    // The project's Dockerfile chooses its base, Python and indexes: these would be dropped unsaid,
    // and credentials in an index URL handed to its build as a secret it never asked for.
    ['base-image', inputs.baseImage !== null, "is the generated Dockerfile's base"],
    ['python-version', inputs.pythonVersion !== null, "is the generated Dockerfile's Python"],
    ['index-url', inputs.indexUrl !== null, 'is where the lock and the generated Dockerfile install from'],
    [
      'extra-index-urls',
      inputs.extraIndexUrls.length > 0,
      'are where the lock and the generated Dockerfile install from',
    ],
    [
      'pytorch-index-url',
      inputs.pytorchIndexUrl !== PYTORCH_INDEX_DEFAULT,
      "is where the generated Dockerfile's torch comes from",
    ],
  ] as const) {
    if (set) {
      throw new UserError(
        `input '${name}' ${what}, and input 'file' builds the project's own: nothing is generated`,
        'inputs',
      );
    }
  }
}
