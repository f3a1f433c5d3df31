import { asRecord, readToml } from '../../project/parse.js';
import type { RepoReader } from '../../project/reader.js';
import { excerpt } from '../../text.js';
import { normalizeName } from '../pep508.js';
import type { IndexRef, LockedPackage, LockRead, PythonHint } from '../types.js';
import {
  checkVersion,
  type Entry,
  entriesOf,
  findIn,
  keyPattern,
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
import { bothMarkers, type FoundEdge, type FoundNode, linkGraph } from './graph.js';
import { type PyprojectFile, poetryMainDependencies, pyprojectBeside } from './pyproject-roots.js';

/**
 * Reads `poetry.lock` statically: every `[[package]]` with its version, file hashes, markers and
 * `[package.source]` (a `legacy` source is a package index), and `[metadata] python-versions`.
 *
 * Packages of other groups only (`groups = ["dev"]` in lock-version 2.1, `category = "dev"` in
 * 1.x) are left out: the image installs the main group. Lock-version 2.0 records no groups, so
 * there every package is kept. Lock-version 1.x keeps hashes in `[metadata.files]`, read too.
 *
 * Each kept package's `[package.dependencies]` go into `graph`, the optional ones under the
 * `[package.extras]` that list them, rooted at the main dependencies of `pyproject`; without
 * those there is no graph.
 */
export function readPoetryLock(
  reader: RepoReader,
  path: string,
  pyproject: PyprojectFile | null = pyprojectBeside(reader, path),
): LockRead {
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
  const nodes: FoundNode[] = [];
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

    const edges = edgesOf(lines, entry, at);
    if (groups ? !groups.includes('main') : category === 'dev') continue;
    nodes.push({ name: normalizeName(name), package: packages.length, ...edges });
    packages.push({ name: normalizeName(name), version, hashes, marker, source: { file: path, line } });
  }
  const read: LockRead = { format: 'poetry', file: path, packages, python, indexes };
  const main = poetryMainDependencies(pyproject);
  if (!main) return read;
  return { ...read, graph: linkGraph(nodes, { ...main, selected: [], relock: 'poetry lock' }) };
}

/**
 * `[package.dependencies]`, each a constraint string, a table (`markers`, `extras`, `optional`),
 * or a list of tables, one per constraint; the optional ones go under the extras of
 * `[package.extras]` that list them (an extra's dependency the table lacks is read from the list's
 * own entry), and are followed only when the package is asked for with one.
 */
function edgesOf(
  lines: readonly string[],
  entry: Entry,
  at: Place,
): { dependencies: FoundEdge[]; extras: Map<string, FoundEdge[]> } {
  const sectionLine = (key: string) => {
    const header = new RegExp(`^\\s*\\[\\s*package\\.${key}\\s*\\]`);
    return findIn(lines, (text) => header.test(text), entry.line, entry.end);
  };
  const keyLine = (header: number | undefined, key: string) =>
    (header === undefined
      ? undefined
      : findIn(lines, (text) => keyPattern(key).test(text), header, entry.end)) ??
    header ??
    entry.line;

  const table = optionalRecord(entry.table, 'dependencies', at) ?? {};
  const dependenciesLine = sectionLine('dependencies');
  const dependencies: FoundEdge[] = [];
  const optional = new Map<string, FoundEdge[]>();
  for (const [key, value] of Object.entries(table)) {
    const line = keyLine(dependenciesLine, key);
    for (const { edge, isOptional } of constraintsOf(key, value, { ...at, line })) {
      if (!isOptional) dependencies.push(edge);
      else optional.set(edge.name, [...(optional.get(edge.name) ?? []), edge]);
    }
  }

  const extrasTable = optionalRecord(entry.table, 'extras', at) ?? {};
  const extrasLine = sectionLine('extras');
  const extras = new Map<string, FoundEdge[]>();
  for (const extra of Object.keys(extrasTable)) {
    const line = keyLine(extrasLine, extra);
    const listed = stringsOf(extrasTable, extra, { ...at, line }) ?? [];
    const edges = listed.flatMap((item) => {
      const named = listedDependency(item, { ...at, line, what: `${at.what} [package.extras] '${extra}'` });
      const fromTable = optional.get(named.name) ?? dependencies.filter((edge) => edge.name === named.name);
      return fromTable.length > 0 ? fromTable : [named];
    });
    extras.set(normalizeName(extra), [...(extras.get(normalizeName(extra)) ?? []), ...edges]);
  }
  return { dependencies, extras };
}

function constraintsOf(key: string, value: unknown, at: Place): { edge: FoundEdge; isOptional: boolean }[] {
  const name = normalizeName(key);
  const source = { file: at.file, line: at.line };
  if (typeof value === 'string')
    return [{ edge: { name, marker: null, extras: [], source }, isOptional: false }];
  const tables = Array.isArray(value) ? value : [value];
  return tables.map((item) => {
    const table = asRecord(item);
    if (!table || item instanceof Date) {
      throw lockError(
        `${at.what}: dependency '${key}' must be a string, a table or a list of tables, found ${kindOf(item)}`,
        at.file,
        at.line,
      );
    }
    const where: Place = { ...at, what: `${at.what}: dependency '${key}'` };
    const markers = optionalString(table, 'markers', where) ?? null;
    // Poetry 1.0 wrote `python` and `platform` constraints on edges; the first is not a marker and
    // is left to the package's own markers, the second is sys.platform.
    const platform = optionalString(table, 'platform', where);
    const platformMarker =
      platform && /^[A-Za-z0-9_]+$/.test(platform) ? `sys_platform == "${platform}"` : null;
    return {
      edge: {
        name,
        marker: bothMarkers(markers, platformMarker),
        extras: (stringsOf(table, 'extras', where) ?? []).map(normalizeName),
        source,
      },
      isOptional: table.optional === true,
    };
  });
}

/** An entry of `[package.extras]`: `"h2 (>=3,<5)"`, `"jaraco.packaging (>=9.3)"`, `"foo[bar] ; marker"`. */
function listedDependency(item: string, at: Place): FoundEdge {
  const match = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?/.exec(item);
  if (!match?.[1]) throw lockError(`${at.what}: '${excerpt(item)}' is not a dependency`, at.file, at.line);
  const semicolon = item.indexOf(';');
  const marker = semicolon < 0 ? null : item.slice(semicolon + 1).trim() || null;
  const extras = (match[2] ?? '')
    .split(',')
    .map((extra) => extra.trim())
    .filter(Boolean)
    .map(normalizeName);
  return { name: normalizeName(match[1]), marker, extras, source: { file: at.file, line: at.line } };
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
