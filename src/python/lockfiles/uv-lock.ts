import { readToml } from '../../project/parse.js';
import type { RepoReader } from '../../project/reader.js';
import { normalizeName } from '../pep508.js';
import type { IndexRef, LockedPackage, LockRead } from '../types.js';
import {
  checkVersion,
  type Entry,
  entriesOf,
  escapeRegExp,
  findIn,
  keyPattern,
  lockError,
  named,
  optionalRecord,
  optionalString,
  type Place,
  prefixedSha256,
  pushHash,
  pushIndex,
  recordsOf,
  requiredName,
  splitLines,
  stringsOf,
  topRequiresPython,
} from './common.js';
import { type FoundEdge, type FoundNode, linkGraph } from './graph.js';
import {
  type PyprojectFile,
  projectDependencies,
  pyprojectBeside,
  uvDefaultGroups,
} from './pyproject-roots.js';

/** Sources that are the workspace's own projects, not dependencies. */
const PROJECT_SOURCES = ['editable', 'virtual'] as const;
/** Source trees on disk: uv leaves `version` out for those whose version is dynamic. */
const LOCAL_SOURCES = ['directory', 'path'] as const;

/**
 * Reads `uv.lock` statically: `requires-python`, every `[[package]]` with its version, hashes
 * (`sdist` and `wheels`) and `resolution-markers`, and the registries the packages come from.
 * The project itself and workspace members (`source = { editable = ... }` or
 * `{ virtual = ... }`) are not dependencies and are left out of `packages`.
 *
 * Every entry's edges (`dependencies`, `optional-dependencies` by extra) go into `graph`, rooted
 * at the project's entry (`{ editable = "." }` or `{ virtual = "." }`): its dependencies and
 * those of the groups `uv sync` installs by default, read from `pyproject`. A lock without that
 * entry has no graph.
 */
export function readUvLock(
  reader: RepoReader,
  path: string,
  pyproject: PyprojectFile | null = pyprojectBeside(reader, path),
): LockRead {
  const { text, data } = readToml(reader, path);
  const lines = splitLines(text);

  const python = topRequiresPython(text, data, path);

  const packages: LockedPackage[] = [];
  const indexes: IndexRef[] = [];
  const nodes: FoundNode[] = [];
  const projects: Project[] = [];
  for (const entry of entriesOf(lines, data, 'package', path)) {
    const { table, line } = entry;
    const name = requiredName(table, { file: path, line, what: entry.what });
    const at = named({ file: path, line, what: entry.what }, name);

    const source = optionalRecord(table, 'source', at);
    const version = optionalString(table, 'version', at);
    const edges = edgesOf(lines, entry, at);
    const node: FoundNode = {
      name: normalizeName(name),
      package: null,
      version,
      origin: source && originOf(source),
      dependencies: edges.section('dependencies', table.dependencies),
      extras: edges.sections('optional-dependencies', optionalRecord(table, 'optional-dependencies', at)),
    };
    nodes.push(node);
    if (source && PROJECT_SOURCES.some((kind) => source[kind] !== undefined)) {
      if (PROJECT_SOURCES.some((kind) => source[kind] === '.')) {
        const groups = edges.sections('dev-dependencies', optionalRecord(table, 'dev-dependencies', at));
        projects.push({ name: node.name, dependencies: node.dependencies, groups });
      }
      continue;
    }
    if (version === undefined) {
      if (source && LOCAL_SOURCES.some((kind) => source[kind] !== undefined)) continue;
      throw lockError(`package '${name}' has no 'version'`, path, line);
    }
    checkVersion(version, at);

    const registry =
      source && optionalString(source, 'registry', { ...at, what: `package '${name}' source` });
    if (registry !== undefined) {
      const cited = findIn(lines, (text) => text.includes(registry), line, entry.end) ?? line;
      pushIndex(indexes, { url: registry, name: null, source: { file: path, line: cited } });
    }

    const hashes: string[] = [];
    const sdist = optionalRecord(table, 'sdist', at);
    if (sdist?.hash !== undefined) pushHash(hashes, prefixedSha256(sdist.hash, at));
    for (const wheel of recordsOf(table, 'wheels', at)) {
      if (wheel.hash !== undefined) pushHash(hashes, prefixedSha256(wheel.hash, at));
    }

    node.package = packages.length;
    packages.push({
      name: normalizeName(name),
      version,
      hashes,
      marker: anyOf(stringsOf(table, 'resolution-markers', at) ?? []),
      source: { file: path, line },
    });
  }
  const read: LockRead = { format: 'uv', file: path, packages, python, indexes };
  if (projects.length === 0) return read;
  return { ...read, graph: linkGraph(nodes, { ...rootsOf(projects, pyproject), relock: 'uv lock' }) };
}

/** The project of the lock's folder, as its uv.lock entry records it. */
interface Project {
  name: string;
  dependencies: FoundEdge[];
  /** `[package.dev-dependencies]`: the dependency groups, by normalized name. */
  groups: Map<string, FoundEdge[]>;
}

/**
 * Where `uv sync` starts: the project's dependencies and its default groups. uv writes markers for
 * conflicting groups as `extra == 'group-<length>-<project>-<group>'`, so the groups installed are
 * `selected` under that name.
 */
function rootsOf(
  projects: readonly Project[],
  pyproject: PyprojectFile | null,
): { roots: FoundEdge[]; declared: FoundEdge[]; selected: string[] } {
  const all = [...new Set(projects.flatMap((project) => [...project.groups.keys()]))];
  const groups = uvDefaultGroups(pyproject, all);
  const roots: FoundEdge[] = [];
  const selected: string[] = [];
  for (const project of projects) {
    roots.push(...project.dependencies);
    for (const group of groups) {
      const edges = project.groups.get(group);
      if (!edges) continue;
      roots.push(...edges);
      selected.push(`group-${project.name.length}-${project.name}-${group}`);
    }
  }
  return { roots, declared: (pyproject && projectDependencies(pyproject)) ?? [], selected };
}

/**
 * Reads the edges of one entry, each cited at its own line: the next `name = "..."` after the
 * array's key, in the order the lock lists them.
 */
function edgesOf(lines: readonly string[], entry: Entry, at: Place) {
  const file = at.file;
  const within = (pattern: RegExp, from: number | undefined) =>
    from === undefined ? undefined : findIn(lines, (text) => pattern.test(text), from, entry.end);

  const read = (record: Record<string, unknown>, key: string, keyLine: number): FoundEdge[] => {
    let cursor = keyLine;
    return recordsOf(record, key, { ...at, line: keyLine }).map((item) => {
      const name = requiredName(item, { ...at, line: keyLine, what: `${at.what}: a dependency` });
      const found = within(new RegExp(`\\bname\\s*=\\s*(["'])${escapeRegExp(name)}\\1`), cursor);
      const line = found ?? keyLine;
      if (found !== undefined) cursor = found + 1;
      const edgeAt: Place = { file, line, what: `${at.what}: dependency '${name}'` };
      const source = optionalRecord(item, 'source', edgeAt);
      return {
        name: normalizeName(name),
        marker: optionalString(item, 'marker', edgeAt) ?? null,
        extras: (stringsOf(item, 'extra', edgeAt) ?? []).map(normalizeName),
        version: optionalString(item, 'version', edgeAt),
        origin: source && originOf(source),
        source: { file, line },
      };
    });
  };

  return {
    /** An array of the entry itself: `dependencies = [...]`. */
    section(key: string, value: unknown): FoundEdge[] {
      if (value === undefined) return [];
      return read({ [key]: value }, key, within(keyPattern(key), entry.line) ?? entry.line);
    },
    /** A sub-table of arrays by name: `[package.optional-dependencies]`, `[package.dev-dependencies]`. */
    sections(key: string, table: Record<string, unknown> | undefined): Map<string, FoundEdge[]> {
      const header = within(new RegExp(`^\\s*\\[\\s*package\\.${escapeRegExp(key)}\\s*\\]`), entry.line);
      const byName = new Map<string, FoundEdge[]>();
      for (const name of Object.keys(table ?? {})) {
        const keyLine = within(keyPattern(name), header) ?? header ?? entry.line;
        const edges = read(table ?? {}, name, keyLine);
        byName.set(normalizeName(name), [...(byName.get(normalizeName(name)) ?? []), ...edges]);
      }
      return byName;
    },
  };
}

/** A source table as one string, so an edge's `source` and the entry's compare equal. */
function originOf(source: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(source)
      .sort()
      .map((key) => [key, source[key]]),
  );
}

/**
 * uv locks one entry per version of a package and says in `resolution-markers` for which
 * environments that version was chosen: the entry applies where any of them holds.
 */
function anyOf(markers: readonly string[]): string | null {
  if (markers.length <= 1) return markers[0] ?? null;
  return markers.map((marker) => `(${marker})`).join(' or ');
}
