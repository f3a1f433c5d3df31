import { UserError } from '../errors.js';
import { readYaml } from '../project/parse.js';
import type { RepoReader } from '../project/reader.js';
import type { SourceRef } from '../source.js';

/**
 * The golden output of `smoke-command`: `output` is either text, compared token by token with
 * numbers allowed to differ within the tolerance, or a JSON value, compared with the command's
 * output parsed as JSON. Floating-point predictions differ in their last digits across CPUs and
 * BLAS builds, so an exact comparison would fail for the wrong reason.
 */
export interface ExpectedOutput {
  output: unknown;
  /** Absolute tolerance for each number. */
  tolerance: number;
  /** Relative tolerance for each number, as a fraction of the expected value. */
  relativeTolerance: number;
  source: SourceRef;
}

const KEYS = new Set(['output', 'tolerance', 'relative-tolerance']);

/** Reads the smoke-expected file (YAML or JSON); every mistake names the file and line. */
export function readExpected(reader: RepoReader, path: string): ExpectedOutput {
  const file = readYaml(reader, path);
  const data = file.data;
  const fail = (message: string, key?: string): never => {
    throw new UserError(message, 'smoke', { file: path, line: key ? file.lineOf([key]) : 1 });
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    fail(
      'smoke-expected must be a mapping with an `output` key (and optional `tolerance`, `relative-tolerance`)',
    );
  }
  const record = data as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KEYS.has(key)) fail(`unknown key '${key}' (expected output, tolerance, relative-tolerance)`, key);
  }
  if (!('output' in record) || record.output === null) fail('smoke-expected has no `output`');
  const number = (key: string): number => {
    const value = record[key] ?? 0;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      fail(`'${key}' must be a number ≥ 0, got ${JSON.stringify(value)}`, key);
    }
    return value as number;
  };
  return {
    output: record.output,
    tolerance: number('tolerance'),
    relativeTolerance: number('relative-tolerance'),
    source: { file: path, line: file.lineOf(['output']) },
  };
}

/** null when the output matches; otherwise the first difference, said so a person can find it. */
export function compareOutput(actual: string, expected: ExpectedOutput): string | null {
  if (typeof expected.output === 'string') return compareText(actual, expected.output, expected);
  const parsed = parseJsonOutput(actual);
  if (parsed === undefined) return 'the command printed no JSON, but smoke-expected holds a JSON value';
  return compareValue(parsed, expected.output, '$', expected);
}

/** The whole output as JSON, else its last non-empty line: commands often log before they print. */
function parseJsonOutput(text: string): unknown {
  const lines = text.trim().split('\n');
  for (const candidate of [text.trim(), lines[lines.length - 1]?.trim() ?? '']) {
    try {
      return JSON.parse(candidate);
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

function withinTolerance(found: number, wanted: number, expected: ExpectedOutput): boolean {
  return Math.abs(found - wanted) <= expected.tolerance + expected.relativeTolerance * Math.abs(wanted);
}

function differs(found: number, wanted: number, expected: ExpectedOutput): string {
  return `${found} differs from ${wanted} by ${Math.abs(found - wanted).toPrecision(3)}, more than the tolerance (${expected.tolerance} absolute, ${expected.relativeTolerance} relative)`;
}

function compareValue(found: unknown, wanted: unknown, at: string, expected: ExpectedOutput): string | null {
  if (typeof wanted === 'number') {
    if (typeof found !== 'number')
      return `${at}: expected the number ${wanted}, got ${JSON.stringify(found)}`;
    return withinTolerance(found, wanted, expected) ? null : `${at}: ${differs(found, wanted, expected)}`;
  }
  if (Array.isArray(wanted)) {
    if (!Array.isArray(found)) return `${at}: expected a list, got ${JSON.stringify(found)}`;
    if (found.length !== wanted.length) return `${at}: expected ${wanted.length} items, got ${found.length}`;
    for (const [index, item] of wanted.entries()) {
      const difference = compareValue(found[index], item, `${at}[${index}]`, expected);
      if (difference) return difference;
    }
    return null;
  }
  if (typeof wanted === 'object' && wanted !== null) {
    if (typeof found !== 'object' || found === null || Array.isArray(found))
      return `${at}: expected an object, got ${JSON.stringify(found)}`;
    const foundRecord = found as Record<string, unknown>;
    for (const [key, item] of Object.entries(wanted)) {
      if (!(key in foundRecord)) return `${at}.${key}: missing`;
      const difference = compareValue(foundRecord[key], item, `${at}.${key}`, expected);
      if (difference) return difference;
    }
    const extra = Object.keys(foundRecord).filter((key) => !(key in wanted));
    return extra.length > 0 ? `${at}: unexpected key '${extra[0]}'` : null;
  }
  return found === wanted ? null : `${at}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(found)}`;
}

const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;

type Token = { kind: 'number'; value: number; text: string } | { kind: 'text'; text: string };

/** Splits text into numbers and the words between them, whitespace runs counting as one space. */
function tokens(text: string): Token[] {
  const result: Token[] = [];
  const normalized = text.replace(/\s+/g, ' ').trim();
  let position = 0;
  let pending = '';
  while (position < normalized.length) {
    NUMBER.lastIndex = position;
    const previous = normalized[position - 1];
    // A digit run inside a word (`v2`, `x86_64`) is text: only free-standing numbers get a tolerance.
    const match = previous && /[A-Za-z_]/.test(previous) ? null : NUMBER.exec(normalized);
    if (match) {
      if (pending) result.push({ kind: 'text', text: pending });
      pending = '';
      result.push({ kind: 'number', value: Number(match[0]), text: match[0] });
      position += match[0].length;
    } else {
      pending += normalized[position];
      position += 1;
    }
  }
  if (pending) result.push({ kind: 'text', text: pending });
  return result;
}

function compareText(actual: string, wanted: string, expected: ExpectedOutput): string | null {
  const found = tokens(actual);
  const golden = tokens(wanted);
  for (let index = 0; index < Math.max(found.length, golden.length); index++) {
    const a = found[index];
    const b = golden[index];
    if (!a) return `the output ends before '${b?.text}'`;
    if (!b) return `the output goes on after the expected text: '${a.text.slice(0, 80)}'`;
    if (a.kind === 'number' && b.kind === 'number') {
      if (!withinTolerance(a.value, b.value, expected)) return differs(a.value, b.value, expected);
    } else if (a.kind !== b.kind || a.text !== b.text) {
      return `expected '${b.text.slice(0, 80)}', got '${a.text.slice(0, 80)}'`;
    }
  }
  return null;
}
