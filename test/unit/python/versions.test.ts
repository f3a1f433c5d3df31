import { describe, expect, it } from 'vitest';
import { compareMinor, majorMinor, minorSatisfies, poetryToPep440 } from '../../../src/python/versions.js';

describe('poetryToPep440', () => {
  it.each([
    ['^3.10', '>=3.10,<4.0'],
    ['^2.1.0', '>=2.1.0,<3.0'],
    ['^0.4', '>=0.4,<0.5'],
    ['^0.0.3', '>=0.0.3,<0.0.4'],
    ['~3.10', '>=3.10,<3.11'],
    ['~2', '>=2.0,<3.0'],
    ['~=3.10', '~=3.10'],
    ['>=3.9,<3.12', '>=3.9,<3.12'],
    ['>=3.9 <3.12', '>=3.9,<3.12'],
    ['2.1.0', '==2.1.0'],
    ['*', ''],
    ['', ''],
    ['^3.8 || ^3.10', '>=3.8,<4.0'],
  ])('%s → %s', (poetry, pep440) => {
    expect(poetryToPep440(poetry)).toBe(pep440);
  });
});

describe('version helpers', () => {
  it('reads major.minor, ignoring patch and local parts', () => {
    expect(majorMinor('2.3.1+cu121')).toEqual([2, 3]);
    expect(majorMinor('v1.19')).toEqual([1, 19]);
    expect(majorMinor('nonsense')).toBeNull();
  });

  it('orders minors numerically, not as text', () => {
    expect(compareMinor('2.10', '2.9')).toBeGreaterThan(0);
    expect(compareMinor('3.9', '3.11')).toBeLessThan(0);
    expect(compareMinor('12.1', '12.1.105')).toBe(0);
  });

  it.each([
    ['3.11', '>=3.9', true],
    ['3.11', '<3.11', false],
    ['3.11', '>3.11', true],
    ['3.12', '~=3.10.0', false],
    ['3.10', '~=3.10.0', true],
    ['3.11', '', true],
    ['3.11', 'not a specifier', false],
  ])('some %s release satisfies %j: %s', (minor, specifier, expected) => {
    expect(minorSatisfies(minor, specifier)).toBe(expected);
  });
});
