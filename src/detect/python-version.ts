import { defaultPython } from '../data/compat.js';
import { formatSource } from '../source.js';
import type { RepoReader } from './reader.js';

const MAJOR_MINOR = /(?:^|[^\d])(3\.\d{1,2})(?:\.\d+)?/;

/** The project's Python `major.minor`, from the files pyenv and Heroku-style runtimes read; else the default. */
export function detectPythonVersion(reader: RepoReader): { version: string; source: string } {
  for (const file of ['.python-version', 'runtime.txt']) {
    const text = reader.readText(file);
    if (text === null) continue;
    const lines = text.split(/\r?\n/);
    const index = lines.findIndex((line) => line.trim() && !line.trim().startsWith('#'));
    const match = index >= 0 ? MAJOR_MINOR.exec(lines[index] ?? '') : null;
    if (match?.[1]) return { version: match[1], source: formatSource({ file, line: index + 1 }) };
  }
  return {
    version: defaultPython.version,
    source: `default: no .python-version or runtime.txt (${defaultPython.why})`,
  };
}
