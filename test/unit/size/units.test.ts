import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { parseInputs } from '../../../src/inputs.js';
import { formatBytes, parseByteSize } from '../../../src/size/units.js';

describe('parseByteSize', () => {
  it.each([
    ['2GiB', 2 * 2 ** 30],
    ['750MiB', 750 * 2 ** 20],
    ['500MB', 500e6],
    ['500mb', 500e6],
    ['1.5GB', 1.5e9],
    ['1.5 GiB', 1.5 * 2 ** 30],
    ['64KiB', 65536],
    ['2kB', 2000],
    ['1TB', 1e12],
    ['123456789', 123456789],
    ['10B', 10],
  ])('reads %s as %d bytes', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it.each([
    ['a one-letter unit, which docker reads two ways', '2g'],
    ['a one-letter unit, which docker reads two ways', '512m'],
    ['an unknown unit', '2GBs'],
    ['more words', '2GB max'],
    ['a fraction of a byte', '1.5'],
    ['nothing', '0'],
    ['nothing, with a unit', '0MiB'],
    ['less than a byte', '0.1B'],
    ['a negative size', '-1GB'],
    ['two spaces', '2  GB'],
    ['a number beyond what is exact', '99999999999TB'],
    ['an expression', '1e9'],
    ['no number', 'GiB'],
  ])('refuses %s: %j', (_why, text) => {
    expect(parseByteSize(text)).toBeNull();
  });
});

describe("input 'max-image-size'", () => {
  it('is no limit when empty, and bytes when set', () => {
    expect(parseInputs(() => '').maxImageSize).toBeNull();
    expect(parseInputs((name) => (name === 'max-image-size' ? ' 2GiB ' : '')).maxImageSize).toBe(2 ** 31);
  });

  it('refuses a value that is not a size, naming the input and the value', () => {
    const parse = () => parseInputs((name) => (name === 'max-image-size' ? '2g' : ''));
    expect(parse).toThrow(UserError);
    expect(parse).toThrow(
      "input 'max-image-size' must be a size such as 2GiB, 750MiB, 500MB or a number of bytes, got '2g'",
    );
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [164000000, '156.4 MiB'],
    [2 ** 31, '2.0 GiB'],
  ])('writes %d as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
