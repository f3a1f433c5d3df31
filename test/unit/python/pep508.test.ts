import { describe, expect, it } from 'vitest';
import { normalizeName, type ParsedRequirement, parsePep508 } from '../../../src/python/pep508.js';

function parsed(text: string): ParsedRequirement {
  const result = parsePep508(text);
  if ('error' in result) throw new Error(`expected '${text}' to parse, got: ${result.error}`);
  return result;
}

describe('normalizeName (PEP 503)', () => {
  it.each([
    ['numpy', 'numpy'],
    ['NumPy', 'numpy'],
    ['scikit_learn', 'scikit-learn'],
    ['Scikit-Learn', 'scikit-learn'],
    ['zope.interface', 'zope-interface'],
    ['a__b--c..d', 'a-b-c-d'],
    ['a-_.b', 'a-b'],
    ['typing_extensions', 'typing-extensions'],
  ])('%s -> %s', (name, expected) => {
    expect(normalizeName(name)).toBe(expected);
  });

  it('is idempotent', () => {
    for (const name of ['A_b.C', 'x---y', 'Pillow']) {
      expect(normalizeName(normalizeName(name))).toBe(normalizeName(name));
    }
  });
});

describe('parsePep508: accepted requirements', () => {
  it.each<[string, ParsedRequirement]>([
    ['numpy', { name: 'numpy', extras: [], specifier: '', marker: null, url: null }],
    ['numpy==1.26.4', { name: 'numpy', extras: [], specifier: '==1.26.4', marker: null, url: null }],
    ['NumPy >= 1.0, < 2', { name: 'numpy', extras: [], specifier: '>=1.0,<2', marker: null, url: null }],
    ['numpy (>=1.0,<2)', { name: 'numpy', extras: [], specifier: '>=1.0,<2', marker: null, url: null }],
    ['requests~=2.31', { name: 'requests', extras: [], specifier: '~=2.31', marker: null, url: null }],
    ['pandas!=2.0.0', { name: 'pandas', extras: [], specifier: '!=2.0.0', marker: null, url: null }],
    ['torch==2.*', { name: 'torch', extras: [], specifier: '==2.*', marker: null, url: null }],
    ['torch===2.3.1', { name: 'torch', extras: [], specifier: '===2.3.1', marker: null, url: null }],
    [
      'torch==2.3.1+cu121',
      { name: 'torch', extras: [], specifier: '==2.3.1+cu121', marker: null, url: null },
    ],
    [
      'Requests[Security, SOCKS_Proxy]>=2',
      { name: 'requests', extras: ['security', 'socks-proxy'], specifier: '>=2', marker: null, url: null },
    ],
    ['uvicorn [standard]', { name: 'uvicorn', extras: ['standard'], specifier: '', marker: null, url: null }],
    ['pkg[]', { name: 'pkg', extras: [], specifier: '', marker: null, url: null }],
    ['pkg[a,,b,]', { name: 'pkg', extras: ['a', 'b'], specifier: '', marker: null, url: null }],
    [
      'tomli>=1.1; python_version < "3.11"',
      { name: 'tomli', extras: [], specifier: '>=1.1', marker: 'python_version < "3.11"', url: null },
    ],
    [
      'pywin32 ; sys_platform == "win32"',
      { name: 'pywin32', extras: [], specifier: '', marker: 'sys_platform == "win32"', url: null },
    ],
    ['pkg==1;', { name: 'pkg', extras: [], specifier: '==1', marker: null, url: null }],
    [
      'mypkg @ https://example.com/mypkg-1.0-py3-none-any.whl',
      {
        name: 'mypkg',
        extras: [],
        specifier: '',
        marker: null,
        url: 'https://example.com/mypkg-1.0-py3-none-any.whl',
      },
    ],
    [
      'My_Pkg[Extra] @ https://example.com/p.whl ; python_version >= "3.10"',
      {
        name: 'my-pkg',
        extras: ['extra'],
        specifier: '',
        marker: 'python_version >= "3.10"',
        url: 'https://example.com/p.whl',
      },
    ],
    [
      // Inside a URL a ';' without whitespace before it belongs to the URL.
      'pkg @ https://example.com/a;b.whl',
      { name: 'pkg', extras: [], specifier: '', marker: null, url: 'https://example.com/a;b.whl' },
    ],
    ['a', { name: 'a', extras: [], specifier: '', marker: null, url: null }],
    ['a1.b_c-d', { name: 'a1-b-c-d', extras: [], specifier: '', marker: null, url: null }],
  ])('%s', (text, expected) => {
    expect(parsePep508(text)).toEqual(expected);
  });

  // Each accepted by packaging 26.2's Requirement (pip's parser); the specifier has no spaces.
  it.each<[string, string]>([
    ['torch == 2.0', '==2.0'],
    ['torch>= 2.0 , < 3', '>=2.0,<3'],
    ['torch>=\t2', '>=2'],
    ['torch (===1.0)', '===1.0'],
    ['torch ()', ''],
    ['torch==1!2.0', '==1!2.0'],
    ['torch==v2.0', '==v2.0'],
    ['torch==V2.0', '==V2.0'],
    ['torch==2.0.post1', '==2.0.post1'],
    ['torch==2.0-1', '==2.0-1'],
    ['torch==1.0-dev', '==1.0-dev'],
    ['torch==1.0c1', '==1.0c1'],
    ['torch==1.0.RC1', '==1.0.RC1'],
    ['torch==1.0_rc1', '==1.0_rc1'],
    ['torch>=2.0.0-alpha', '>=2.0.0-alpha'],
    ['torch==01.00', '==01.00'],
    ['torch==1.0+local.1-2', '==1.0+local.1-2'],
    ['torch!=1.0+LOCAL', '!=1.0+LOCAL'],
    ['torch!=2.*', '!=2.*'],
    ['torch==2.0.*', '==2.0.*'],
    ['torch~=2.0.post1', '~=2.0.post1'],
    ['torch~=1!2.0', '~=1!2.0'],
    ['torch<2.0.dev1', '<2.0.dev1'],
    ['torch===2.0+abc', '===2.0+abc'],
    ['torch===1.0,>=1', '===1.0,>=1'],
    ['torch===2.0.0.*', '===2.0.0.*'],
    ['torch===foobar', '===foobar'],
  ])('%s has the specifier %s', (text, specifier) => {
    expect(parsed(text).specifier).toBe(specifier);
  });
});

describe('parsePep508: rejected requirements carry a message and a 1-based column', () => {
  it.each<[string, RegExp, number]>([
    ['numpy>>1', /invalid version specifier '>>1' for numpy/, 6],
    ['numpy >>1', /invalid version specifier '>>1' for numpy/, 7],
    ['pkg[extra]>>1', /invalid version specifier '>>1' for pkg/, 11],
    ['numpy foo', /invalid version specifier 'foo' for numpy/, 7],
    ['numpy==', /invalid version specifier '==' for numpy/, 6],
    ['numpy>=1,', /invalid version specifier '>=1,' for numpy: nothing follows ','/, 9],
    ['pkg[extra', /unclosed '\['/, 4],
    ['pkg @', /has '@' but no URL/, 5],
    ['pkg @ ; python_version > "3"', /has '@' but no URL/, 5],
    ['./local/path', /is not a requirement \(expected a package name\)/, 1],
    ['-pkg', /is not a requirement/, 1],
    ['', /is not a requirement/, 1],
    ['https://example.com/pkg.whl', /invalid version specifier/, 6],
  ])('%s', (text, message, column) => {
    const result = parsePep508(text);
    expect(result).toMatchObject({ column });
    expect('error' in result && result.error).toMatch(message);
  });

  it('never throws, even on nonsense', () => {
    for (const text of ['torch===', 'torch (', 'torch)', 'torch==(', 'torch~=', 'torch>=1,,', 'torch=== ,']) {
      expect(() => parsePep508(text)).not.toThrow();
    }
    for (const text of ['[', ']', '@', ';', '((', '==1', '\u0000', 'a b c d', 'x @@', 'x[[]]']) {
      expect(() => parsePep508(text)).not.toThrow();
    }
  });

  it('normalizes the name only in the result, not in the error message', () => {
    const result = parsePep508('Scikit_Learn>>1');
    expect('error' in result && result.error).toContain('for Scikit_Learn');
    expect(parsed('Scikit_Learn>1').name).toBe('scikit-learn');
  });
});

// What pip refuses (packaging's requirement tokenizer and Specifier regex), each with the column of
// the clause at fault (its operator), or of the text where a ',' or the end was expected.
describe('parsePep508: version specifiers as packaging reads them', () => {
  it.each<[string, RegExp, number]>([
    ['torch==>2', /'>2' is not a PEP 440 version/, 6],
    ['torch>>2', /'>2' is not a PEP 440 version/, 6],
    ['torch=2', /expected an operator \(==, !=, <=, >=, <, >, ~=, ===\)/, 6],
    ['torch≥2', /expected an operator/, 6],
    ['torch 2.0', /expected an operator/, 7],
    ['torch==2.*.1', /'2\.\*\.1' is not a PEP 440 version/, 6],
    ['torch==1.0+local..1', /'1\.0\+local\.\.1' is not a PEP 440 version/, 6],
    ['torch==*', /'\*' is not a PEP 440 version/, 6],
    ['torch>=2.*', /'\.\*' only follows == or !=/, 6],
    ['torch>=1,<2.*', /'\.\*' only follows == or !=/, 10],
    ['torch~=2.*', /'\.\*' only follows == or !=/, 6],
    ['torch==1.0rc1.*', /'\.\*' cannot follow a pre-release, post-release, dev release or local version/, 6],
    ['torch==1.0.dev1.*', /'\.\*' cannot follow/, 6],
    ['torch~=2', /'~=' needs a version with at least two release segments \(~=2\.0, not ~=2\)/, 6],
    ['torch~=1!2', /at least two release segments/, 6],
    ['torch<=1.0+local', /a local version label \('\+local'\) only follows == or !=/, 6],
    ['torch~=2.0+local', /local version label/, 6],
    ['torch>1.0+cu121', /local version label/, 6],
    ['torch==1.0.*+local', /local version label/, 6],
    ['torch==', /'==' has no version after it/, 6],
    ['torch>=1,<', /'<' has no version after it/, 10],
    ['torch>=2 <3', /expected ',' between version specifiers, or ';' before a marker, at '<3'/, 10],
    ['torch>=2,,<3', /nothing follows ','/, 9],
    ['torch>=2.0 @ https://x.whl', /expected ','.*at '@ https/, 12],
    ['torch (>=2', /unclosed '\(' in '>=2'|unclosed '\('/, 7],
    ['torch>=2)', /unmatched '\)'/, 9],
    ['torch (>=2) x', /expected nothing after '\)'/, 13],
  ])('%s', (text, message, column) => {
    const result = parsePep508(text);
    expect(result).toMatchObject({ column });
    expect('error' in result && result.error).toMatch(message);
  });

  // packaging takes any text without whitespace, ';' or ')' after '===' and compares it literally;
  // detect refuses what no version string can be, so `torch===>>2` is not read as a locked '>>2'.
  it.each<[string, RegExp, number]>([
    ['torch===>>2', /'===' compares the text literally.*'>>2' starts with an operator character/, 6],
    ['torch===<2', /starts with an operator character/, 6],
    ['torch===~=2', /starts with an operator character/, 6],
    ['torch===!2', /starts with an operator character/, 6],
    ['torch===', /'===' has no version after it/, 6],
    ['torch===a/b', /'a\/b' has characters no version has \('\/'\)/, 6],
    ['torch===2.0(x', /characters no version has \('\('\)/, 6],
    ['torch===2.0 3', /expected ',' between version specifiers.*at '3'/, 13],
    ['numpy>=1,===@x', /characters no version has \('@'\)/, 10],
  ])('%s', (text, message, column) => {
    const result = parsePep508(text);
    expect(result).toMatchObject({ column });
    expect('error' in result && result.error).toMatch(message);
  });
});
