import { readToml } from '../../project/parse.js';
import type { RepoReader } from '../../project/reader.js';
import { excerpt } from '../../text.js';
import { normalizeName } from '../pep508.js';
import type { IndexRef, LockedPackage, LockRead } from '../types.js';
import {
  bareSha256,
  checkVersion,
  entriesOf,
  findIn,
  keyPattern,
  lockError,
  named,
  optionalRecord,
  optionalString,
  pushHash,
  pushIndex,
  recordsOf,
  requiredName,
  splitLines,
  topKeyLine,
  topRequiresPython,
} from './common.js';

/**
 * Reads a PEP 751 `pylock.toml` statically: `lock-version` (major 1, as the spec requires
 * readers to check), `requires-python`, and every `[[packages]]` entry with its version,
 * `marker`, `index` and the sha256 of its wheels, sdist or archive.
 *
 * The spec forbids `version` for source trees whose version is not static (`vcs`, `directory`):
 * such an entry locks no version and is left out.
 */
export function readPylock(reader: RepoReader, path: string): LockRead {
  const { text, data } = readToml(reader, path);
  const lines = splitLines(text);

  const versionLine = topKeyLine(text, 'lock-version');
  const lockVersion = optionalString(data, 'lock-version', {
    file: path,
    line: versionLine ?? 1,
    what: path,
  });
  if (lockVersion === undefined) throw lockError(`${path} has no 'lock-version'`, path, 1);
  if (lockVersion.split('.')[0] !== '1') {
    throw lockError(
      `unsupported lock-version '${excerpt(lockVersion)}' (this reader knows 1.x)`,
      path,
      versionLine,
    );
  }

  const python = topRequiresPython(text, data, path);

  const packages: LockedPackage[] = [];
  const indexes: IndexRef[] = [];
  for (const entry of entriesOf(lines, data, 'packages', path)) {
    const { table, line } = entry;
    const name = requiredName(table, { file: path, line, what: entry.what });
    const at = named({ file: path, line, what: entry.what }, name);
    const version = optionalString(table, 'version', at);
    if (version !== undefined) checkVersion(version, at);
    const marker = optionalString(table, 'marker', at) ?? null;

    const index = optionalString(table, 'index', at);
    if (index !== undefined) {
      const pattern = keyPattern('index');
      const cited =
        findIn(lines, (text) => pattern.test(text) && text.includes(index), line, entry.end) ?? line;
      pushIndex(indexes, { url: index, name: null, source: { file: path, line: cited } });
    }

    const hashes: string[] = [];
    const artifacts = [
      ...recordsOf(table, 'wheels', at),
      optionalRecord(table, 'sdist', at),
      optionalRecord(table, 'archive', at),
    ];
    for (const artifact of artifacts) {
      if (!artifact) continue;
      const digests = optionalRecord(artifact, 'hashes', at);
      if (digests?.sha256 !== undefined) pushHash(hashes, bareSha256(digests.sha256, at));
    }
    optionalRecord(table, 'vcs', at);
    optionalRecord(table, 'directory', at);

    if (version === undefined) continue;
    packages.push({ name: normalizeName(name), version, hashes, marker, source: { file: path, line } });
  }
  return { format: 'pylock', file: path, packages, python, indexes };
}
