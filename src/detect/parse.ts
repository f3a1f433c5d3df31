import { parse as parseToml, TomlError } from 'smol-toml';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { UserError } from '../errors.js';
import { excerpt, oneLine } from '../text.js';
import type { RepoReader } from './reader.js';

/** Reads and parses a TOML file; malformed TOML is a UserError at the line and column smol-toml found. */
export function readToml(reader: RepoReader, path: string): { text: string; data: Record<string, unknown> } {
  const text = reader.readText(path);
  if (text === null) throw new UserError(`cannot read '${oneLine(path)}'`, 'detect', { file: path });
  try {
    return { text, data: parseToml(text) as Record<string, unknown> };
  } catch (error) {
    if (error instanceof TomlError) {
      throw new UserError(`invalid TOML: ${parserMessage(error.message)}`, 'detect', {
        file: path,
        line: error.line,
        column: error.column,
      });
    }
    throw new UserError(`invalid TOML: ${parserMessage(error)}`, 'detect', {
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
  const document = parseDocument(text, { lineCounter, uniqueKeys: false });
  const [error] = document.errors;
  if (error) {
    const position = error.linePos?.[0];
    throw new UserError(
      `invalid YAML: ${parserMessage(firstLine(error.message).replace(/ at line \d+, column \d+:?$/, ''))}`,
      'detect',
      {
        file: path,
        line: position?.line,
        column: position?.col,
      },
    );
  }
  let data: unknown;
  try {
    data = document.toJS();
  } catch (error) {
    // Aliases can be undefined or grow without bound (an alias bomb): the yaml library throws then.
    throw new UserError(`invalid YAML: ${parserMessage(error)}`, 'detect', {
      file: path,
    });
  }
  return {
    text,
    data,
    lineOf(keys) {
      let node: unknown = document.contents;
      for (const key of keys) {
        if (isMap(node))
          node = node.items.find((pair) => isScalar(pair.key) && pair.key.value === key)?.value;
        else if (isSeq(node) && typeof key === 'number') node = node.items[key];
        else return undefined;
      }
      const range = (node as Node | undefined)?.range;
      return range ? lineCounter.linePos(range[0]).line : undefined;
    },
  };
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
