import { defaultPython } from '../../data/compat.js';
import { UserError } from '../../errors.js';
import { asArray, asRecord, asString } from '../../project/parse.js';
import { findLine } from '../../python/find-line.js';
import { checkIndexUrl } from '../../python/index-url.js';
import { escapeRegExp } from '../../python/lockfiles/common.js';
import { evaluateMarker, linuxEnvironment } from '../../python/markers.js';
import { normalizeName } from '../../python/pep508.js';
import type { IndexRef, Requirement } from '../../python/types.js';
import type { SourceRef } from '../../source.js';
import { excerpt, quoted } from '../../text.js';
import { keyLinesAfter } from '../toml-lines.js';

export type IndexTool = 'poetry' | 'uv' | 'pdm';

/**
 * How pip should see one `[[…]]` index table, read as its own tool reads it (docs/detection.md,
 * "Indexes and sources"): `main` replaces PyPI, `extra` is searched beside it, `explicit` serves
 * only the packages bound to it by name.
 *
 * - poetry (https://python-poetry.org/docs/repositories/#package-sources): `priority` is
 *   `primary` by default and replaces PyPI; `supplemental` (and the deprecated `secondary`) is
 *   searched after it; `explicit` serves only dependencies naming it with `source = "…"`.
 * - uv (https://docs.astral.sh/uv/concepts/indexes/): an index is searched before PyPI, which
 *   stays, unless `default = true` makes it replace PyPI; `explicit = true` serves only packages
 *   bound to it in `[tool.uv.sources]`.
 * - pdm (https://pdm-project.org/en/latest/usage/config/#configure-the-package-indexes): every
 *   source is searched beside PyPI; one named `pypi` replaces it; `include_packages` binds
 *   packages to the source (read by `pdmBindings`).
 */
function indexRole(tool: IndexTool, table: Record<string, unknown>): 'main' | 'extra' | 'explicit' {
  if (tool === 'poetry') {
    const priority = asString(table.priority) ?? 'primary';
    if (priority === 'explicit') return 'explicit';
    return priority === 'supplemental' || priority === 'secondary' ? 'extra' : 'main';
  }
  if (tool === 'uv') {
    if (table.explicit === true) return 'explicit';
    return table.default === true ? 'main' : 'extra';
  }
  return asString(table.name)?.toLowerCase() === 'pypi' ? 'main' : 'extra';
}

/** The `[[section]]` tables naming indexes (poetry and pdm sources, uv indexes), each with its role. */
export function readIndexTables(
  tool: IndexTool,
  tables: unknown[],
  text: string,
  path: string,
  section: string,
): IndexRef[] {
  const header = new RegExp(`^\\s*\\[\\[${escapeRegExp(section)}\\]\\]`);
  const indexes: IndexRef[] = [];
  let from = 1;
  for (const entry of tables) {
    const table = asRecord(entry);
    const line = findLine(text, header, from);
    if (line) from = line + 1;
    const url = asString(table?.url);
    if (!table || !url) continue;
    const source = { file: path, line: line ? (findLine(text, /^\s*url\s*=/, line) ?? line) : undefined };
    const role = indexRole(tool, table);
    indexes.push({
      url: checkIndexUrl(url, `[[${section}]] url`, source),
      name: asString(table.name) ?? null,
      source,
      ...(role === 'main' ? {} : { extra: true as const }),
      ...(role === 'explicit' ? { explicit: true as const } : {}),
    });
  }
  return indexes;
}

/**
 * The index a requirement names must exist: its tool refuses the project otherwise, and a
 * binding to nothing would silently fall back to PyPI here.
 */
function checkBinding(name: string, requirement: Requirement, indexes: readonly IndexRef[], section: string) {
  if (!indexes.some((index) => index.name === name)) {
    throw new UserError(
      `${requirement.name} is bound to the index ${quoted(name)}, but no ${section} is named so`,
      'detect',
      requirement.source,
    );
  }
}

/** poetry's `torch = { version = "…", source = "pytorch-cpu" }`: the dependency comes from that source only. */
export function bindPoetrySource(
  requirement: Requirement,
  table: Record<string, unknown> | undefined,
  indexes: readonly IndexRef[],
): Requirement {
  const name = asString(table?.source);
  if (name === undefined) return requirement;
  checkBinding(name, requirement, indexes, '[[tool.poetry.source]]');
  return { ...requirement, index: name };
}

/**
 * pdm's `include_packages` (fnmatch patterns such as `torch*`): matching packages are searched in
 * that source only. `exclude_packages` only keeps packages away from a source, which binds nothing.
 */
export function pdmBindings(requirements: Requirement[], tables: unknown[]): Requirement[] {
  const bindings = tables.flatMap((entry) => {
    const table = asRecord(entry);
    const name = asString(table?.name);
    if (!name) return [];
    return asArray(table?.include_packages)
      .filter((pattern): pattern is string => typeof pattern === 'string')
      .map((pattern) => ({ name, pattern: globPattern(pattern) }));
  });
  if (bindings.length === 0) return requirements;
  return requirements.map((requirement) => {
    const bound = bindings.find((binding) => binding.pattern.test(requirement.name));
    return bound ? { ...requirement, index: bound.name } : requirement;
  });
}

/** An fnmatch pattern over normalized names, anchored: `*` and `?` only, as pdm's docs use them. */
function globPattern(pattern: string): RegExp {
  const body = normalizeName(pattern.replace(/\*/g, '\u0000').replace(/\?/g, '\u0001'))
    .split('')
    .map((char) => (char === '\u0000' ? '.*' : char === '\u0001' ? '.' : escapeRegExp(char)))
    .join('');
  return new RegExp(`^${body}$`);
}

/** Where a requirement was listed, for uv sources scoped with `group` or `extra`. */
interface Origin {
  group?: string;
  extra?: string;
}

/**
 * `[tool.uv.sources]` (https://docs.astral.sh/uv/concepts/projects/dependencies/#dependency-sources):
 * a package's source is a table or a list of them; uv takes the first entry whose `group`,
 * `extra` and `marker` all hold for the requirement. Markers are evaluated for the image's
 * platform (Linux x86_64, the default Python: detection knows no other yet). Only `index`
 * entries matter here; `url`, `git` and `path` sources keep the requirement as written.
 */
export function bindUvSources(
  requirements: Requirement[],
  sources: Record<string, unknown> | undefined,
  indexes: readonly IndexRef[],
  text: string,
  path: string,
): Requirement[] {
  if (!sources) return requirements;
  const byName = new Map<string, { entries: unknown[]; line: number | undefined }>();
  const header = findLine(text, /^\s*\[tool\.uv\.sources\]/);
  const keyLines = header === undefined ? new Map<string, number>() : keyLinesAfter(text, header);
  for (const [name, value] of Object.entries(sources)) {
    byName.set(normalizeName(name), {
      entries: Array.isArray(value) ? value : [value],
      line: keyLines.get(name),
    });
  }
  const env = linuxEnvironment(`${defaultPython.version}.0`);
  return requirements.map((requirement) => {
    const found = byName.get(requirement.name);
    if (!found) return requirement;
    const origin: Origin = { group: requirement.group };
    const at: SourceRef = { file: path, line: found.line };
    const entry = found.entries.map(asRecord).find((table) => table && applies(table, origin, env, at));
    const index = asString(entry?.index);
    if (index === undefined) return requirement;
    checkBinding(index, { ...requirement, source: at }, indexes, '[[tool.uv.index]]');
    return { ...requirement, index };
  });
}

function applies(
  table: Record<string, unknown>,
  origin: Origin,
  env: Record<string, string>,
  at: SourceRef,
): boolean {
  const group = asString(table.group);
  if (group !== undefined && normalizeName(group) !== normalizeName(origin.group ?? '')) return false;
  const extra = asString(table.extra);
  if (extra !== undefined && normalizeName(extra) !== normalizeName(origin.extra ?? '')) return false;
  const marker = asString(table.marker);
  if (marker === undefined) return true;
  try {
    return evaluateMarker(marker, env);
  } catch (error) {
    throw new UserError(
      `[tool.uv.sources] marker ${quoted(marker)}: ${excerpt(error instanceof Error ? error.message : String(error), 200)}`,
      'detect',
      at,
    );
  }
}

/**
 * The requirement strings of a PEP 735 group (https://peps.python.org/pep-0735/), its
 * `{ include-group = "…" }` entries expanded; each group read once, so includes cannot fan out
 * or loop.
 */
export function groupItems(
  groups: Record<string, unknown>,
  names: readonly string[],
): { group: string; item: string }[] {
  const items: { group: string; item: string }[] = [];
  const seen = new Set<string>();
  const pending = [...names];
  while (pending.length > 0) {
    const group = pending.shift() ?? '';
    const key = Object.keys(groups).find((candidate) => normalizeName(candidate) === normalizeName(group));
    if (key === undefined || seen.has(key)) continue;
    seen.add(key);
    for (const entry of asArray(groups[key])) {
      if (typeof entry === 'string') items.push({ group: key, item: entry });
      const included = asString(asRecord(entry)?.['include-group']);
      if (included !== undefined) pending.push(included);
    }
  }
  return items;
}
