import { readToml } from '../../project/parse.js';
import type { RepoReader } from '../../project/reader.js';
import { normalizeName } from '../pep508.js';
import type { LockedPackage, LockRead, PythonHint } from '../types.js';
import {
  checkVersion,
  entriesOf,
  findIn,
  keyPattern,
  lockError,
  named,
  optionalRecord,
  optionalString,
  type Place,
  prefixedSha256,
  pushHash,
  rangeHint,
  recordsOf,
  requiredName,
  splitLines,
  stringsOf,
} from './common.js';

/** Entries for source trees and VCS checkouts, which may carry no static version. */
const UNVERSIONED = ['path', 'git', 'hg', 'svn', 'bzr', 'url'] as const;

/**
 * Reads `pdm.lock` statically: `[metadata] requires_python` (lock 4.4) and
 * `[[metadata.targets]] requires_python` (lock 4.5+), and every `[[package]]` with its version,
 * file hashes and `marker`. Packages only in other groups than `default` (dev groups and
 * optional dependencies) are left out: the image installs the default group. pdm.lock does not
 * record package indexes (they live in pyproject.toml's `[[tool.pdm.source]]`).
 */
export function readPdmLock(reader: RepoReader, path: string): LockRead {
  const { text, data } = readToml(reader, path);
  const lines = splitLines(text);

  const python: PythonHint[] = [];
  const metadataLine = findIn(lines, (line) => /^\s*\[\s*metadata\s*\]/.test(line)) ?? 1;
  const metadata = optionalRecord(data, 'metadata', { file: path, line: metadataLine, what: path });
  if (metadata) {
    const at: Place = { file: path, line: metadataLine, what: '[metadata]' };
    const requiresPython = optionalString(metadata, 'requires_python', at);
    if (requiresPython !== undefined) {
      const line = findIn(lines, (text) => keyPattern('requires_python').test(text), metadataLine);
      python.push(rangeHint(requiresPython, path, line));
    }
    const targetHeaders: number[] = [];
    lines.forEach((text, index) => {
      if (/^\s*\[\[\s*metadata\.targets\s*\]\]/.test(text)) targetHeaders.push(index + 1);
    });
    recordsOf(metadata, 'targets', { ...at, what: '[metadata]' }).forEach((target, index) => {
      const header = targetHeaders[index] ?? metadataLine;
      const where: Place = { file: path, line: header, what: `[[metadata.targets]] entry ${index + 1}` };
      const range = optionalString(target, 'requires_python', where);
      if (range === undefined || python.some((hint) => hint.text === range)) return;
      const line = findIn(lines, (text) => keyPattern('requires_python').test(text), header);
      python.push(rangeHint(range, path, line));
    });
  }

  const packages: LockedPackage[] = [];
  for (const entry of entriesOf(lines, data, 'package', path)) {
    const { table, line } = entry;
    const name = requiredName(table, { file: path, line, what: entry.what });
    const at = named({ file: path, line, what: entry.what }, name);
    const groups = stringsOf(table, 'groups', at);
    const marker = optionalString(table, 'marker', at) ?? null;
    const hashes: string[] = [];
    for (const file of recordsOf(table, 'files', at)) {
      if (file.hash !== undefined) pushHash(hashes, prefixedSha256(file.hash, at));
    }
    const version = optionalString(table, 'version', at);
    if (version === undefined) {
      if (UNVERSIONED.some((kind) => table[kind] !== undefined)) continue;
      throw lockError(`package '${name}' has no 'version'`, path, line);
    }
    checkVersion(version, at);
    if (groups && !groups.includes('default')) continue;
    packages.push({ name: normalizeName(name), version, hashes, marker, source: { file: path, line } });
  }
  return { format: 'pdm', file: path, packages, python, indexes: [] };
}
