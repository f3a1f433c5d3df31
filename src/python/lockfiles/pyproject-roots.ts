import { UserError } from '../../errors.js';
import { asRecord, readToml } from '../../project/parse.js';
import type { RepoReader } from '../../project/reader.js';
import { excerpt } from '../../text.js';
import { findLine } from '../find-line.js';
import { normalizeName, parsePep508 } from '../pep508.js';
import { keyPattern, tableKeyLine } from './common.js';
import { bothMarkers, type FoundEdge } from './graph.js';

/** The pyproject.toml beside a lock, parsed: where uv and Poetry read what to install. */
export interface PyprojectFile {
  file: string;
  text: string;
  data: Record<string, unknown>;
}

/** The pyproject.toml in the lock's folder, when the project has one. */
export function pyprojectBeside(reader: RepoReader, lockfile: string): PyprojectFile | null {
  const file = `${lockfile.slice(0, lockfile.lastIndexOf('/') + 1)}pyproject.toml`;
  if (!reader.files().includes(file)) return null;
  return { file, ...readToml(reader, file) };
}

function pyprojectError(message: string, pyproject: PyprojectFile, line: number | undefined): UserError {
  return new UserError(
    message,
    'detect',
    line === undefined ? { file: pyproject.file } : { file: pyproject.file, line },
  );
}

/**
 * `[project] dependencies` (PEP 621), each cited at its line; null where the table does not list
 * them (absent, or `dynamic`).
 */
export function projectDependencies(pyproject: PyprojectFile): FoundEdge[] | null {
  const project = asRecord(pyproject.data.project);
  const listed = project?.dependencies;
  const dynamic = project?.dynamic;
  if (!Array.isArray(listed) || (Array.isArray(dynamic) && dynamic.includes('dependencies'))) return null;
  const header = findLine(pyproject.text, /^\s*\[\s*project\s*\]/) ?? 1;
  const keyLine = tableKeyLine(pyproject.text, 'project', 'dependencies') ?? header;
  const lines = pyproject.text.split(/\r?\n/);
  let cursor = keyLine;
  return listed.map((item, index) => {
    if (typeof item !== 'string') {
      throw pyprojectError(`[project] dependencies item ${index + 1} must be a string`, pyproject, keyLine);
    }
    // The next line that holds the string as written: one a line is how projects write them.
    const at = lines.findIndex((line, lineIndex) => lineIndex + 1 >= cursor && line.includes(item));
    const line = at < 0 ? keyLine : at + 1;
    if (at >= 0) cursor = line + 1;
    const parsed = parsePep508(item);
    if ('error' in parsed) throw pyprojectError(`[project] dependencies: ${parsed.error}`, pyproject, line);
    return {
      name: parsed.name,
      marker: parsed.marker,
      extras: parsed.extras,
      source: { file: pyproject.file, line },
    };
  });
}

/**
 * The dependency groups `uv sync` installs with the project
 * (https://docs.astral.sh/uv/concepts/projects/dependencies/#default-groups): `[tool.uv]
 * default-groups`, a list or `"all"` (every group of `groups`), else `dev`, where uv.lock also
 * puts the legacy `[tool.uv] dev-dependencies`. Names normalized.
 */
export function uvDefaultGroups(pyproject: PyprojectFile | null, groups: readonly string[]): string[] {
  const configured = pyproject && asRecord(asRecord(pyproject.data.tool)?.uv)?.['default-groups'];
  if (!pyproject || configured === undefined) return ['dev'];
  if (configured === 'all') return [...groups];
  if (Array.isArray(configured) && configured.every((name) => typeof name === 'string')) {
    return configured.map(normalizeName);
  }
  throw pyprojectError(
    `[tool.uv] default-groups must be a list of group names or "all"`,
    pyproject,
    findLine(pyproject.text, keyPattern('default-groups')),
  );
}

/**
 * The main dependencies Poetry installs (https://python-poetry.org/docs/managing-dependencies/):
 * Poetry 2's `[project] dependencies`, else `[tool.poetry.dependencies]` less `python` and those
 * marked `optional` (installed only with an extra). Null when pyproject.toml lists none: the lock
 * alone does not say which of its packages are the project's.
 *
 * `declared` leaves out those with a Poetry `python` constraint: Poetry may lock nothing for them,
 * and this reads no Poetry constraint. Their edges are followed whatever the Python, and the
 * locked package's own markers decide.
 */
export function poetryMainDependencies(
  pyproject: PyprojectFile | null,
): { roots: FoundEdge[]; declared: FoundEdge[] } | null {
  if (!pyproject) return null;
  const pep621 = projectDependencies(pyproject);
  if (pep621) return pep621.length > 0 ? { roots: pep621, declared: pep621 } : null;
  const table = asRecord(asRecord(asRecord(pyproject.data.tool)?.poetry)?.dependencies);
  if (!table) return null;
  const roots: FoundEdge[] = [];
  const declared: FoundEdge[] = [];
  for (const [key, value] of Object.entries(table)) {
    if (normalizeName(key) === 'python') continue;
    const line =
      tableKeyLine(pyproject.text, 'tool.poetry.dependencies', key) ??
      findLine(pyproject.text, /^\s*\[\s*tool\.poetry\.dependencies\s*\]/);
    const source = line === undefined ? { file: pyproject.file } : { file: pyproject.file, line };
    for (const constraint of poetryConstraints(key, value, pyproject, line)) {
      if (constraint.optional) continue;
      const edge: FoundEdge = {
        name: normalizeName(key),
        marker: constraint.marker,
        extras: constraint.extras,
        source,
      };
      roots.push(edge);
      if (!constraint.python) declared.push(edge);
    }
  }
  return roots.length > 0 ? { roots, declared } : null;
}

interface PoetryConstraint {
  marker: string | null;
  extras: string[];
  optional: boolean;
  /** Whether a Poetry `python = "..."` constraint limits it. */
  python: boolean;
}

/** A dependency of `[tool.poetry.dependencies]`: a version, a table, or a list of tables (one per constraint). */
function poetryConstraints(
  key: string,
  value: unknown,
  pyproject: PyprojectFile,
  line: number | undefined,
): PoetryConstraint[] {
  if (typeof value === 'string') return [{ marker: null, extras: [], optional: false, python: false }];
  const tables = Array.isArray(value) ? value : [value];
  return tables.map((item) => {
    const table = asRecord(item);
    if (!table || item instanceof Date) {
      throw pyprojectError(
        `[tool.poetry.dependencies] '${excerpt(key)}' must be a version, a table or a list of tables`,
        pyproject,
        line,
      );
    }
    const markers = typeof table.markers === 'string' ? table.markers : null;
    // Poetry's `platform` is a sys.platform value; anything else it would not match either.
    const platform =
      typeof table.platform === 'string' && /^[A-Za-z0-9_]+$/.test(table.platform)
        ? `sys_platform == "${table.platform}"`
        : null;
    const extras = Array.isArray(table.extras)
      ? table.extras.filter((extra): extra is string => typeof extra === 'string').map(normalizeName)
      : [];
    return {
      marker: bothMarkers(markers, platform),
      extras,
      optional: table.optional === true,
      python: table.python !== undefined,
    };
  });
}
