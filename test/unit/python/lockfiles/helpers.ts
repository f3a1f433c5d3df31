import fc from 'fast-check';
import { expect } from 'vitest';
import { isUserError, type UserError } from '../../../../src/errors.js';
import { memoryReader } from '../../../../src/project/reader.js';
import type { LockRead } from '../../../../src/python/types.js';

/** Runs a reader on one in-memory file. */
export function readWith(
  read: (reader: ReturnType<typeof memoryReader>, path: string) => LockRead,
  path: string,
) {
  return (content: string): LockRead => read(memoryReader({ [path]: content }), path);
}

/** The UserError `run` throws; fails the test when it returns or throws anything else. */
export function userErrorOf(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    if (isUserError(error)) return error;
    throw error;
  }
  throw new Error('expected a UserError, but the reader returned');
}

/** Contents that stay near a valid file: truncations, token splices, token soup, arbitrary text. */
export function contentNear(valid: string, tokens: readonly string[]): fc.Arbitrary<string> {
  const token = fc.constantFrom(...tokens);
  return fc.oneof(
    fc.nat({ max: valid.length }).map((end) => valid.slice(0, end)),
    fc
      .tuple(fc.nat({ max: valid.length }), fc.nat({ max: valid.length }), fc.array(token, { maxLength: 4 }))
      .map(([from, to, inserted]) => {
        const [start, end] = from <= to ? [from, to] : [to, from];
        return valid.slice(0, start) + inserted.join('') + valid.slice(Math.min(end, start + 40));
      }),
    fc.array(token, { maxLength: 40 }).map((parts) => parts.join('')),
    fc.string({ maxLength: 200 }),
  );
}

/** The property every reader keeps: a LockRead, or a located UserError of the detect phase. */
export function resultOrUserError(run: () => LockRead, content: string): void {
  let result: LockRead;
  try {
    result = run();
  } catch (error) {
    if (!isUserError(error)) throw error;
    expect(error.phase).toBe('detect');
    const line = error.source?.line;
    if (line !== undefined) {
      expect(line).toBeGreaterThanOrEqual(1);
      expect(line).toBeLessThanOrEqual(content.split('\n').length + 1);
    }
    return;
  }
  for (const pkg of result.packages) {
    expect(typeof pkg.name).toBe('string');
    expect(typeof pkg.version).toBe('string');
    for (const hash of pkg.hashes) expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(pkg.source.line).toBeGreaterThanOrEqual(1);
  }
}
