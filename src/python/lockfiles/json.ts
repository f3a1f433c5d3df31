import { UserError } from '../../errors.js';
import { NESTING_LIMIT, TOO_DEEP } from '../../project/parse.js';

export interface LocatedJson {
  data: unknown;
  /** 1-based line of the key at `path` (object keys and array indexes), when the file has it. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/**
 * Parses JSON keeping the line of every object key, so each fact read from it can cite its line.
 * Malformed JSON is a UserError at the line and column of the first error; the scan that finds
 * it follows RFC 8259 exactly as `JSON.parse` does, so its message and position do not depend on
 * the Node version.
 */
export function parseJson(text: string, file: string): LocatedJson {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const scan = scanJson(body);
  if (scan.error) {
    const { message, line, column } = scan.error;
    throw new UserError(`invalid JSON: ${message}`, 'detect', { file, line, column });
  }
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (error) {
    // Not reached while the scan agrees with JSON.parse; kept so no other exception escapes.
    const message = error instanceof Error ? error.message : String(error);
    const position = positionOf(body, message);
    throw new UserError(`invalid JSON: ${message.split('\n')[0]}`, 'detect', { file, ...position });
  }
  return { data, lineOf: (path) => lineOf(scan.keys, path) };
}

/**
 * The keys under one object (by name) or array (by index), each with the line it is written on
 * (array elements have none). A tree rather than a map of whole paths: a key costs the same at
 * any depth.
 */
export interface KeyTree {
  line?: number;
  children?: Map<string | number, KeyTree>;
}

function lineOf(tree: KeyTree, path: readonly (string | number)[]): number | undefined {
  let node: KeyTree | undefined = tree;
  for (const segment of path) node = node?.children?.get(segment);
  return node?.line;
}

function child(parent: KeyTree, segment: string | number, line?: number): KeyTree {
  const node: KeyTree = line === undefined ? {} : { line };
  parent.children ??= new Map();
  // A duplicate key replaces the first, as JSON.parse keeps the last value.
  parent.children.set(segment, node);
  return node;
}

interface Scan {
  keys: KeyTree;
  error?: { message: string; line: number; column: number };
}

interface Frame {
  object: boolean;
  /** Where the keys inside this container are recorded. */
  node: KeyTree;
  index: number;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/**
 * Validates JSON iteratively, recording key lines. Nesting deeper than NESTING_LIMIT is an error
 * here, before `JSON.parse` or a reader walks it.
 */
export function scanJson(text: string): Scan {
  const keys: KeyTree = {};
  const frames: Frame[] = [];
  // Where the value about to be read records its keys, when it is an object's value.
  let valueNode: KeyTree | null = keys;
  const n = text.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let state: 'value' | 'key' | 'after' = 'value';

  const fail = (message: string, at = i): Scan => ({
    keys,
    error: { message, line, column: at - lineStart + 1 },
  });
  const found = (at = i): string => (at >= n ? 'end of input' : JSON.stringify(text[at]));
  const skipSpace = (): void => {
    while (i < n) {
      const code = text.charCodeAt(i);
      if (code === 10) {
        line++;
        lineStart = i + 1;
      } else if (code !== 32 && code !== 9 && code !== 13) {
        return;
      }
      i++;
    }
  };
  /** Scans a string at `i` (on its opening quote); returns an error message, or null when valid. */
  const scanString = (): string | null => {
    i++;
    while (i < n) {
      const code = text.charCodeAt(i);
      if (code === 34) {
        i++;
        return null;
      }
      if (code === 92) {
        const escaped = text[i + 1];
        if (escaped === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return 'invalid \\u escape in a string';
          i += 6;
        } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) {
          i += 2;
        } else {
          return 'invalid escape in a string';
        }
        continue;
      }
      if (code < 32) return 'unescaped control character in a string';
      i++;
    }
    return 'unterminated string';
  };

  for (;;) {
    skipSpace();
    if (state === 'value') {
      if (i >= n) return fail(`unexpected ${found()}, expected a value`);
      const char = text[i];
      if (char === '{' || char === '[') {
        if (frames.length >= NESTING_LIMIT) return fail(`${TOO_DEEP} (more than ${NESTING_LIMIT} levels)`);
        const parent = frames.at(-1);
        const node = valueNode ?? (parent ? child(parent.node, parent.index) : keys);
        frames.push({ object: char === '{', node, index: 0 });
        i++;
        skipSpace();
        if (text[i] === (char === '{' ? '}' : ']')) {
          frames.pop();
          i++;
          state = 'after';
        } else if (char === '{') {
          state = 'key';
        } else {
          valueNode = null;
        }
        continue;
      }
      if (char === '"') {
        const error = scanString();
        if (error) return fail(error);
      } else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) {
        NUMBER.lastIndex = i;
        const match = NUMBER.exec(text);
        if (!match) return fail(`invalid number, found ${found()}`);
        i += match[0].length;
      } else if (text.startsWith('true', i)) {
        i += 4;
      } else if (text.startsWith('false', i)) {
        i += 5;
      } else if (text.startsWith('null', i)) {
        i += 4;
      } else {
        return fail(`unexpected ${found()}, expected a value`);
      }
      state = 'after';
    } else if (state === 'key') {
      if (text[i] !== '"') return fail(`unexpected ${found()}, expected a quoted key`);
      const start = i;
      const keyLine = line;
      const error = scanString();
      if (error) return fail(error);
      const key = JSON.parse(text.slice(start, i)) as string;
      const top = frames.at(-1) as Frame;
      skipSpace();
      if (text[i] !== ':') return fail(`unexpected ${found()}, expected ':' after a key`);
      i++;
      valueNode = child(top.node, key, keyLine);
      state = 'value';
    } else {
      const top = frames.at(-1);
      if (!top) {
        if (i < n) return fail(`unexpected ${found()} after the end of the JSON value`);
        return { keys };
      }
      const close = top.object ? '}' : ']';
      if (text[i] === ',') {
        i++;
        if (top.object) {
          state = 'key';
        } else {
          top.index++;
          valueNode = null;
          state = 'value';
        }
      } else if (text[i] === close) {
        frames.pop();
        i++;
      } else {
        return fail(`unexpected ${found()}, expected ',' or '${close}'`);
      }
    }
  }
}

/** Where `JSON.parse` says it failed: `at position N` (Node 20) or `(line L column C)` (Node 22+). */
function positionOf(text: string, message: string): { line: number; column: number } | undefined {
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const position = /at position (\d+)/.exec(message);
  if (!position) return undefined;
  const offset = Math.min(Number(position[1]), text.length);
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastBreak };
}
