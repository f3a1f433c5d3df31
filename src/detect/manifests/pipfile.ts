import { UserError } from '../../errors.js';
import { asRecord, readToml } from '../../project/parse.js';
import type { RepoReader } from '../../project/reader.js';
import { findLine } from '../../python/find-line.js';
import { checkIndexUrl } from '../../python/index-url.js';
import { escapeRegExp } from '../../python/lockfiles/common.js';
import { parsePep508 } from '../../python/pep508.js';
import { formatSource, type SourceRef } from '../../source.js';
import { emptyManifest, type Manifest } from '../manifest.js';
import { keyLinesAfter } from '../toml-lines.js';

/** The PEP 508 marker variables pipenv accepts as keys of a package table (`sys_platform = "== 'linux'"`). */
const MARKER_KEYS = [
  'os_name',
  'sys_platform',
  'platform_machine',
  'platform_python_implementation',
  'platform_release',
  'platform_system',
  'platform_version',
  'python_version',
  'python_full_version',
  'implementation_name',
  'implementation_version',
] as const;

const VCS_KEYS = ['git', 'hg', 'svn', 'bzr'] as const;

/**
 * Reads a Pipfile: `[[source]]` as indexes, `[packages]` as requirements (`[dev-packages]` is not
 * installed), `[requires]` as the Python pin. TOML keeps no positions, so each fact's line is
 * found in the text, within its section.
 */
export function readPipfile(reader: RepoReader, path: string): Manifest {
  const { text, data } = readToml(reader, path);
  const manifest = emptyManifest('pipfile', path);
  const lines = new Sections(text);
  const located = (line: number | undefined): SourceRef =>
    line === undefined ? { file: path } : { file: path, line };

  readSources(data.source, lines, path, manifest);

  const packages = data.packages;
  if (packages !== undefined) {
    const table = asRecord(packages);
    if (!table)
      throw new UserError('[packages] must be a table', 'detect', located(lines.header('packages')));
    const sourceNames = new Set(manifest.indexes.map((index) => index.name));
    for (const [key, value] of Object.entries(table)) {
      const source = located(lines.key('packages', key));
      readPackage(key, value, source, manifest, sourceNames);
    }
  }

  const requires = data.requires;
  if (requires !== undefined) {
    const table = asRecord(requires);
    if (!table)
      throw new UserError('[requires] must be a table', 'detect', located(lines.header('requires')));
    for (const key of ['python_version', 'python_full_version'] as const) {
      const value = table[key];
      if (value === undefined) continue;
      const line = lines.key('requires', key);
      const source = located(line);
      const written =
        typeof value === 'string'
          ? value.trim()
          : typeof value === 'number'
            ? (new RegExp(`${key}\\s*=\\s*([0-9][0-9.]*)`).exec(lines.text(line))?.[1] ?? String(value))
            : null;
      if (written !== null && /^\d+\.\d+(?:\.\d+)?$/.test(written)) {
        manifest.python.push({ kind: 'exact', text: written, source });
      } else if (written !== null && /^\d+$/.test(written)) {
        manifest.python.push({ kind: 'range', text: `==${written}.*`, source });
      } else {
        throw new UserError(`${key} must be a version like "3.11"`, 'detect', source);
      }
    }
    const [first, second] = manifest.python;
    if (first && second && majorMinor(first.text) !== majorMinor(second.text)) {
      manifest.warnings.push({
        message: `python_version "${first.text}" and python_full_version "${second.text}" disagree; the first is used`,
        source: formatSource(second.source),
      });
    }
  }
  return manifest;
}

function majorMinor(version: string): string {
  return version.replace(/^==/, '').split('.').slice(0, 2).join('.');
}

function readSources(value: unknown, lines: Sections, path: string, manifest: Manifest): void {
  if (value === undefined) return;
  const headers = lines.arrayHeaders('source');
  if (!Array.isArray(value)) {
    throw new UserError('[[source]] must be an array of tables', 'detect', {
      file: path,
      line: headers[0] ?? 1,
    });
  }
  value.forEach((entry: unknown, index) => {
    const header = headers[index];
    const urlLine = header === undefined ? undefined : lines.keyAfter(header, 'url');
    const source: SourceRef = { file: path, line: urlLine ?? header ?? 1 };
    const table = asRecord(entry);
    const url = table?.url;
    if (typeof url !== 'string' || !url.trim()) {
      throw new UserError('each [[source]] needs a url', 'detect', source);
    }
    const name = typeof table?.name === 'string' ? table.name : null;
    // pipenv searches the first source only; the others serve the packages naming them with
    // `index = "…"` (https://pipenv.pypa.io/en/latest/indexes.html).
    manifest.indexes.push({
      url: checkIndexUrl(url.trim(), '[[source]] url', source),
      name,
      source,
      ...(index > 0 ? { extra: true as const, explicit: true as const } : {}),
    });
  });
}

function readPackage(
  key: string,
  value: unknown,
  source: SourceRef,
  manifest: Manifest,
  sourceNames: ReadonlySet<string | null>,
): void {
  const bad = (message: string) => new UserError(message, 'detect', source);
  const warn = (message: string) => manifest.warnings.push({ message, source: formatSource(source) });
  if ('error' in parsePep508(key) || /[[\]]/.test(key)) throw bad(`'${key}' is not a package name`);
  let specifier = '';
  let extras: string[] = [];
  const markers: string[] = [];
  let url: string | null = null;
  let index: string | undefined;
  if (typeof value === 'string') {
    specifier = versionOf(value);
  } else {
    const table = asRecord(value);
    if (!table) throw bad(`${key} must be a version string or a table`);
    if (table.version !== undefined) {
      if (typeof table.version !== 'string') throw bad(`${key}: version must be a string`);
      specifier = versionOf(table.version);
    }
    if (table.extras !== undefined) {
      if (!Array.isArray(table.extras) || !table.extras.every((extra) => typeof extra === 'string')) {
        throw bad(`${key}: extras must be a list of strings`);
      }
      extras = table.extras as string[];
    }
    if (table.markers !== undefined) {
      if (typeof table.markers !== 'string') throw bad(`${key}: markers must be a string`);
      if (table.markers.trim()) markers.push(table.markers.trim());
    }
    for (const variable of MARKER_KEYS) {
      const condition = table[variable];
      if (condition === undefined) continue;
      if (typeof condition !== 'string') throw bad(`${key}: ${variable} must be a string like "== 'linux'"`);
      markers.push(`${variable} ${condition.trim()}`);
    }
    if (typeof table.index === 'string') {
      if (sourceNames.has(table.index)) index = table.index;
      else warn(`${key} names index '${table.index}', which no [[source]] defines`);
    }
    const vcs = VCS_KEYS.find((name) => table[name] !== undefined);
    if (vcs) {
      const location = table[vcs];
      if (typeof location !== 'string' || !location.trim()) throw bad(`${key}: ${vcs} must be a URL`);
      url = location.trim().startsWith(`${vcs}+`) ? location.trim() : `${vcs}+${location.trim()}`;
      if (typeof table.ref === 'string' && table.ref.trim()) url += `@${table.ref.trim()}`;
      if (typeof table.subdirectory === 'string' && table.subdirectory.trim()) {
        url += `#subdirectory=${table.subdirectory.trim()}`;
      }
    } else if (table.file !== undefined || table.path !== undefined) {
      const location = table.file ?? table.path;
      if (typeof location !== 'string' || !location.trim())
        throw bad(`${key}: file and path must be strings`);
      if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(location.trim()) || /^file:/i.test(location.trim())) {
        warn(
          `${key} is the local path '${location.trim()}', not a requirement; the project's own code is copied into the image`,
        );
        return;
      }
      url = location.trim();
    }
  }
  const marker = markers.length > 1 ? markers.map((part) => `(${part})`).join(' and ') : (markers[0] ?? '');
  const written = `${key}${extras.length > 0 ? `[${extras.join(',')}]` : ''}${url ? ` @ ${url}` : specifier}${marker ? ` ; ${marker}` : ''}`;
  const parsed = parsePep508(written);
  if ('error' in parsed) throw bad(parsed.error);
  manifest.requirements.push({ ...parsed, hashes: [], source, ...(index === undefined ? {} : { index }) });
}

/** Pipfile writes "any version" as `*`. */
function versionOf(text: string): string {
  const trimmed = text.trim();
  return trimmed === '*' ? '' : trimmed;
}

/** Where sections, and keys within them, sit in a TOML text. */
class Sections {
  private readonly all: string[];
  private readonly keys = new Map<number, Map<string, number>>();

  /** Each section's keys, found once: a search per key would be quadratic in a long [packages]. */
  private keysOf(header: number): Map<string, number> {
    let found = this.keys.get(header);
    if (!found) {
      found = keyLinesAfter(this.source, header);
      this.keys.set(header, found);
    }
    return found;
  }

  constructor(private readonly source: string) {
    this.all = source.split(/\r?\n/);
  }

  text(line: number | undefined): string {
    return line === undefined ? '' : (this.all[line - 1] ?? '');
  }

  /** The `[section]` header, else a `section = …` key (a section written inline). */
  header(section: string): number | undefined {
    return (
      findLine(this.source, new RegExp(`^\\s*\\[\\s*${escapeRegExp(section)}\\s*\\]\\s*(?:#.*)?$`)) ??
      findLine(this.source, new RegExp(`^\\s*${escapeRegExp(section)}\\s*=`))
    );
  }

  arrayHeaders(section: string): number[] {
    const pattern = new RegExp(`^\\s*\\[\\[\\s*${escapeRegExp(section)}\\s*\\]\\]\\s*(?:#.*)?$`);
    const found: number[] = [];
    for (
      let line = findLine(this.source, pattern);
      line !== undefined;
      line = findLine(this.source, pattern, line + 1)
    ) {
      found.push(line);
    }
    return found;
  }

  /** The line of `key = …` in `[section]`, or of a `[section.key]` table; else the section's header. */
  key(section: string, key: string): number | undefined {
    const header = this.header(section);
    if (header !== undefined) {
      const line = this.keysOf(header).get(key);
      if (line !== undefined) return line;
    }
    const quoted = `(?:${escapeRegExp(key)}|"${escapeRegExp(key)}"|'${escapeRegExp(key)}')`;
    const table = findLine(
      this.source,
      new RegExp(`^\\s*\\[\\s*${escapeRegExp(section)}\\s*\\.\\s*${quoted}\\s*\\]`),
    );
    return table ?? header;
  }

  /** The line of `key = …` after the header at `header` and before the next header. */
  keyAfter(header: number, key: string, pattern = false): number | undefined {
    const line = findLine(
      this.source,
      new RegExp(`^\\s*${pattern ? key : escapeRegExp(key)}\\s*=`),
      header + 1,
    );
    const next = findLine(this.source, /^\s*\[/, header + 1);
    return line !== undefined && (next === undefined || line < next) ? line : undefined;
  }
}
