import type { IndexRef, LockedPackage, LockRead } from '../manifest.js';
import { readToml } from '../parse.js';
import { normalizeName } from '../pep508.js';
import type { RepoReader } from '../reader.js';
import {
  checkVersion,
  entriesOf,
  findIn,
  lockError,
  named,
  optionalRecord,
  optionalString,
  prefixedSha256,
  pushHash,
  pushIndex,
  recordsOf,
  requiredName,
  splitLines,
  stringsOf,
  topRequiresPython,
} from './common.js';

/** Sources that are the workspace's own projects, not dependencies. */
const PROJECT_SOURCES = ['editable', 'virtual'] as const;
/** Source trees on disk: uv leaves `version` out for those whose version is dynamic. */
const LOCAL_SOURCES = ['directory', 'path'] as const;

/**
 * Reads `uv.lock` statically: `requires-python`, every `[[package]]` with its version, hashes
 * (`sdist` and `wheels`) and `resolution-markers`, and the registries the packages come from.
 * The project itself and workspace members (`source = { editable = ... }` or
 * `{ virtual = ... }`) are not dependencies and are left out.
 */
export function readUvLock(reader: RepoReader, path: string): LockRead {
  const { text, data } = readToml(reader, path);
  const lines = splitLines(text);

  const python = topRequiresPython(text, data, path);

  const packages: LockedPackage[] = [];
  const indexes: IndexRef[] = [];
  for (const entry of entriesOf(lines, data, 'package', path)) {
    const { table, line } = entry;
    const name = requiredName(table, { file: path, line, what: entry.what });
    const at = named({ file: path, line, what: entry.what }, name);

    const source = optionalRecord(table, 'source', at);
    if (source && PROJECT_SOURCES.some((kind) => source[kind] !== undefined)) continue;
    const version = optionalString(table, 'version', at);
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

    packages.push({
      name: normalizeName(name),
      version,
      hashes,
      marker: anyOf(stringsOf(table, 'resolution-markers', at) ?? []),
      source: { file: path, line },
    });
  }
  return { format: 'uv', file: path, packages, python, indexes };
}

/**
 * uv locks one entry per version of a package and says in `resolution-markers` for which
 * environments that version was chosen: the entry applies where any of them holds.
 */
function anyOf(markers: readonly string[]): string | null {
  if (markers.length <= 1) return markers[0] ?? null;
  return markers.map((marker) => `(${marker})`).join(' or ');
}
