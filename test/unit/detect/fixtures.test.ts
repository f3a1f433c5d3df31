/**
 * The rule book's cases: every folder under test/fixtures/detect is a trimmed copy of a real public ML
 * project (its README.md names which), and its expected.json is what docs/detection.md says
 * `detect --json` prints for it, derived by hand from the rule book, never from the engine's output.
 *
 * expected.json holds either the contract object (`specContract`) or
 * `{"error": {"source": "file:line[:col]", "message": "..." | ["...", ...]}}` for malformed input.
 * An optional options.json holds detect's options, as the action's inputs give them
 * (`{"dependencyFile": "inference/requirements.txt"}`).
 *
 * Everything is compared exactly except where the rule book itself only fixes the gist:
 * - `warnings`: each expected warning must be present (its message a substring of the actual
 *   message, its source exact); extra warnings are allowed.
 * - a source ending in `…` (`"default…"`): the actual source starts with the text before it
 *   ("otherwise 3.11, with `source` starting `default`").
 * - a source written `table row: <framework> <version>`: the actual source names the compat.json
 *   table row, that is, mentions each of those words ("with `source` naming the table row").
 * - errors: the UserError's `located` starts with `source` and contains each message substring.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type DetectOptions, detect } from '../../../src/detect/index.js';
import { specContract } from '../../../src/detect/spec.js';
import { isUserError } from '../../../src/errors.js';
import { directoryReader } from '../../../src/project/reader.js';

type Contract = ReturnType<typeof specContract>;
type Warning = Contract['warnings'][number];

interface ExpectedError {
  error: { source: string; message: string | string[] };
}

type Expected = Contract | ExpectedError;

const root = fileURLToPath(new URL('../../fixtures/detect/', import.meta.url));

const fixtures = readdirSync(root)
  .filter((name) => statSync(join(root, name)).isDirectory())
  .sort();

function readExpected(name: string): Expected {
  return JSON.parse(readFileSync(join(root, name, 'expected.json'), 'utf8')) as Expected;
}

const TABLE_ROW = 'table row: ';

/** True when `actual` satisfies a source the rule book only fixes in part (see the header). */
function looseSourceMatches(expected: string, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  if (expected.endsWith('…')) return actual.startsWith(expected.slice(0, -1));
  if (expected.startsWith(TABLE_ROW)) {
    return expected
      .slice(TABLE_ROW.length)
      .split(/\s+/)
      .filter(Boolean)
      .every((word) => actual.includes(word));
  }
  return false;
}

function isLoose(source: string): boolean {
  return source.endsWith('…') || source.startsWith(TABLE_ROW);
}

/**
 * The actual contract with its loosely specified sources replaced by the expected text where they
 * satisfy it, and warnings set aside, so one `toEqual` shows every other difference at once.
 */
function comparable(actual: Contract, expected: Contract): Omit<Contract, 'warnings'> {
  const { warnings: _warnings, ...rest } = structuredClone(actual);
  if (isLoose(expected.python.source) && looseSourceMatches(expected.python.source, rest.python.source)) {
    rest.python.source = expected.python.source;
  }
  if (
    expected.cuda &&
    rest.cuda &&
    isLoose(expected.cuda.source) &&
    looseSourceMatches(expected.cuda.source, rest.cuda.source)
  ) {
    rest.cuda.source = expected.cuda.source;
  }
  return rest;
}

function readOptions(name: string): DetectOptions {
  const path = join(root, name, 'options.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as DetectOptions) : {};
}

function runDetect(name: string): { spec: Contract } | { error: unknown } {
  try {
    return { spec: specContract(detect(directoryReader(join(root, name)), readOptions(name))) };
  } catch (error) {
    return { error };
  }
}

describe('detection fixtures (docs/detection.md)', () => {
  it('has at least 32 fixtures, each with a README naming the project it is shaped after', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(32);
    for (const name of fixtures) {
      expect(readFileSync(join(root, name, 'README.md'), 'utf8'), name).toMatch(/^Shaped after \S+\/\S+ \(/);
    }
  });

  it.each(fixtures)('%s', (name) => {
    const expected = readExpected(name);
    const result = runDetect(name);

    if ('error' in expected) {
      const { source, message } = expected.error;
      if (!('error' in result)) {
        expect.fail(`expected an error at '${source}', got ${JSON.stringify(result.spec, null, 2)}`);
      }
      const { error } = result;
      if (!isUserError(error)) {
        throw new Error(`expected a UserError, got ${error instanceof Error ? error.stack : String(error)}`);
      }
      expect(error.located.startsWith(source), `'${error.located}' should start with '${source}'`).toBe(true);
      for (const part of Array.isArray(message) ? message : [message]) {
        expect(error.located).toContain(part);
      }
      return;
    }

    if ('error' in result) throw result.error;
    const actual = result.spec;
    const { warnings: expectedWarnings, ...expectedRest } = expected;
    expect(comparable(actual, expected)).toEqual(expectedRest);
    for (const warning of expectedWarnings) {
      const found = actual.warnings.some(
        (candidate: Warning) =>
          candidate.message.includes(warning.message) && candidate.source === warning.source,
      );
      expect(found, `warning ${JSON.stringify(warning)} among ${JSON.stringify(actual.warnings)}`).toBe(true);
    }
  });
});
