import { asRecord } from '../../project/parse.js';
import type { RepoReader } from '../../project/reader.js';
import { excerpt } from '../../text.js';
import { normalizeName } from '../pep508.js';
import type { IndexRef, LockedPackage, LockRead, PythonHint } from '../types.js';
import {
  checkVersion,
  kindOf,
  lockError,
  named,
  optionalArray,
  optionalRecord,
  optionalString,
  type Place,
  prefixedSha256,
  pushHash,
  pushIndex,
  requiredName,
} from './common.js';
import { parseJson } from './json.js';

/** Entries that install a source tree or a VCS checkout: they pin no version, so they lock none. */
const UNVERSIONED = ['git', 'hg', 'svn', 'bzr', 'path', 'file', 'editable', 'ref'] as const;

/** Fields of the version-less entries some pipenv versions write (`{"markers": "..."}`). */
const NOT_A_PIN: ReadonlySet<string> = new Set(['markers', 'extras', 'index']);

/**
 * Reads `Pipfile.lock` statically: `_meta.requires` (`python_version`, `python_full_version`),
 * `_meta.sources` (package indexes) and the `default` packages with their `==` versions, hashes
 * and markers. `develop` is what `pipenv install --dev` adds and is not read.
 *
 * An entry without `version` (a VCS or path install, or the marker-only entries some pipenv
 * versions write) locks no version and is left out; one with hashes but no version is an error.
 */
export function readPipfileLock(reader: RepoReader, path: string): LockRead {
  const text = reader.readText(path);
  if (text === null) throw lockError(`cannot read '${path}'`, path);
  const { data, lineOf } = parseJson(text, path);
  const root = asRecord(data);
  if (!root) throw lockError(`${path} must hold a JSON object, found ${kindOf(data, 'object')}`, path, 1);
  const place = (keys: readonly (string | number)[], what: string): Place => ({
    file: path,
    line: lineOf(keys) ?? 1,
    what,
    table: 'object',
  });

  const python: PythonHint[] = [];
  const indexes: IndexRef[] = [];
  const meta = optionalRecord(root, '_meta', place(['_meta'], path));
  if (meta) {
    const requires = optionalRecord(meta, 'requires', place(['_meta', 'requires'], '_meta'));
    for (const key of ['python_version', 'python_full_version'] as const) {
      if (!requires) break;
      const version = optionalString(requires, key, place(['_meta', 'requires', key], '_meta.requires'));
      if (version !== undefined) {
        const line = lineOf(['_meta', 'requires', key]);
        python.push({
          kind: 'exact',
          text: version,
          source: line === undefined ? { file: path } : { file: path, line },
        });
      }
    }
    const sources = optionalArray(meta, 'sources', place(['_meta', 'sources'], '_meta')) ?? [];
    sources.forEach((item, index) => {
      const at = place(['_meta', 'sources', index], `_meta.sources item ${index + 1}`);
      const source = asRecord(item);
      if (!source)
        throw lockError(`${at.what} must be an object, found ${kindOf(item, 'object')}`, path, at.line);
      const url = optionalString(source, 'url', place(['_meta', 'sources', index, 'url'], at.what));
      if (url === undefined) throw lockError(`${at.what} has no 'url'`, path, at.line);
      const name = optionalString(source, 'name', place(['_meta', 'sources', index, 'name'], at.what));
      pushIndex(indexes, {
        url,
        name: name ?? null,
        source: { file: path, line: lineOf(['_meta', 'sources', index, 'url']) ?? at.line },
      });
    });
  }

  const packages: LockedPackage[] = [];
  const section = optionalRecord(root, 'default', place(['default'], path)) ?? {};
  for (const [key, value] of Object.entries(section)) {
    const line = lineOf(['default', key]) ?? lineOf(['default']) ?? 1;
    const at: Place = { file: path, line, what: `package '${excerpt(key)}'`, table: 'object' };
    const name = requiredName({ name: key }, at);
    const entry = asRecord(value);
    if (!entry) throw lockError(`${at.what} must be an object, found ${kindOf(value, 'object')}`, path, line);
    const here = named(at, name);
    const pinned = optionalString(entry, 'version', here);
    const marker = optionalString(entry, 'markers', here) ?? null;
    const hashes: string[] = [];
    for (const hash of optionalArray(entry, 'hashes', here) ?? [])
      pushHash(hashes, prefixedSha256(hash, here));
    if (pinned === undefined) {
      if (UNVERSIONED.some((kind) => entry[kind] !== undefined)) continue;
      if (Object.keys(entry).every((field) => NOT_A_PIN.has(field))) continue;
      throw lockError(`${here.what} has no 'version'`, path, line);
    }
    const version = /^===?\s*(\S+)$/.exec(pinned.trim())?.[1];
    if (version === undefined) {
      throw lockError(
        `${here.what}: version '${excerpt(pinned)}' is not an exact pin ('==1.2.3')`,
        path,
        line,
      );
    }
    checkVersion(version, here);
    packages.push({ name: normalizeName(name), version, hashes, marker, source: { file: path, line } });
  }
  // Object keys that look like integers come first in JS; the file's order is the lines' order.
  packages.sort((a, b) => (a.source.line ?? 0) - (b.source.line ?? 0));
  return { format: 'pipfile', file: path, packages, python, indexes };
}
