import { UserError } from '../../errors.js';
import type { RepoReader } from '../../project/reader.js';
import { parsePep508 } from '../../python/pep508.js';
import { emptyManifest, type Manifest } from '../manifest.js';

/** setup.cfg's `[options] install_requires` and `python_requires`, read as the INI file it is. */
export function readSetupCfg(reader: RepoReader, path: string): Manifest {
  const text = reader.readText(path);
  if (text === null) throw new UserError(`cannot read '${path}'`, 'detect', { file: path });
  const manifest = emptyManifest('setuptools', path);
  let section = '';
  let key = '';
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
    if (header?.[1]) {
      section = header[1].trim();
      key = '';
      return;
    }
    if (/^\s*([#;].*)?$/.test(raw)) return;
    const assignment = /^([A-Za-z0-9_.-]+)\s*[=:]\s*(.*)$/.exec(raw);
    let value: string;
    if (assignment?.[1] !== undefined) {
      key = assignment[1];
      value = assignment[2] ?? '';
    } else if (/^\s/.test(raw) && key) {
      value = raw;
    } else {
      return;
    }
    // configparser, as setuptools uses it, has no inline comments: a ';' here starts a marker.
    value = value.trim();
    if (!value || section !== 'options') return;
    if (key === 'python_requires')
      manifest.python.push({ kind: 'range', text: value, source: { file: path, line } });
    if (key === 'install_requires') {
      // A dangling list: one requirement per line, markers and all.
      const parsed = parsePep508(value);
      if ('error' in parsed) throw new UserError(parsed.error, 'detect', { file: path, line });
      manifest.requirements.push({ ...parsed, hashes: [], source: { file: path, line } });
    }
  });
  return manifest;
}

/**
 * setup.py, read as text and never executed: `install_requires=[...]` and `python_requires=...`
 * when they are literals. Anything computed is reported, not guessed.
 */
export function readSetupPy(reader: RepoReader, path: string): Manifest {
  const text = reader.readText(path);
  if (text === null) throw new UserError(`cannot read '${path}'`, 'detect', { file: path });
  const manifest = emptyManifest('setuptools', path);
  const { lineAt, commentBefore } = lineIndex(text);
  const python = /python_requires\s*=\s*(['"])([^'"]+)\1/.exec(text);
  if (python?.[2])
    manifest.python.push({
      kind: 'range',
      text: python[2],
      source: { file: path, line: lineAt(python.index) },
    });
  const install = /install_requires\s*=\s*/.exec(text);
  if (!install) return manifest;
  const start = install.index + install[0].length;
  if (text[start] !== '[') {
    manifest.warnings.push({
      message:
        'install_requires is computed, not a literal list: its requirements are not known without running setup.py',
      source: `${path}:${lineAt(install.index)}`,
    });
    return manifest;
  }
  const end = findClosingBracket(text, start);
  if (end < 0)
    throw new UserError('install_requires list is not closed', 'detect', { file: path, line: lineAt(start) });
  const body = text.slice(start + 1, end);
  for (const match of body.matchAll(/(['"])((?:(?!\1).)*)\1/g)) {
    const offset = start + 1 + (match.index ?? 0);
    const line = lineAt(offset);
    if (commentBefore(offset)) continue;
    const parsed = parsePep508((match[2] ?? '').trim());
    if ('error' in parsed) throw new UserError(parsed.error, 'detect', { file: path, line });
    manifest.requirements.push({ ...parsed, hashes: [], source: { file: path, line } });
  }
  return manifest;
}

/**
 * Where offsets of `text` lie: their 1-based line, and whether a `#` comes before them on it. The
 * line starts are found once and searched, and each line looked for `#` once, so that a list of
 * many items, even all on one line, is read in linear time.
 */
function lineIndex(text: string): { lineAt(offset: number): number; commentBefore(offset: number): boolean } {
  const starts = [0];
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1))
    starts.push(index + 1);
  const lineAt = (offset: number): number => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };
  const hashes = new Map<number, number>();
  const commentBefore = (offset: number): boolean => {
    const line = lineAt(offset);
    let hash = hashes.get(line);
    if (hash === undefined) {
      const start = starts[line - 1] ?? 0;
      const found = text.slice(start, (starts[line] ?? text.length + 1) - 1).indexOf('#');
      hash = found < 0 ? Number.POSITIVE_INFINITY : start + found;
      hashes.set(line, hash);
    }
    return hash < offset;
  };
  return { lineAt, commentBefore };
}

function findClosingBracket(text: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let index = open; index < text.length; index++) {
    const char = text[index];
    if (quote) {
      if (char === quote && text[index - 1] !== '\\') quote = null;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '#') {
      const newline = text.indexOf('\n', index);
      index = newline < 0 ? text.length : newline;
    } else if (char === '[') {
      depth++;
    } else if (char === ']' && --depth === 0) {
      return index;
    }
  }
  return -1;
}
