import { cpuCondaPackages } from '../../data/cpu-builds.js';
import { isUserError, UserError } from '../../errors.js';
import { asRecord, readYaml, type YamlFile } from '../../project/parse.js';
import { resolveInRepository } from '../../project/paths.js';
import type { RepoReader } from '../../project/reader.js';
import { checkIndexUrl } from '../../python/index-url.js';
import { normalizeName, parsePep508, urlPackageName } from '../../python/pep508.js';
import { checkPipVariables } from '../../python/pip-lines.js';
import { parseRequirementsFile } from '../../python/requirements.js';
import { formatSource, type SourceRef } from '../../source.js';
import { hasControlCharacters, oneLine, quoted } from '../../text.js';
import { emptyManifest, type Manifest } from '../manifest.js';
import { checkPathText } from '../path-text.js';

/**
 * Conda names whose PyPI name differs (PEP 503 normalized on both sides). A Map: the name looked
 * up is the file's, and `constructor` must not find Object's.
 */
const CONDA_TO_PYPI: ReadonlyMap<string, string> = new Map([
  ['pytorch', 'torch'],
  ['pytorch-cpu', 'torch'],
  ['py-xgboost', 'xgboost'],
  ['py-xgboost-cpu', 'xgboost'],
  ['py-xgboost-gpu', 'xgboost'],
  ['py-opencv', 'opencv-python'],
  ['opencv', 'opencv-python'],
  ['matplotlib-base', 'matplotlib'],
  ['msgpack-python', 'msgpack'],
  ['pytables', 'tables'],
]);

/** Conda packages that state the CUDA version outright; they are hints, never requirements. */
const CUDA_PACKAGES: ReadonlySet<string> = new Set([
  'pytorch-cuda',
  'cudatoolkit',
  'cuda-version',
  'cuda-toolkit',
  'cuda-runtime',
  'cuda',
]);

/** conda's build-selector metapackages: they choose a build of another package and install nothing themselves. */
const SELECTORS: ReadonlySet<string> = new Set([
  'cpuonly',
  'pytorch-mutex',
  'tensorflow-mutex',
  '-tflow-select',
]);

/**
 * Conda packages with no PyPI counterpart (the interpreter's own libraries, BLAS, CUDA pieces,
 * tools). `conda env export` lists dozens of them; they are skipped with one warning.
 */
const CONDA_ONLY: ReadonlySet<string> = new Set([
  'blas',
  'bzip2',
  'ca-certificates',
  'cudnn',
  'ffmpeg',
  'git',
  'git-lfs',
  'icu',
  'intel-openmp',
  'jpeg',
  'lame',
  'lz4-c',
  'magma-cuda',
  'mkl',
  'mkl-fft',
  'mkl-random',
  'mkl-service',
  'nccl',
  'ncurses',
  'nodejs',
  'openblas',
  'openh264',
  'openjpeg',
  'openssl',
  'python-abi',
  'readline',
  'sqlite',
  'tk',
  'xz',
  'yaml',
  'zlib',
  'zstd',
]);
const CONDA_ONLY_PATTERN =
  /^(?:lib(?:cu|nv|gcc|std|gomp|gfortran|ffi|uuid|zlib|png|jpeg|tiff|webp|xml|iconv|edit|blas|cblas|lapack|openblas|deflate|lzma|sodium|ssh|curl)|cuda-(?!python$)|ld-impl-|_)/;

/**
 * Reads a conda environment file (`environment.yml`): its `dependencies`, conda names mapped to
 * PyPI names and conda version syntax to PEP 440, and its `pip:` lists as pip would read them.
 */
export function readConda(reader: RepoReader, path: string): Manifest {
  const yaml = loadYaml(reader, path);
  const manifest = emptyManifest('conda', path);
  if (yaml.data === null || yaml.data === undefined) return manifest;
  const top = asRecord(yaml.data);
  if (!top) {
    throw new UserError('an environment file is a mapping with a `dependencies` list', 'detect', {
      file: path,
      line: yaml.lineOf([]) ?? 1,
    });
  }
  const dependencies = top.dependencies;
  if (dependencies === undefined || dependencies === null) return manifest;
  if (!Array.isArray(dependencies)) {
    throw new UserError('`dependencies` must be a list', 'detect', at(yaml, path, ['dependencies']));
  }
  const skipped: string[] = [];
  dependencies.forEach((entry: unknown, index) => {
    const source = at(yaml, path, ['dependencies', index]);
    if (typeof entry === 'string') {
      readCondaEntry(entry, source, manifest, skipped);
      return;
    }
    const record = asRecord(entry);
    if (!record || !Object.hasOwn(record, 'pip') || Object.keys(record).length !== 1) {
      throw new UserError(
        'a dependency is a conda package spec (`numpy=1.26`) or a `pip:` list',
        'detect',
        source,
      );
    }
    if (record.pip === null) return;
    if (!Array.isArray(record.pip)) {
      throw new UserError('`pip:` must be a list', 'detect', source);
    }
    record.pip.forEach((item: unknown, itemIndex) => {
      const itemSource = at(yaml, path, ['dependencies', index, 'pip', itemIndex]);
      if (typeof item !== 'string') {
        throw new UserError('a `pip:` item must be a string', 'detect', itemSource);
      }
      readPipItem(reader, manifest, item, itemSource, lineText(yaml.text, itemSource.line));
    });
  });
  if (skipped.length > 0) {
    manifest.warnings.push({
      message: `conda packages with no PyPI counterpart were skipped: ${skipped.join(', ')}`,
      source: path,
    });
  }
  return manifest;
}

/**
 * The most read of a YAML manifest. The yaml library parses about 100 KiB a second of dense input
 * (`[x,x,x,…]`), so a 16 MiB file would take minutes; `conda env export` of a large environment
 * writes under 50 KiB.
 */
export const YAML_MANIFEST_CAP = 512 * 1024;

/**
 * readYaml for a manifest: capped at YAML_MANIFEST_CAP, the yaml library's own exceptions
 * (unresolved or excessive aliases) turned into UserErrors.
 */
export function loadYaml(reader: RepoReader, path: string): YamlFile {
  const size = reader.size(path);
  if (size !== null && size > YAML_MANIFEST_CAP) {
    throw new UserError(
      `${oneLine(path)} is larger than ${YAML_MANIFEST_CAP / 1024} KiB, the most read of a YAML manifest`,
      'detect',
      { file: path },
    );
  }
  try {
    return readYaml(reader, path);
  } catch (error) {
    if (isUserError(error)) throw error;
    throw new UserError(`invalid YAML: ${error instanceof Error ? error.message : String(error)}`, 'detect', {
      file: path,
    });
  }
}

function at(yaml: YamlFile, file: string, keys: readonly (string | number)[]): SourceRef {
  const line = yaml.lineOf(keys);
  return line === undefined ? { file } : { file, line };
}

let splitText: string | undefined;
let splitLines: string[] = [];

/**
 * The physical line `line` (1-based) of `text`, or undefined. Readers ask it once per item of the
 * same file: the lines of the last text are kept, so a long list is not split once per item.
 */
export function lineText(text: string, line: number | undefined): string | undefined {
  if (line === undefined) return undefined;
  if (text !== splitText) {
    splitText = text;
    splitLines = text.split(/\r?\n/);
  }
  return splitLines[line - 1];
}

export interface CondaSpec {
  channel: string | null;
  name: string;
  /** The PEP 440 specifier (`''` for any version), or null when conda's spec has no PEP 440 form. */
  specifier: string | null;
  build: string | null;
}

/**
 * Parses a conda match spec (`pytorch::pytorch=2.1.0=py3.10_cuda12.1_0`, `numpy >=1.8,<2`,
 * `python 3.10.*`) into its parts, its version written as a PEP 440 specifier:
 * `=1.2` → `==1.2.*`, `=1.2.3` → `==1.2.3`, `1.2*` → `==1.2.*`, `=1.2=build` → `==1.2`.
 * Returns an error message for text that is no match spec.
 */
export function parseCondaSpec(text: string): CondaSpec | { error: string } {
  let rest = text.trim();
  let channel: string | null = null;
  const colons = rest.lastIndexOf('::');
  if (colons >= 0) {
    channel = rest.slice(0, colons).trim() || null;
    rest = rest.slice(colons + 2).trim();
  }
  let bracketVersion: string | null = null;
  let bracketBuild: string | null = null;
  // The first '[' closed later, found by index: a pattern would rescan the rest from each '['.
  const open = rest.indexOf('[');
  const close = open < 0 ? -1 : rest.indexOf(']', open + 1);
  if (close >= 0) {
    // A key starts a word: matching from inside one would rescan the word from each letter.
    for (const pair of rest.slice(open + 1, close).matchAll(BRACKET_PAIR)) {
      const value = pair[2] ?? pair[3] ?? pair[4] ?? '';
      if (pair[1] === 'version') bracketVersion = value;
      if (pair[1] === 'build') bracketBuild = value;
    }
    rest = rest.slice(0, open) + rest.slice(close + 1);
  }
  // conda accepts `python = 3.11` and `numpy >= 1.8, < 2`: spaces around operators mean nothing.
  rest = rest.replace(SPACE_AROUND_OPERATOR, '');
  const nameMatch = /^[A-Za-z0-9_][A-Za-z0-9._-]*/.exec(rest);
  if (!nameMatch) return { error: `'${text.trim()}' is not a conda package spec (expected a package name)` };
  const name = nameMatch[0];
  const tail = rest.slice(name.length).trim();
  const tokens = tail ? tail.split(/\s+/) : [];
  if (tokens.length > 2) return { error: `'${text.trim()}' is not a conda package spec (too many parts)` };
  let version = tokens[0] ?? bracketVersion ?? '';
  let build = tokens[1] ?? bracketBuild;
  let mode: 'fuzzy' | 'exact' | 'expression' = 'expression';
  if (/^=[^=]/.test(version) || version === '=') {
    mode = 'fuzzy';
    version = version.slice(1);
  } else if (version.startsWith('==')) {
    mode = 'exact';
    version = version.slice(2);
  }
  if (mode !== 'expression') {
    const parts = version.split('=');
    if (parts.length > 2 || (parts.length === 2 && build !== null)) {
      return { error: `'${text.trim()}' is not a conda package spec (too many '=' parts)` };
    }
    version = parts[0] ?? '';
    if (parts.length === 2) build = parts[1] || null;
  }
  const specifier = condaVersionToPep440(version, mode, build !== null);
  if (specifier === 'invalid') {
    return { error: `'${text.trim()}' has a version conda's syntax does not allow` };
  }
  return { channel, name, specifier, build };
}

const BRACKET_PAIR = /(?<!\w)(\w+)\s*=\s*(?:'([^']*)'|"([^"]*)"|([^,\s]*))/g;
/** A run of spaces before or after an operator, taken from its first space only: linear on long runs. */
const SPACE_AROUND_OPERATOR = /(?<!\s)\s+(?=[=<>!~,|])|(?<=[=<>!~,|])\s+/g;

const VERSION_TEXT = /^[A-Za-z0-9._+!*-]+$/;

function condaVersionToPep440(
  version: string,
  mode: 'fuzzy' | 'exact' | 'expression',
  hasBuild: boolean,
): string | null | 'invalid' {
  if (version === '' || version === '*') return '';
  if (mode === 'exact') return VERSION_TEXT.test(version) ? `==${starToPep440(version)}` : 'invalid';
  if (mode === 'fuzzy' && !/[,|]/.test(version)) {
    if (!VERSION_TEXT.test(version)) return 'invalid';
    if (version.endsWith('*') || hasBuild) return `==${starToPep440(version)}`;
    return version.split('.').length <= 2 ? `==${version}.*` : `==${version}`;
  }
  const alternatives = version.split('|');
  const clauses: string[] = [];
  for (const clause of alternatives.flatMap((alternative) => alternative.split(','))) {
    const match = /^(==|!=|>=|<=|~=|>|<|=)?(.*)$/.exec(clause);
    const operator = match?.[1];
    const value = match?.[2] ?? '';
    if (!VERSION_TEXT.test(value)) return 'invalid';
    if (!operator) clauses.push(value === '*' ? '' : `==${starToPep440(value)}`);
    else if (operator === '=') clauses.push(value.split('.').length <= 2 ? `==${value}.*` : `==${value}`);
    else clauses.push(`${operator}${value}`);
  }
  // PEP 440 has no "or": a spec with alternatives keeps no version.
  if (alternatives.length > 1) return null;
  return clauses.filter(Boolean).join(',');
}

/** `1.2*` and `1.2.*` → `1.2.*` (conda's prefix match is PEP 440's wildcard). */
function starToPep440(version: string): string {
  if (!version.endsWith('*')) return version;
  const prefix = version.slice(0, -1).replace(/\.$/, '');
  return prefix ? `${prefix}.*` : '*';
}

/** `12.1` from `==12.1.105`, `==12.1.*`, `==12`; null when the specifier pins no single version. */
function pinnedCuda(specifier: string | null): string | null {
  const match = /^==(\d+(?:\.\d+)*)(?:\.\*)?$/.exec(specifier ?? '');
  if (!match?.[1]) return null;
  return match[1].split('.').slice(0, 2).join('.');
}

/** The CUDA version a build string names: `py3.10_cuda12.1_cudnn8.9.2_0` → 12.1, `cuda112py39h` → 11.2. */
function buildCuda(build: string | null): string | null {
  if (!build) return null;
  const dotted = /cuda(\d+)\.(\d+)/.exec(build);
  if (dotted) return `${dotted[1]}.${dotted[2]}`;
  const packed = /cuda(1\d)(\d)(?!\d)/.exec(build);
  return packed ? `${packed[1]}.${packed[2]}` : null;
}

function readCondaEntry(entry: string, source: SourceRef, manifest: Manifest, skipped: string[]): void {
  const parsed = parseCondaSpec(entry);
  if ('error' in parsed) throw new UserError(parsed.error, 'detect', source);
  const written = entry.trim();
  const what = written.includes('::') ? written.slice(written.lastIndexOf('::') + 2).trim() : written;
  const condaName = normalizeName(parsed.name);
  const fromBuild = buildCuda(parsed.build);
  if (fromBuild) manifest.cuda.push({ version: fromBuild, what, source });
  else if (parsed.build?.toLowerCase().includes('cuda')) manifest.gpu ??= source;

  if (condaName === 'python') {
    readPythonEntry(parsed.specifier, what, source, manifest);
    return;
  }
  if (condaName === 'pip') return;
  // Build selectors: conda-forge's `pytorch-gpu` asks for pytorch's CUDA build (it is no PyPI
  // package, and `pytorch` comes with it); `cpuonly` and `pytorch-mutex` pick pytorch's build.
  const cpuBuild = cpuCondaPackages.find((row) => row.package === condaName);
  if (cpuBuild) manifest.cpuBuilds.push({ framework: cpuBuild.framework, what, source });
  if (condaName === 'pytorch-gpu') {
    manifest.gpu ??= source;
    return;
  }
  if (SELECTORS.has(condaName)) return;
  if (CUDA_PACKAGES.has(condaName)) {
    if (fromBuild) return;
    const pinned = pinnedCuda(parsed.specifier);
    const fromChannel = channelCuda(parsed.channel);
    if (pinned) manifest.cuda.push({ version: pinned, what, source });
    // The channel label (`nvidia/label/cuda-12.4.0::cuda-toolkit`) states the version then.
    else if (fromChannel) manifest.cuda.push({ version: fromChannel, what: written, source });
    else {
      // `cudatoolkit>=11.3`, a bare `pytorch-cuda`: a GPU is wanted, no single CUDA version is named.
      manifest.gpu ??= source;
      manifest.warnings.push({
        message: `'${what}' pins no CUDA version; a GPU is required, the CUDA version comes from elsewhere`,
        source: formatSource(source),
      });
    }
    return;
  }
  const name = CONDA_TO_PYPI.get(condaName) ?? condaName;
  if (CONDA_ONLY.has(condaName) || CONDA_ONLY_PATTERN.test(parsed.name) || 'error' in parsePep508(name)) {
    skipped.push(parsed.name);
    return;
  }
  if (parsed.specifier === null) {
    manifest.warnings.push({
      message: `'${what}' offers alternative versions, which PEP 440 cannot say; any version of ${name} is allowed`,
      source: formatSource(source),
    });
  }
  const specifier = parsed.specifier ?? '';
  const checked = parsePep508(`${name}${specifier}`);
  if ('error' in checked) {
    manifest.warnings.push({
      message: `'${what}' has a version pip cannot read (not PEP 440); ${name} was skipped`,
      source: formatSource(source),
    });
    return;
  }
  manifest.requirements.push({
    name,
    extras: [],
    specifier,
    marker: null,
    url: null,
    hashes: [],
    source,
  });
}

/** `nvidia/label/cuda-12.4.0::cuda-toolkit` takes its version from the channel label. */
function channelCuda(channel: string | null): string | null {
  const match = /cuda-(\d+)\.(\d+)/.exec(channel ?? '');
  return match ? `${match[1]}.${match[2]}` : null;
}

function readPythonEntry(
  specifier: string | null,
  what: string,
  source: SourceRef,
  manifest: Manifest,
): void {
  if (!specifier) return;
  const exact = /^==(\d+\.\d+(?:\.\d+)?)(?:\.\*)?$/.exec(specifier);
  if (exact?.[1]) {
    manifest.python.push({ kind: 'exact', text: exact[1], source });
    return;
  }
  if ('error' in parsePep508(`python${specifier}`)) {
    manifest.warnings.push({
      message: `'${what}' has a Python version that is not PEP 440; it was ignored`,
      source: formatSource(source),
    });
    return;
  }
  manifest.python.push({ kind: 'range', text: specifier, source });
}

/** pip's options that take no value: a requirement may follow them on the same line (`--pre torch`). */
const PIP_FLAGS: ReadonlySet<string> = new Set([
  '--pre',
  '--no-index',
  '--prefer-binary',
  '--require-hashes',
  '--no-deps',
  '--upgrade',
  '-U',
]);
/** pip's options whose value changes nothing detect reads. */
const PIP_IGNORED: ReadonlySet<string> = new Set([
  '--trusted-host',
  '--only-binary',
  '--no-binary',
  '--use-feature',
]);

/**
 * Reads one line of a pip list written inside another manifest (conda's `pip:`, cog's
 * `python_packages`): a requirement, a bare VCS or archive URL, an option (`-r` includes, index
 * URLs), or a local path (a warning: the project is installed by copying it, not as a requirement).
 * `source` is the item's location; `line`, the physical line, lets errors name a column.
 */
export function readPipItem(
  reader: RepoReader,
  manifest: Manifest,
  item: string,
  source: SourceRef,
  line?: string,
): void {
  const text = item.trim();
  if (!text || text.startsWith('#')) return;
  // The resolver writes the requirement back as a line of a requirements file: pip would take a
  // line break there (`\n`, `\u0085`) as the start of a line of the project's choosing.
  if (hasControlCharacters(text)) {
    throw new UserError(
      `a pip requirement is one line without control characters: ${quoted(text)}`,
      'detect',
      source,
    );
  }
  checkPipVariables(text, source);
  const warn = (message: string) => manifest.warnings.push({ message, source: formatSource(source) });
  if (text.startsWith('-')) {
    readPipOption(reader, manifest, text, source, line, warn);
    return;
  }
  // Options may follow a requirement on its line (`torch==1.12.1 --extra-index-url URL`, `--hash=…`).
  // Split at a whole run of spaces before an option, never from inside it: linear on long runs.
  const [body = '', ...options] = text.split(/(?<!\s)\s+(?=--?[A-Za-z])/);
  const hashes: string[] = [];
  for (const option of options) {
    const hash = /^--hash(?:\s*=\s*|\s+)(\S+)$/.exec(option);
    if (hash?.[1]) hashes.push(hash[1]);
    else readPipOption(reader, manifest, option, source, line, warn);
  }
  if (isLocalPath(body)) {
    warn(`local path '${body}' is not a requirement; the project's own code is copied into the image`);
    return;
  }
  if (/^(?:git|hg|svn|bzr)\+/i.test(body) || /^[a-z][a-z0-9+.-]*:\/\//i.test(body)) {
    const name = urlPackageName(body);
    if (!name) {
      warn(
        `cannot tell which package the URL '${body}' installs (add '#egg=NAME' or write 'NAME @ URL'); it was skipped`,
      );
      return;
    }
    manifest.requirements.push({ name, extras: [], specifier: '', marker: null, url: body, hashes, source });
    return;
  }
  const parsed = parsePep508(body);
  if ('error' in parsed) {
    const offset = line?.indexOf(body) ?? -1;
    throw new UserError(
      parsed.error,
      'detect',
      offset >= 0 && source.line !== undefined ? { ...source, column: offset + parsed.column } : source,
    );
  }
  manifest.requirements.push({ ...parsed, hashes, source });
}

function readPipOption(
  reader: RepoReader,
  manifest: Manifest,
  text: string,
  source: SourceRef,
  line: string | undefined,
  warn: (message: string) => void,
): void {
  const match = /^(-[a-zA-Z]|--[a-z][a-z-]*)(?:\s*=\s*|\s+)?(.*)$/.exec(text);
  const option = match?.[1] ?? text;
  const value = (match?.[2] ?? '').trim();
  const needValue = (): string => {
    if (!value) throw new UserError(`pip option ${option} needs a value`, 'detect', source);
    return value;
  };
  switch (option) {
    case '-r':
    case '--requirement': {
      const path = resolveInRepository(source.file, checkPathText(needValue(), option, source), source);
      if (reader.readText(path) === null) throw new UserError(`cannot read '${path}'`, 'detect', source);
      const file = parseRequirementsFile(reader, path);
      manifest.requirements.push(...file.requirements);
      for (const read of file.files) if (!manifest.files.includes(read)) manifest.files.push(read);
      if (file.indexUrl)
        manifest.indexes.push({ url: file.indexUrl.url, name: null, source: file.indexUrl.source });
      for (const extra of file.extraIndexUrls)
        manifest.indexes.push({ url: extra.url, name: null, source: extra.source, extra: true });
      for (const link of file.findLinks) {
        manifest.warnings.push({
          message: `--find-links ${link.url} is not used; name an index instead`,
          source: formatSource(link.source),
        });
      }
      return;
    }
    case '-i':
    case '--index-url':
      manifest.indexes.push({ url: checkIndexUrl(needValue(), option, source), name: null, source });
      return;
    case '--extra-index-url':
      manifest.indexes.push({
        url: checkIndexUrl(needValue(), option, source),
        name: null,
        source,
        extra: true,
      });
      return;
    case '-e':
    case '--editable':
      warn(`editable '${value}' is not a requirement; the project's own code is copied into the image`);
      return;
    case '-c':
    case '--constraint':
      warn(`constraints file '${value}' is not applied`);
      return;
    case '-f':
    case '--find-links':
      warn(`--find-links ${value} is not used; name an index instead`);
      return;
    default:
      if (PIP_FLAGS.has(option)) {
        if (value) readPipItem(reader, manifest, value, source, line);
        return;
      }
      if (PIP_IGNORED.has(option)) return;
      warn(`pip option ${option} is ignored`);
  }
}

function isLocalPath(text: string): boolean {
  if (/^(?:\.{1,2}(?:[/\\]|$)|[/\\~]|file:)/i.test(text)) return true;
  if (text.includes('://') || text.includes('@')) return false;
  return /[/\\]/.test(text) || /\.(?:whl|zip|tar\.gz|tgz|tar\.bz2)$/i.test(text);
}
