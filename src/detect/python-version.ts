import { defaultPython, supportedPythons } from '../data/compat.js';
import { UserError } from '../errors.js';
import { inFolder } from '../project/paths.js';
import type { RepoReader } from '../project/reader.js';
import type { PythonHint } from '../python/types.js';
import { compareMinor, minorSatisfies } from '../python/versions.js';
import { formatSource, type SourceRef } from '../source.js';
import { excerpt } from '../text.js';
import type { Warning } from './spec.js';

const MAJOR_MINOR = /(?:^|[^\d])(3\.\d{1,2})(?:\.\d+)?/;

/**
 * The pin files pyenv and Heroku-style runtimes read: the strongest statement of a Python version.
 * `folders` are read in order (the dependency file's folder, then the top: '.'), each
 * `.python-version` before its `runtime.txt`. Every file read must be well formed, used or not:
 * a pin the tool that owns the file would refuse is an error, never a silent fall back to the
 * default. What is worth knowing but not wrong (`system`, a free-threaded build) goes to `warnings`.
 */
export function pinFileHints(
  reader: RepoReader,
  folders: readonly string[] = ['.'],
  warnings: Warning[] = [],
): PythonHint[] {
  const hints: PythonHint[] = [];
  for (const folder of new Set(folders)) {
    for (const [name, read] of PIN_FILES) {
      const file = inFolder(folder, name);
      const text = reader.readText(file);
      const hint = text === null ? null : read(text, file, warnings);
      if (hint) hints.push(hint);
    }
  }
  return hints;
}

type PinReader = (text: string, file: string, warnings: Warning[]) => PythonHint | null;

const PIN_FILES: readonly [string, PinReader][] = [
  ['.python-version', readPythonVersionFile],
  ['runtime.txt', readRuntimeTxt],
];

/** A word of a pin file, where it was found. */
interface Found {
  word: string;
  source: Required<SourceRef>;
}

/**
 * `.python-version` as pyenv's `pyenv-version-file-read` reads it: the first word of each line
 * (blanks, tabs and CR separate words), lines that are empty or whose word starts with `#`
 * skipped; the first version is the one used.
 */
function readPythonVersionFile(text: string, file: string, warnings: Warning[]): PythonHint | null {
  const found = firstWord(text, file);
  if (!found) return null;
  if (found.word === 'system') {
    warnings.push({
      message: `'system' names no version (pyenv: whatever Python the machine has); the next pin file or manifest decides`,
      source: formatSource(lineOf(found)),
    });
    return null;
  }
  const cpython = cpythonRequest(found.word);
  if (!cpython) throw new UserError(notCPython(found.word, lineText(text, found)), 'detect', found.source);
  const version = checkedVersion(cpython, found);
  if (cpython.freeThreaded) {
    warnings.push({
      message: `'${excerpt(found.word, 40)}' asks for the free-threaded build of Python ${version}; the image has the standard build, with the GIL (the official python images ship no free-threaded one)`,
      source: formatSource(lineOf(found)),
    });
  }
  return { kind: 'exact', text: version, source: lineOf(found) };
}

function firstWord(text: string, file: string): Found | null {
  for (const [index, line] of text.split('\n').entries()) {
    const match = /^[ \t\r]*([^ \t\r]+)/.exec(line);
    const word = match?.[1];
    if (!match || !word || word.startsWith('#')) continue;
    return { word, source: { file, line: index + 1, column: match[0].length - word.length + 1 } };
  }
  return null;
}

function lineOf(found: Found): SourceRef {
  return { file: found.source.file, line: found.source.line };
}

function lineText(text: string, found: Found): string {
  return (text.split('\n')[found.source.line - 1] ?? found.word).trim();
}

interface CPythonRequest {
  major: number;
  minor: number;
  patch?: number;
  freeThreaded: boolean;
}

/**
 * CPython as pyenv names its builds (`3.11`, `3.11.4`, `3.12.0rc1`, `3.13-dev`, `3.13t`) and as uv
 * requests it in the same file (`cpython@3.12`, `cpython3.12`, `cp312`,
 * `cpython-3.12.3-linux-x86_64-gnu`, `3.13+freethreaded`).
 */
const CPYTHON_FORMS: readonly RegExp[] = [
  /^(\d+)\.(\d+)(?:\.(\d+))?(?:(?:a|b|rc)\d+)?(t|\+freethreaded)?(?:-dev)?$/,
  /^(?:cpython|cp)(?:@|-)?(\d+)\.(\d+)(?:\.(\d+))?(?:(?:a|b|rc)\d+)?(t|\+freethreaded)?(?:-[a-z0-9_]+){0,3}$/i,
  /^(?:cpython|cp)(\d)(\d{1,2})()(t)?$/i,
];

function cpythonRequest(word: string): CPythonRequest | null {
  for (const form of CPYTHON_FORMS) {
    const match = form.exec(word);
    if (match) {
      return {
        major: Number(match[1]),
        minor: Number(match[2]),
        ...(match[3] ? { patch: Number(match[3]) } : {}),
        freeThreaded: Boolean(match[4]),
      };
    }
  }
  return null;
}

/** Only Python 3 is built; a pin to another major is refused where it is written. */
function checkedVersion(request: CPythonRequest, found: Found): string {
  const version = `${request.major}.${request.minor}`;
  if (request.major !== 3) {
    throw new UserError(
      `'${excerpt(found.word, 40)}' names Python ${version}; the image builds Python 3 (supported: ${supportedPythons.join(', ')})`,
      'detect',
      found.source,
    );
  }
  return request.patch === undefined ? version : `${version}.${request.patch}`;
}

/**
 * Interpreters pyenv installs (its python-build definitions) and uv requests that are not CPython;
 * the image is built on CPython, so a pin to one of them cannot be honoured.
 */
const OTHER_INTERPRETERS: readonly [RegExp, string][] = [
  [/^(?:pypy|pp)(?=$|[\d.@-])/i, 'PyPy'],
  [/^(?:graalpy(?:thon)?|gp)(?=$|[\d.@-])/i, 'GraalPy'],
  [/^miniconda/i, 'Miniconda'],
  [/^miniforge/i, 'Miniforge'],
  [/^mambaforge/i, 'Mambaforge'],
  [/^anaconda/i, 'Anaconda'],
  [/^activepython/i, 'ActivePython'],
  [/^jython/i, 'Jython'],
  [/^ironpython/i, 'IronPython'],
  [/^micropython/i, 'MicroPython'],
  [/^stackless/i, 'Stackless Python'],
  [/^pyston/i, 'Pyston'],
  [/^pyodide/i, 'Pyodide'],
  [/^nogil/i, 'nogil (a CPython fork)'],
  [/^cinder/i, 'Cinder (a CPython fork)'],
];

/** Why a `.python-version` word is not a CPython version, and what to write instead. */
function notCPython(word: string, line: string): string {
  const quoted = `'${excerpt(word, 40)}'`;
  const other = OTHER_INTERPRETERS.find(([pattern]) => pattern.test(word))?.[1];
  if (other) {
    const minor = /^[-@]?3\.?(\d{1,2})\b/.exec(word.replace(/^[a-z]+/i, ''))?.[1];
    const instead = other === 'PyPy' && minor ? `, e.g. 3.${minor}` : '';
    return `${quoted} is ${other}, not CPython: the image builds CPython (the official python images), so write the CPython version to build${instead}`;
  }
  if (/^[<>=!~^]/.test(word))
    return `${quoted} is a range, which pyenv cannot read: name one version, e.g. ${defaultPython.version}`;
  if (/^\d+$/.test(word))
    return `${quoted} names no minor version: write ${word}.X, e.g. ${defaultPython.version}`;
  return `'${excerpt(line, 40)}' is not a Python version: .python-version names one per line as pyenv reads it, a CPython version such as ${defaultPython.version} or ${defaultPython.version}.4 (also 3.12.0rc1, 3.13-dev, 3.13t, or uv's cpython@${defaultPython.version}), or 'system'; a pyenv-virtualenv name does not say which Python, so write the version`;
}

const RUNTIME_TXT = /^python-(\d+)\.(\d+)(?:\.(\d+))?$/;

/**
 * `runtime.txt` as Heroku's Python buildpack reads it: the whole file, trimmed, is `python-X.Y.Z`
 * (its classic buildpack also takes `python-X.Y`), lowercase and without spaces.
 */
function readRuntimeTxt(text: string, file: string): PythonHint {
  const [first, second] = nonBlankLines(text, file);
  if (!first)
    throw new UserError(`${file} is empty: Heroku expects one line, python-3.X.Y`, 'detect', {
      file,
      line: 1,
    });
  const match = RUNTIME_TXT.exec(first.word);
  if (!match) {
    throw new UserError(
      `'${excerpt(first.word, 40)}' is not a runtime.txt version: Heroku expects python-3.X.Y (or python-3.X), lowercase, with no spaces`,
      'detect',
      first.source,
    );
  }
  if (second) {
    throw new UserError(
      `${file} holds one version (python-3.X.Y); found a second line, '${excerpt(second.word, 40)}'`,
      'detect',
      second.source,
    );
  }
  const [, major, minor, patch] = match;
  const request = { major: Number(major), minor: Number(minor), freeThreaded: false };
  const version = checkedVersion(patch ? { ...request, patch: Number(patch) } : request, first);
  return { kind: 'exact', text: version, source: lineOf(first) };
}

/** The file's non-blank lines, trimmed, each where it starts. */
function nonBlankLines(text: string, file: string): Found[] {
  return text.split('\n').flatMap((line, index) => {
    const column = line.search(/\S/);
    return column < 0 ? [] : [{ word: line.trim(), source: { file, line: index + 1, column: column + 1 } }];
  });
}

/**
 * The Python `major.minor` to build for (docs/detection.md, "Python version"): the first exact
 * pin, else the first range (the default when it allows it, else the nearest supported version
 * it allows), else the default.
 */
export function choosePython(hints: readonly PythonHint[]): { version: string; source: string } {
  for (const hint of hints.filter((candidate) => candidate.kind === 'exact')) {
    const match = MAJOR_MINOR.exec(hint.text);
    if (match?.[1]) return { version: match[1], source: formatSource(hint.source) };
  }
  for (const hint of hints.filter((candidate) => candidate.kind === 'range')) {
    const specifier = hint.text.replace(/\s+/g, '');
    if (minorSatisfies(defaultPython.version, specifier))
      return { version: defaultPython.version, source: formatSource(hint.source) };
    const nearest = [...supportedPythons]
      .filter((version) => minorSatisfies(version, specifier))
      .sort((a, b) => distance(a) - distance(b) || compareMinor(a, b))[0];
    if (nearest) return { version: nearest, source: formatSource(hint.source) };
  }
  return {
    version: defaultPython.version,
    source: `default: nothing in the project names a Python version (${defaultPython.why})`,
  };
}

function distance(version: string): number {
  return Math.abs(compareMinor(version, defaultPython.version));
}
