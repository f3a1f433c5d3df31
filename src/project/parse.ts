import { parse as parseToml, TomlError } from 'smol-toml';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml';
import { UserError } from '../errors.js';
import { excerpt, oneLine } from '../text.js';
import type { RepoReader } from './reader.js';

/**
 * The deepest nesting of arrays and tables a TOML or JSON file may have. Real manifests and locks
 * stay under ten; the parsers recurse, or record each key's path, and a file nested 100,000 deep
 * would exhaust the stack or take minutes.
 */
export const NESTING_LIMIT = 256;

/** The message for a file nested deeper than a parser takes: the yaml library's limit is its stack. */
export const TOO_DEEP = 'nested too deeply';
const TOO_DEEP_FOR_LIMIT = `${TOO_DEEP} (more than ${NESTING_LIMIT} levels)`;

/** Whether a parser ran out of stack: the file nests too deeply for it, whatever its own limit. */
function outOfStack(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return message.includes('Maximum call stack size exceeded');
}

/** Reads and parses a TOML file; malformed TOML is a UserError at the line and column smol-toml found. */
export function readToml(reader: RepoReader, path: string): { text: string; data: Record<string, unknown> } {
  const text = reader.readText(path);
  if (text === null) throw new UserError(`cannot read '${oneLine(path)}'`, 'detect', { file: path });
  try {
    return { text, data: parseToml(text, { maxDepth: NESTING_LIMIT }) as Record<string, unknown> };
  } catch (error) {
    if (error instanceof TomlError) {
      const message = error.message.includes('excessively nested')
        ? TOO_DEEP_FOR_LIMIT
        : parserMessage(error.message);
      throw new UserError(`invalid TOML: ${message}`, 'detect', {
        file: path,
        line: error.line,
        column: error.column,
      });
    }
    throw new UserError(`invalid TOML: ${outOfStack(error) ? TOO_DEEP : parserMessage(error)}`, 'detect', {
      file: path,
    });
  }
}

export interface YamlFile {
  text: string;
  data: unknown;
  /** 1-based line where the value at `path` (keys and indexes) starts, when it exists. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/** Reads and parses a YAML file keeping positions, so each fact read from it can cite its line. */
export function readYaml(reader: RepoReader, path: string): YamlFile {
  const text = reader.readText(path);
  if (text === null) throw new UserError(`cannot read '${oneLine(path)}'`, 'detect', { file: path });
  const lineCounter = new LineCounter();
  let document: ReturnType<typeof parseDocument>;
  try {
    document = parseDocument(text, { lineCounter, uniqueKeys: false });
  } catch (error) {
    throw thrownByYaml(error, path);
  }
  const [error] = document.errors;
  if (error) {
    const position = error.linePos?.[0];
    const message = outOfStack(error)
      ? TOO_DEEP
      : parserMessage(firstLine(error.message).replace(/ at line \d+, column \d+:?$/, ''));
    throw new UserError(`invalid YAML: ${message}`, 'detect', {
      file: path,
      line: position?.line,
      column: position?.col,
    });
  }
  let data: unknown;
  try {
    data = document.toJS();
  } catch (error) {
    // Aliases can be undefined or grow without bound (an alias bomb): the yaml library throws then.
    throw thrownByYaml(error, path);
  }
  // Readers cite a line per item, through the same mappings: each is indexed once, on first use.
  const indexes = new WeakMap<YAMLMap, Map<unknown, unknown>>();
  const valueAt = (map: YAMLMap, key: string | number): unknown => {
    let index = indexes.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items) {
        // The first of duplicate keys, as a search from the top would find it.
        if (isScalar(pair.key) && !index.has(pair.key.value)) index.set(pair.key.value, pair.value);
      }
      indexes.set(map, index);
    }
    return index.get(key);
  };
  return {
    text,
    data,
    lineOf(keys) {
      let node: unknown = document.contents;
      for (const key of keys) {
        if (isMap(node)) node = valueAt(node, key);
        else if (isSeq(node) && typeof key === 'number') node = node.items[key];
        else return undefined;
      }
      const range = (node as Node | undefined)?.range;
      return range ? lineCounter.linePos(range[0]).line : undefined;
    },
  };
}

/** What the yaml library threw rather than reported (running out of stack, an alias bomb), as a UserError. */
function thrownByYaml(error: unknown, path: string): UserError {
  return new UserError(`invalid YAML: ${outOfStack(error) ? TOO_DEEP : parserMessage(error)}`, 'detect', {
    file: path,
  });
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

/**
 * A parser's message, which may quote the file (smol-toml and yaml show the line below the
 * first): its first line, escaped and cut, so a file that is no manifest cannot fill the log.
 */
function parserMessage(error: unknown): string {
  return excerpt(firstLine(error instanceof Error ? error.message : String(error)), 200);
}

/** Narrowing helpers for parsed documents, whose shapes come from users' hands. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
