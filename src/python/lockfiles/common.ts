import { UserError } from '../../errors.js';
import { asRecord } from '../../project/parse.js';
import { excerpt, hasControlCharacters } from '../../text.js';
import { findLine } from '../find-line.js';
import type { IndexRef, PythonHint } from '../types.js';

/** A package name as PEP 508 allows it; lockfiles copy it from the index, so anything else is damage. */
export const PACKAGE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
export const SHA256 = /^[0-9a-fA-F]{64}$/;

export function lockError(message: string, file: string, line?: number): UserError {
  return new UserError(message, 'detect', line === undefined ? { file } : { file, line });
}

/** How a value reads in an error message: `found a number`, `found a table`. */
export function kindOf(value: unknown, table = 'table'): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
    case 'bigint':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return an(table);
    default:
      return typeof value;
  }
}

/** `a table`, `an object`. */
export function an(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** One fact a reader is checking: which entry, in which file, cited at which line. */
export interface Place {
  file: string;
  line: number;
  /** How the entry is named in messages: `package 'torch'`, `[metadata]`. */
  what: string;
  /** What an object is called in this format: `table` (TOML) or `object` (JSON). */
  table?: string;
}

export function optionalString(record: Record<string, unknown>, key: string, at: Place): string | undefined {
  const value = record[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw lockError(
      `${at.what}: '${key}' must be a string, found ${kindOf(value, at.table)}`,
      at.file,
      at.line,
    );
  }
  return value;
}

export function optionalRecord(
  record: Record<string, unknown>,
  key: string,
  at: Place,
): Record<string, unknown> | undefined {
  const value = record[key];
  if (value === undefined) return undefined;
  const table = asRecord(value);
  if (!table || value instanceof Date) {
    throw lockError(
      `${at.what}: '${key}' must be ${an(at.table ?? 'table')}, found ${kindOf(value, at.table)}`,
      at.file,
      at.line,
    );
  }
  return table;
}

export function optionalArray(
  record: Record<string, unknown>,
  key: string,
  at: Place,
): unknown[] | undefined {
  const value = record[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw lockError(
      `${at.what}: '${key}' must be an array, found ${kindOf(value, at.table)}`,
      at.file,
      at.line,
    );
  }
  return value;
}

/** An array whose items must all be tables (`wheels = [{...}]`, `files = [{...}]`). */
export function recordsOf(
  record: Record<string, unknown>,
  key: string,
  at: Place,
): Record<string, unknown>[] {
  const items = optionalArray(record, key, at) ?? [];
  return items.map((item, index) => {
    const table = asRecord(item);
    if (!table || item instanceof Date) {
      throw lockError(
        `${at.what}: '${key}' item ${index + 1} must be ${an(at.table ?? 'table')}, found ${kindOf(item, at.table)}`,
        at.file,
        at.line,
      );
    }
    return table;
  });
}

/** An array whose items must all be strings (`groups = ["main"]`). */
export function stringsOf(record: Record<string, unknown>, key: string, at: Place): string[] | undefined {
  const items = optionalArray(record, key, at);
  if (!items) return undefined;
  return items.map((item, index) => {
    if (typeof item !== 'string') {
      throw lockError(
        `${at.what}: '${key}' item ${index + 1} must be a string, found ${kindOf(item, at.table)}`,
        at.file,
        at.line,
      );
    }
    return item;
  });
}

/** The package's `name`, checked: present, a string, and a name PyPI could hold. */
export function requiredName(record: Record<string, unknown>, at: Place): string {
  const name = optionalString(record, 'name', at);
  if (name === undefined) throw lockError(`${at.what} has no 'name'`, at.file, at.line);
  if (!PACKAGE_NAME.test(name))
    throw lockError(`${at.what}: '${excerpt(name)}' is not a valid package name`, at.file, at.line);
  return name;
}

/** A package's place once its name is known, so later messages say `package 'torch'`. */
export function named(at: Place, name: string): Place {
  return { ...at, what: `package '${excerpt(name)}'` };
}

/**
 * A locked version: a non-empty string without whitespace or control characters (PEP 440 local
 * versions such as `+cu121` included). It is written into requirements.lock after `==`, where pip
 * splits lines as Python does: at `\x1c` or `\x85` too, so `1.6.0\x1c--extra-index-url=…` would
 * add an index of the lockfile's choosing.
 */
export function checkVersion(version: string, at: Place): string {
  if (!isLockText(version))
    throw lockError(`${at.what}: '${excerpt(version)}' is not a version`, at.file, at.line);
  return version;
}

/** Text a lock may carry into requirements.lock: non-empty, no whitespace, no control characters. */
export function isLockText(text: string): boolean {
  return /^\S+$/.test(text) && !hasControlCharacters(text);
}

/**
 * A hash written `sha256:<hex>` (uv, poetry, pdm, Pipfile.lock), returned lower-cased. Other
 * algorithms (`md5:`, `sha512:`) are valid in these formats but are not what the lock phase pins,
 * so they are left out; anything that is not `algorithm:value` is an error.
 */
export function prefixedSha256(value: unknown, at: Place): string | undefined {
  if (typeof value !== 'string') {
    throw lockError(
      `${at.what}: a hash must be a string, found ${kindOf(value, at.table)}`,
      at.file,
      at.line,
    );
  }
  const match = /^([A-Za-z0-9_-]+):(.*)$/.exec(value);
  if (!match)
    throw lockError(`${at.what}: '${excerpt(value)}' is not a hash ('sha256:<hex>')`, at.file, at.line);
  if (match[1]?.toLowerCase() !== 'sha256') return undefined;
  return bareSha256(match[2] ?? '', at);
}

/** A bare sha256 hex digest (pylock's `hashes = { sha256 = "..." }`), returned as `sha256:<hex>`. */
export function bareSha256(value: unknown, at: Place): string {
  if (typeof value !== 'string') {
    throw lockError(
      `${at.what}: a sha256 must be a string, found ${kindOf(value, at.table)}`,
      at.file,
      at.line,
    );
  }
  if (!SHA256.test(value)) {
    throw lockError(
      `${at.what}: '${excerpt(value)}' is not a sha256 digest (64 hex digits)`,
      at.file,
      at.line,
    );
  }
  return `sha256:${value.toLowerCase()}`;
}

/** Adds a hash once, keeping the order the lock lists them in. */
export function pushHash(hashes: string[], hash: string | undefined): void {
  if (hash !== undefined && !hashes.includes(hash)) hashes.push(hash);
}

/** Adds an index once per URL; the first mention is the one cited. A URL is one word of text. */
export function pushIndex(indexes: IndexRef[], index: IndexRef): void {
  if (!isLockText(index.url)) {
    throw lockError(
      `index URL '${excerpt(index.url)}' has whitespace or a control character`,
      index.source.file,
      index.source.line,
    );
  }
  if (!indexes.some((known) => known.url === index.url)) indexes.push(index);
}

export function rangeHint(text: string, file: string, line: number | undefined): PythonHint {
  return { kind: 'range', text, source: line === undefined ? { file } : { file, line } };
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Matches `key = ` at the start of a TOML line, the key bare or quoted. */
export function keyPattern(key: string): RegExp {
  const escaped = escapeRegExp(key);
  return new RegExp(`^\\s*(?:${escaped}|"${escaped}"|'${escaped}')\\s*=`);
}

/** Line of a key of a `[table]` (`[metadata] python-versions`): searched from the table's header on. */
export function tableKeyLine(text: string, table: string, key: string): number | undefined {
  const header = findLine(text, new RegExp(`^\\s*\\[\\s*${escapeRegExp(table)}\\s*\\]\\s*(?:#.*)?$`));
  if (header === undefined) return undefined;
  return findLine(text, keyPattern(key), header);
}

/** Line of a top-level key: TOML puts those before the first table, so the first match is the one. */
export function topKeyLine(text: string, key: string): number | undefined {
  return findLine(text, keyPattern(key));
}

/** One `[[package]]` entry with the lines it spans. */
export interface Entry {
  table: Record<string, unknown>;
  /** How messages name it before its name is checked: `[[package]] entry 3`. */
  what: string;
  /** The line of its `name = "..."`, else of its `[[package]]` header. */
  line: number;
  /** First line of the next entry (exclusive end), or past the end of the file. */
  end: number;
}

/**
 * The entries of an array of tables (`[[package]]`, `[[packages]]`), each cited at its
 * `name = "..."` line. The headers, when there is one per entry, bound each search, so two
 * entries of one name (uv locks numpy once per Python range) get their own lines; otherwise the
 * search runs forward from the previous entry's line.
 */
export function entriesOf(
  lines: readonly string[],
  data: Record<string, unknown>,
  key: string,
  file: string,
): Entry[] {
  const value = data[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw lockError(
      `'${key}' must be an array of tables ([[${key}]]), found ${kindOf(value)}`,
      file,
      findIn(lines, (line) => keyPattern(key).test(line) || line.trim().startsWith(`[${key}]`), 1),
    );
  }
  const header = new RegExp(`^\\s*\\[\\[\\s*${escapeRegExp(key)}\\s*\\]\\]\\s*(?:#.*)?$`);
  const headers: number[] = [];
  lines.forEach((line, index) => {
    if (header.test(line)) headers.push(index + 1);
  });
  const bounded = headers.length === value.length;
  const entries: Entry[] = [];
  let previous = 0;
  value.forEach((item, index) => {
    const start = bounded ? (headers[index] ?? 1) : previous + 1;
    const end = bounded ? (headers[index + 1] ?? lines.length + 1) : lines.length + 1;
    const rawName = asRecord(item)?.name;
    let line: number | undefined;
    if (typeof rawName === 'string') {
      const pattern = new RegExp(`${keyPattern('name').source}\\s*(["'])${escapeRegExp(rawName)}\\1`);
      line = findIn(lines, (text) => pattern.test(text), start, end);
    }
    line ??= bounded ? start : Math.max(previous, 1);
    previous = line;
    const table = asRecord(item);
    if (!table || item instanceof Date) {
      throw lockError(`[[${key}]] entry ${index + 1} must be a table, found ${kindOf(item)}`, file, line);
    }
    entries.push({ table, what: `[[${key}]] entry ${index + 1}`, line, end });
  });
  for (let index = 0; index < entries.length - 1; index++) {
    const entry = entries[index];
    const next = entries[index + 1];
    if (entry && next && !bounded) entry.end = next.line;
  }
  return entries;
}

export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** 1-based line in [from, end) whose text passes `test`, on lines already split. */
export function findIn(
  lines: readonly string[],
  test: (line: string) => boolean,
  from = 1,
  end = Infinity,
): number | undefined {
  const stop = Math.min(end - 1, lines.length);
  for (let index = Math.max(0, from - 1); index < stop; index++) {
    if (test(lines[index] ?? '')) return index + 1;
  }
  return undefined;
}

/** The top-level `requires-python` of uv.lock and pylock.toml, as a range hint at its line. */
export function topRequiresPython(text: string, data: Record<string, unknown>, path: string): PythonHint[] {
  const line = topKeyLine(text, 'requires-python');
  const requiresPython = optionalString(data, 'requires-python', { file: path, line: line ?? 1, what: path });
  return requiresPython === undefined ? [] : [rangeHint(requiresPython, path, line)];
}
