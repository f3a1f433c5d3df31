import { UserError } from '../errors.js';
import { asRecord, asString } from '../project/parse.js';
import { folderOf, inFolder } from '../project/paths.js';
import type { RepoReader } from '../project/reader.js';
import { findLine } from '../python/find-line.js';
import { parsePep508 } from '../python/pep508.js';
import type { Requirement } from '../python/types.js';
import { formatSource, type SourceRef } from '../source.js';
import { quoted } from '../text.js';

/**
 * A `[project.scripts]` entry the image runs by name. It exists only once the project itself is
 * installed, which needs the project's build backend: `requires` go into the lock like any
 * dependency, so the backend is pinned by hash too.
 */
export interface ConsoleScript {
  name: string;
  /** `[build-system] build-backend`, or the setuptools legacy backend pip falls back to (PEP 517). */
  backend: string;
  buildRequires: Requirement[];
  /** Where the build system was read: the `[build-system]` line, or the setup.py that stands for it. */
  buildSource: string;
}

/**
 * The name becomes the image's command and a file in the venv's bin: the entry-point spec's
 * recommended form (letters, digits, `_ . -`), which no Dockerfile or shell reads as syntax.
 */
export const SCRIPT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** PEP 517's fallback for a project without `[build-system]`, as pip applies it to a setup.py. */
const LEGACY_BACKEND = 'setuptools.build_meta:__legacy__';
const LEGACY_REQUIRES = 'setuptools>=40.8.0';

/**
 * The console script `name` of the pyproject.toml at `path`, or null when the project is no
 * package (no `[build-system]` and no setup.py beside it: pip could not build it, and uv treats
 * such a project as virtual and installs no scripts).
 */
export function readConsoleScript(
  reader: RepoReader,
  path: string,
  text: string,
  data: Record<string, unknown>,
  name: string,
  source: SourceRef,
): ConsoleScript | null {
  if (!SCRIPT_NAME.test(name)) {
    throw new UserError(
      `script ${quoted(name)} is run by its name, which must be letters, digits, '.', '_' or '-'`,
      'detect',
      source,
    );
  }
  const table = data['build-system'];
  if (table === undefined) {
    const setupPy = inFolder(folderOf(path), 'setup.py');
    if (reader.readText(setupPy) === null) return null;
    const legacy = parsePep508(LEGACY_REQUIRES);
    if ('error' in legacy) throw new Error(legacy.error);
    return {
      name,
      backend: LEGACY_BACKEND,
      buildRequires: [{ ...legacy, hashes: [], source: { file: setupPy } }],
      buildSource: `${setupPy} (no [build-system]: PEP 517's setuptools default)`,
    };
  }
  const header = findLine(text, /^\s*\[build-system\]/);
  const at: SourceRef = { file: path, line: header };
  const system = asRecord(table);
  const requires = system?.requires;
  if (!system || !Array.isArray(requires)) {
    throw new UserError('[build-system] must have `requires`, a list of requirement strings', 'detect', at);
  }
  const buildRequires = requires.map((item: unknown): Requirement => {
    const line =
      typeof item === 'string'
        ? (findLine(text, `"${item}"`, header) ?? findLine(text, `'${item}'`, header) ?? header)
        : header;
    const itemSource: SourceRef = { file: path, line };
    const parsed = typeof item === 'string' ? parsePep508(item) : null;
    if (parsed === null || 'error' in parsed) {
      throw new UserError(
        parsed?.error ?? '[build-system] `requires` must hold requirement strings',
        'detect',
        itemSource,
      );
    }
    return { ...parsed, hashes: [], source: itemSource };
  });
  return {
    name,
    backend: asString(system['build-backend']) ?? LEGACY_BACKEND,
    buildRequires,
    buildSource: formatSource(at),
  };
}
