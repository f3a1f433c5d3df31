import type { IndexRef, LockedPackage, LockRead, PythonHint } from '../manifest.js';
import { asRecord, readToml } from '../parse.js';
import { normalizeName } from '../pep508.js';
import type { RepoReader } from '../reader.js';
import {
  checkVersion,
  entriesOf,
  findIn,
  kindOf,
  lockError,
  named,
  optionalRecord,
  optionalString,
  type Place,
  prefixedSha256,
  pushHash,
  pushIndex,
  rangeHint,
  recordsOf,
  requiredName,
  splitLines,
  stringsOf,
  tableKeyLine,
} from './common.js';

/**
 * Reads `poetry.lock` statically: every `[[package]]` with its version, file hashes, markers and
 * `[package.source]` (a `legacy` source is a package index), and `[metadata] python-versions`.
 *
 * Packages of other groups only (`groups = ["dev"]` in lock-version 2.1, `category = "dev"` in
 * 1.x) are left out: the image installs the main group. Lock-version 2.0 records no groups, so
 * there every package is kept. Lock-version 1.x keeps hashes in `[metadata.files]`, read too.
 */
export function readPoetryLock(reader: RepoReader, path: string): LockRead {
  const { text, data } = readToml(reader, path);
  const lines = splitLines(text);

  const metadataLine = findIn(lines, (line) => /^\s*\[\s*metadata\s*\]/.test(line)) ?? 1;
  const metadata = optionalRecord(data, 'metadata', { file: path, line: metadataLine, what: path });
  const python: PythonHint[] = [];
  if (metadata) {
    const at: Place = { file: path, line: metadataLine, what: '[metadata]' };
    const versions = optionalString(metadata, 'python-versions', at);
    if (versions !== undefined)
      python.push(rangeHint(versions, path, tableKeyLine(text, 'metadata', 'python-versions')));
    optionalString(metadata, 'content-hash', at);
  }
  const legacyFiles = metadata
    ? optionalRecord(metadata, 'files', { file: path, line: metadataLine, what: '[metadata]' })
    : undefined;

  const packages: LockedPackage[] = [];
  const indexes: IndexRef[] = [];
  for (const entry of entriesOf(lines, data, 'package', path)) {
    const { table, line } = entry;
    const name = requiredName(table, { file: path, line, what: entry.what });
    const at = named({ file: path, line, what: entry.what }, name);
    const version = optionalString(table, 'version', at);
    if (version === undefined) throw lockError(`package '${name}' has no 'version'`, path, line);
    checkVersion(version, at);

    const groups = stringsOf(table, 'groups', at);
    const category = optionalString(table, 'category', at);
    const marker = markerOf(table, at);

    const hashes: string[] = [];
    let files = table.files;
    if (files === undefined && legacyFiles) {
      const key = Object.keys(legacyFiles).find(
        (candidate) => normalizeName(candidate) === normalizeName(name),
      );
      if (key !== undefined) files = legacyFiles[key];
    }
    for (const file of recordsOf({ files }, 'files', at)) {
      if (file.hash !== undefined) pushHash(hashes, prefixedSha256(file.hash, at));
    }

    const source = optionalRecord(table, 'source', at);
    if (source) {
      const where: Place = { ...at, what: `package '${name}' [package.source]` };
      const type = optionalString(source, 'type', where);
      const url = optionalString(source, 'url', where);
      const reference = optionalString(source, 'reference', where);
      if (type === 'legacy' && url !== undefined) {
        const cited =
          findIn(lines, (text) => /^\s*url\s*=/.test(text) && text.includes(url), line, entry.end) ?? line;
        pushIndex(indexes, { url, name: reference ?? null, source: { file: path, line: cited } });
      }
    }

    if (groups ? !groups.includes('main') : category === 'dev') continue;
    packages.push({ name: normalizeName(name), version, hashes, marker, source: { file: path, line } });
  }
  return { format: 'poetry', file: path, packages, python, indexes };
}

/**
 * `markers` is a string, or (Poetry 2, when the groups disagree) a table of markers by group;
 * the main group's is the one the image installs under.
 */
function markerOf(table: Record<string, unknown>, at: Place): string | null {
  const value = table.markers;
  if (value === undefined) return null;
  if (typeof value === 'string') return value;
  const byGroup = asRecord(value);
  if (!byGroup || value instanceof Date) {
    throw lockError(
      `${at.what}: 'markers' must be a string or a table, found ${kindOf(value)}`,
      at.file,
      at.line,
    );
  }
  return optionalString(byGroup, 'main', { ...at, what: `${at.what} markers` }) ?? null;
}
