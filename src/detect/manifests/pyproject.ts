import { UserError } from '../../errors.js';
import { asArray, asRecord, asString, readToml } from '../../project/parse.js';
import { findLine } from '../../python/find-line.js';
import { checkIndexUrl } from '../../python/index-url.js';
import { escapeRegExp } from '../../python/lockfiles/common.js';
import { uvDefaultGroups } from '../../python/lockfiles/pyproject-roots.js';
import { normalizeName, parsePep508 } from '../../python/pep508.js';
import type { IndexRef, Requirement } from '../../python/types.js';
import { poetryToPep440 } from '../../python/versions.js';
import { formatSource, type SourceRef } from '../../source.js';
import { quoted } from '../../text.js';
import { readConsoleScript } from '../console-script.js';
import { emptyManifest, type Manifest } from '../manifest.js';
import { checkPathText } from '../path-text.js';
import type { DependencyFormat } from '../spec.js';
import { keyLinesAfter } from '../toml-lines.js';
import {
  bindPoetrySource,
  bindUvSources,
  groupItems,
  pdmBindings,
  readIndexTables,
} from './pyproject-sources.js';

export interface PyprojectFlavour {
  hasProjectDependencies: boolean;
  hasPoetryDependencies: boolean;
  hasUv: boolean;
  hasPdm: boolean;
}

/** Which tool owns a pyproject.toml, by the tables it has (docs/detection.md, step 8). */
export function pyprojectFlavour(data: Record<string, unknown>): PyprojectFlavour {
  const tool = asRecord(data.tool) ?? {};
  const poetry = asRecord(tool.poetry);
  return {
    hasProjectDependencies: asArray(asRecord(data.project)?.dependencies).length > 0,
    hasPoetryDependencies: Object.keys(asRecord(poetry?.dependencies) ?? {}).some(
      (name) => name !== 'python',
    ),
    hasUv: asRecord(tool.uv) !== undefined,
    hasPdm: asRecord(tool.pdm) !== undefined,
  };
}

export function pyprojectFormat(flavour: PyprojectFlavour): DependencyFormat | null {
  if (flavour.hasPoetryDependencies) return 'poetry';
  if (flavour.hasUv) return 'uv';
  if (flavour.hasPdm) return 'pdm';
  if (flavour.hasProjectDependencies) return 'pep621';
  return null;
}

/**
 * Reads pyproject.toml for any of PEP 621, poetry, uv and pdm. `format` is what the caller
 * decided (a lockfile beside it can make a PEP 621 file a uv or pdm project).
 */
export function readPyproject(
  reader: Parameters<typeof readToml>[0],
  path: string,
  format: DependencyFormat,
): Manifest {
  const { text, data } = readToml(reader, path);
  const manifest = emptyManifest(format, path);
  const project = asRecord(data.project);
  const tool = asRecord(data.tool) ?? {};
  const poetry = asRecord(tool.poetry);
  const lineAfter = (header: RegExp, key: RegExp): number | undefined => {
    const start = findLine(text, header) ?? 1;
    return findLine(text, key, start);
  };

  const requiresPython = asString(project?.['requires-python']);
  if (requiresPython) {
    manifest.python.push({
      kind: 'range',
      text: requiresPython,
      source: { file: path, line: lineAfter(/^\s*\[project\]/, /^\s*requires-python\s*=/) },
    });
  }

  const poetryDependencies = asRecord(poetry?.dependencies);
  const poetryTables = new Map<Requirement, Record<string, unknown> | undefined>();
  if (poetryDependencies && Object.keys(poetryDependencies).some((name) => name !== 'python')) {
    readPoetryDependencies(manifest, text, path, poetryDependencies, poetryTables);
  } else if (project) {
    const dependenciesLine = lineAfter(/^\s*\[project\]/, /^\s*dependencies\s*=/);
    manifest.requirements.push(
      ...readPep508List(project.dependencies, text, path, dependenciesLine, 'project.dependencies'),
    );
    const optional = asRecord(project['optional-dependencies']) ?? {};
    for (const [extra, list] of Object.entries(optional)) {
      const line = lineAfter(
        /^\s*\[project\.optional-dependencies\]/,
        new RegExp(`^\\s*"?${escapeRegExp(extra)}"?\\s*=`),
      );
      for (const requirement of readPep508List(list, text, path, line, `optional-dependencies.${extra}`)) {
        manifest.warnings.push({
          message: `${requirement.name} is only in optional-dependencies '${extra}': it is not installed`,
          source: `${path}:${requirement.source.line ?? ''}`.replace(/:$/, ''),
        });
      }
    }
  }
  if (poetryDependencies && typeof poetryDependencies.python === 'string') {
    manifest.python.push({
      kind: 'range',
      text: poetryToPep440(poetryDependencies.python),
      source: { file: path, line: lineAfter(/^\s*\[tool\.poetry\.dependencies\]/, /^\s*python\s*=/) },
    });
  }

  const uv = asRecord(tool.uv);
  const pdm = asRecord(tool.pdm);
  manifest.indexes.push(
    ...readIndexTables('poetry', asArray(poetry?.source), text, path, 'tool.poetry.source'),
    ...readIndexTables('uv', asArray(uv?.index), text, path, 'tool.uv.index'),
    ...readIndexTables('pdm', asArray(pdm?.source), text, path, 'tool.pdm.source'),
    ...uvIndexSettings(uv, text, path),
  );
  if (format === 'uv') {
    manifest.requirements.push(...uvGroupRequirements(data, uv ?? {}, text, path));
    manifest.requirements = bindUvSources(
      manifest.requirements,
      asRecord(uv?.sources),
      manifest.indexes,
      text,
      path,
    );
  }
  if (poetryDependencies) {
    manifest.requirements = manifest.requirements.map((requirement) =>
      bindPoetrySource(requirement, poetryTables.get(requirement), manifest.indexes),
    );
  }
  manifest.requirements = pdmBindings(manifest.requirements, asArray(pdm?.source));

  const scripts = asRecord(project?.scripts) ?? asRecord(poetry?.scripts);
  const [scriptName, target] = Object.entries(scripts ?? {})[0] ?? [];
  if (scriptName && typeof target === 'string') {
    const source = {
      file: path,
      line: findLine(text, new RegExp(`^\\s*"?${escapeRegExp(scriptName)}"?\\s*=`)),
    };
    const written = checkPathText(target, `script ${quoted(scriptName)}`, source);
    const script = readConsoleScript(reader, path, text, data, scriptName, source);
    if (script) {
      manifest.entrypoint = { path: written, source, script };
    } else {
      manifest.warnings.push({
        message: `script ${quoted(scriptName)} is not the entry point: with no [build-system] and no setup.py the project is no package, so installing it would make no script`,
        source: formatSource(source),
      });
    }
  }
  return manifest;
}

const LINE_WINDOW = 200;

function readPep508List(
  value: unknown,
  text: string,
  path: string,
  fromLine: number | undefined,
  where: string,
): Requirement[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new UserError(`${where} must be a list of requirement strings`, 'detect', {
      file: path,
      line: fromLine,
    });
  const requirements: Requirement[] = [];
  let searchFrom = fromLine ?? 1;
  for (const item of value) {
    if (typeof item !== 'string') {
      throw new UserError(`${where} must hold strings, found ${JSON.stringify(item)}`, 'detect', {
        file: path,
        line: fromLine,
      });
    }
    // Items sit a line or a few apart; a window keeps an item written with escapes, found nowhere,
    // from costing a scan to the end of the file each.
    const window = searchFrom + LINE_WINDOW;
    const line =
      findLine(text, `"${item}"`, searchFrom, window) ??
      findLine(text, `'${item}'`, searchFrom, window) ??
      fromLine;
    if (line) searchFrom = line;
    const source: SourceRef = { file: path, line };
    const parsed = parsePep508(item);
    if ('error' in parsed) throw new UserError(parsed.error, 'detect', source);
    requirements.push({ ...parsed, hashes: [], source });
  }
  return requirements;
}

/** `[tool.poetry.dependencies]`: `name = "^1.2"`, `name = { version, extras, markers, source, url, git }`. */
function readPoetryDependencies(
  manifest: Manifest,
  text: string,
  path: string,
  dependencies: Record<string, unknown>,
  tables: Map<Requirement, Record<string, unknown> | undefined>,
): void {
  const header = findLine(text, /^\s*\[tool\.poetry\.dependencies\]/) ?? 1;
  const keyLines = keyLinesAfter(text, header);
  for (const [rawName, rawValue] of Object.entries(dependencies)) {
    if (rawName === 'python') continue;
    const line = keyLines.get(rawName) ?? header;
    const source: SourceRef = { file: path, line };
    const value = Array.isArray(rawValue) ? rawValue[0] : rawValue;
    const table = asRecord(value);
    const written = typeof value === 'string' ? value : (asString(table?.version) ?? '');
    if (typeof value !== 'string' && !table) {
      throw new UserError(`dependency '${rawName}' must be a version string or a table`, 'detect', source);
    }
    if (table?.optional === true) continue;
    const url = asString(table?.url) ?? (asString(table?.git) ? `git+${asString(table?.git)}` : null);
    const markers = asString(table?.markers) ?? null;
    const requirement: Requirement = {
      name: normalizeName(rawName),
      extras: asArray(table?.extras)
        .filter((extra): extra is string => typeof extra === 'string')
        .map(normalizeName),
      specifier: url ? '' : poetryToPep440(written),
      written: written === '*' ? '' : written,
      marker: markers,
      url,
      hashes: [],
      source,
    };
    manifest.requirements.push(requirement);
    tables.set(requirement, table);
  }
}

/** `[tool.uv] index-url` and `extra-index-url`, the pip-style settings uv still reads. */
function uvIndexSettings(uv: Record<string, unknown> | undefined, text: string, path: string): IndexRef[] {
  const indexes: IndexRef[] = [];
  const main = asString(uv?.['index-url']);
  if (main) {
    const source = { file: path, line: findLine(text, /^\s*index-url\s*=/) };
    indexes.push({ url: checkIndexUrl(main, '[tool.uv] index-url', source), name: null, source });
  }
  for (const url of asArray(uv?.['extra-index-url'])) {
    if (typeof url !== 'string') continue;
    const source = { file: path, line: findLine(text, /^\s*extra-index-url\s*=/) };
    indexes.push({
      url: checkIndexUrl(url, '[tool.uv] extra-index-url', source),
      name: null,
      source,
      extra: true,
    });
  }
  return indexes;
}

/**
 * The requirements of the dependency groups `uv sync` installs by default (`[dependency-groups]`,
 * and `[tool.uv] dev-dependencies` as `dev`), each tagged with its group so sources scoped to
 * a group apply.
 */
function uvGroupRequirements(
  data: Record<string, unknown>,
  uv: Record<string, unknown>,
  text: string,
  path: string,
): Requirement[] {
  const groups: Record<string, unknown> = { ...(asRecord(data['dependency-groups']) ?? {}) };
  const legacyDev = uv['dev-dependencies'];
  if (Array.isArray(legacyDev)) groups.dev = [...asArray(groups.dev), ...legacyDev];
  const header = findLine(text, /^\s*\[dependency-groups\]/) ?? 1;
  const keyLines = keyLinesAfter(text, header);
  const requirements: Requirement[] = [];
  for (const { group, item } of groupItems(
    groups,
    uvDefaultGroups({ file: path, text, data }, Object.keys(groups)),
  )) {
    const line =
      keyLines.get(group) ??
      (group === 'dev' ? findLine(text, /^\s*dev-dependencies\s*=/) : undefined) ??
      header;
    requirements.push(
      ...readPep508List([item], text, path, line, `dependency-groups.${group}`).map((requirement) => ({
        ...requirement,
        group,
      })),
    );
  }
  return requirements;
}
