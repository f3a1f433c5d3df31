import { defaultPython, supportedPythons } from '../data/compat.js';
import { formatSource } from '../source.js';
import type { PythonHint } from './manifest.js';
import { inFolder } from './paths.js';
import type { RepoReader } from './reader.js';
import { compareMinor, minorSatisfies } from './versions.js';

const MAJOR_MINOR = /(?:^|[^\d])(3\.\d{1,2})(?:\.\d+)?/;

/**
 * The pin files pyenv and Heroku-style runtimes read: the strongest statement of a Python version.
 * `folders` are read in order (the dependency file's folder, then the top: '.'), each
 * `.python-version` before its `runtime.txt`.
 */
export function pinFileHints(reader: RepoReader, folders: readonly string[] = ['.']): PythonHint[] {
  const hints: PythonHint[] = [];
  const paths = [...new Set(folders)].flatMap((folder) =>
    ['.python-version', 'runtime.txt'].map((name) => inFolder(folder, name)),
  );
  for (const file of paths) {
    const text = reader.readText(file);
    if (text === null) continue;
    const lines = text.split(/\r?\n/);
    const index = lines.findIndex((line) => line.trim() && !line.trim().startsWith('#'));
    if (index >= 0)
      hints.push({ kind: 'exact', text: lines[index]?.trim() ?? '', source: { file, line: index + 1 } });
  }
  return hints;
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
