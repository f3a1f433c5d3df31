import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateMarker, linuxEnvironment, type MarkerEnvironment } from '../../../src/python/markers.js';

const LINUX_311 = linuxEnvironment('3.11.4');
const LINUX_ARM = linuxEnvironment('3.12.7', 'aarch64');

describe('linuxEnvironment', () => {
  it('gives the values CPython on Linux reports', () => {
    expect(linuxEnvironment('3.11.4')).toEqual({
      python_version: '3.11',
      python_full_version: '3.11.4',
      os_name: 'posix',
      sys_platform: 'linux',
      platform_release: '',
      platform_system: 'Linux',
      platform_version: '',
      platform_machine: 'x86_64',
      platform_python_implementation: 'CPython',
      implementation_name: 'cpython',
      implementation_version: '3.11.4',
      extra: '',
    });
  });

  it('takes the machine, Docker names too', () => {
    expect(linuxEnvironment('3.12.7', 'aarch64').platform_machine).toBe('aarch64');
    expect(linuxEnvironment('3.12.7', 'arm64').platform_machine).toBe('aarch64');
    expect(linuxEnvironment('3.12.7', 'amd64').platform_machine).toBe('x86_64');
  });

  it('keeps a pre-release as the full version', () => {
    expect(linuxEnvironment('3.13.0rc2')).toMatchObject({
      python_version: '3.13',
      python_full_version: '3.13.0rc2',
    });
  });

  it('rejects what is not a Python version', () => {
    expect(() => linuxEnvironment('python3')).toThrow(/'python3' is not a Python version/);
  });
});

describe('evaluateMarker', () => {
  const cases: [string, MarkerEnvironment, boolean][] = [
    ['python_version >= "3.8"', LINUX_311, true],
    ["python_version >= '3.12'", LINUX_311, false],
    // Versions, not strings: '3.11' < '3.9' as strings.
    ['python_version > "3.9"', LINUX_311, true],
    ['python_version < "3.9"', LINUX_311, false],
    ['python_version == "3.11"', LINUX_311, true],
    ['python_version != "3.11"', LINUX_311, false],
    ["python_full_version < '3.11.4'", LINUX_311, false],
    ["python_full_version < '3.11.4'", linuxEnvironment('3.11.3'), true],
    ["python_full_version <= '3.11.4'", LINUX_311, true],
    ["python_full_version == '3.11.*'", LINUX_311, true],
    ["python_full_version != '3.11.*'", LINUX_311, false],
    ["python_full_version >= '3.12'", LINUX_311, false],
    // PEP 440: `<V` leaves out V's own pre-releases, as pip does.
    ["python_full_version < '3.13'", linuxEnvironment('3.13.0rc2'), false],
    ["python_full_version >= '3.13.0rc1'", linuxEnvironment('3.13.0rc2'), true],
    ['python_version ~= "3.8"', LINUX_311, true],
    ['python_full_version ~= "3.11.0"', LINUX_311, true],
    ['python_full_version ~= "3.10.0"', LINUX_311, false],
    // The literal on the left: `"3.9" < python_version` is `python_version > "3.9"`.
    ["'3.9' < python_version", LINUX_311, true],
    ["'3.12' <= python_version", LINUX_311, false],
    ['sys_platform == "win32"', LINUX_311, false],
    ["sys_platform == 'linux'", LINUX_311, true],
    ['sys_platform != "win32"', LINUX_311, true],
    ['platform_system == "Windows"', LINUX_311, false],
    ['os_name == "nt"', LINUX_311, false],
    ["platform_machine in 'x86_64 aarch64'", LINUX_311, true],
    ["platform_machine in 'x86_64 aarch64'", LINUX_ARM, true],
    ["platform_machine in 'x86_64 aarch64'", linuxEnvironment('3.11.4', 'ppc64le'), false],
    ['platform_machine not in "arm64 aarch64"', LINUX_311, true],
    ['platform_machine not in "arm64 aarch64"', LINUX_ARM, false],
    ["'linux' in sys_platform", LINUX_311, true],
    ['platform_machine == "aarch64"', LINUX_311, false],
    ['platform_machine == "aarch64"', LINUX_ARM, true],
    ['platform_python_implementation == "CPython" and implementation_name == "cpython"', LINUX_311, true],
    ['implementation_version >= "3.11"', LINUX_311, true],
    ['python_version > "3.11.0rc1"', LINUX_311, true],
    ['python_version === "3.11.*"', LINUX_311, false],
    ['python_version === "3.11"', LINUX_311, true],
    // Not a version (the kernel is unknown at lock time): compared as strings.
    ['platform_release >= "5.4"', LINUX_311, false],
    ['platform_release != "5.4"', LINUX_311, true],
    ['platform_release >= "5.4"', { ...LINUX_311, platform_release: '6.8.0' }, true],
    // Strings have no order: `<` and `>` are false, `<=` and `>=` are `==`.
    ['sys_platform < "win32"', LINUX_311, false],
    ['os_name > "nt"', LINUX_311, false],
    ['sys_platform <= "linux"', LINUX_311, true],
    ['sys_platform >= "darwin"', LINUX_311, false],
    ['python_version < "cuda"', LINUX_311, false],
    ['os.name == "posix" and sys.platform == "linux"', LINUX_311, true],
    ['python_implementation == "CPython"', LINUX_311, true],
    ['platform.machine == "x86_64"', LINUX_311, true],
    ['os_name == "nt" or (python_version >= "3.10" and platform_system == "Linux")', LINUX_311, true],
    ['(sys_platform == "darwin" or sys_platform == "win32") and python_version >= "3.8"', LINUX_311, false],
    [
      '((python_version < "3.10")) or (platform_machine == "x86_64" and (implementation_name == "cpython"))',
      LINUX_311,
      true,
    ],
    [
      '((python_version < "3.10")) or (platform_machine == "x86_64" and (implementation_name == "cpython"))',
      LINUX_ARM,
      false,
    ],
    // `and` binds tighter than `or`: true or (false and false).
    ['sys_platform == "linux" or sys_platform == "win32" and python_version < "3"', LINUX_311, true],
    ['(sys_platform == "linux" or sys_platform == "win32") and python_version < "3"', LINUX_311, false],
    // Without spaces, and with tabs.
    ["python_version>='3.8'and sys_platform=='linux'", LINUX_311, true],
    ["python_version\t>=\t'3.8'", LINUX_311, true],
    // uv's combined resolution-markers.
    [
      "(python_full_version >= '3.12' and sys_platform != 'darwin') or (python_full_version < '3.12' and sys_platform != 'darwin')",
      LINUX_311,
      true,
    ],
    ['extra == "cuda"', LINUX_311, false],
    ['extra == "cuda"', { ...LINUX_311, extra: 'cuda' }, true],
    // PEP 685: extras compare normalized.
    ['extra == "CUDA"', { ...LINUX_311, extra: 'cuda' }, true],
    ['extra == "Cuda_12"', { ...LINUX_311, extra: 'cuda-12' }, true],
    ['extra == "cuda.12"', { ...LINUX_311, extra: 'CUDA__12' }, true],
    ['extra != "cuda"', LINUX_311, true],
    ['python_version >= "3.9" and extra == "gpu"', { ...LINUX_311, extra: 'gpu' }, true],
    // `extra` may be absent: no extra is installed.
    ['extra == "cuda"', { python_version: '3.11' }, false],
    // PEP 751 sets.
    ["'gpu' in extras", LINUX_311, false],
    ["'gpu' in extras", { ...LINUX_311, extras: 'gpu, docs' }, true],
    ["'Dev_Tools' in dependency_groups", { ...LINUX_311, dependency_groups: 'dev-tools' }, true],
    ["'dev' not in dependency_groups", LINUX_311, true],
  ];

  it.each(cases)('%s → %s', (marker, env, expected) => {
    expect(evaluateMarker(marker, env)).toBe(expected);
  });

  const malformed: [string, RegExp][] = [
    ['', /is empty/],
    ['   ', /is empty/],
    ['python_version >= 3.8', /unexpected '3' at column 19/],
    ['python_version = "3.8"', /unexpected '=' \(did you mean '=='\) at column 16/],
    ['python_version >= "3.8', /unterminated string at column 19/],
    ['(python_version >= "3.8"', /expected '\)', found the end at column 25/],
    ['python_version >= "3.8")', /unexpected '\)' at column 24/],
    ['python_version >= "3.8" and', /expected a variable or a quoted string, found the end/],
    ['python_version >= "3.8" or or sys_platform == "linux"', /found 'or' at column 28/],
    ['pyton_version >= "3.8"', /unknown variable 'pyton_version' \(quote a string value\) at column 1/],
    ['sys_platform == linux', /unknown variable 'linux'/],
    ['"a" == "b"', /compares two strings/],
    ['python_version == python_full_version', /compares two variables/],
    ['sys_platform', /expected an operator, found the end/],
    ['sys_platform "linux"', /expected an operator, found the string 'linux'/],
    ['python_version not "3.8"', /'not' must be followed by 'in'/],
    ['python_version >= "3.8" && sys_platform == "linux"', /unexpected '&'/],
    ['()', /expected a variable or a quoted string, found '\)'/],
    ['extras == "gpu"', /'extras' is a set/],
    ['sys_platform ~= "linux"', /'~=' compares versions/],
    ['sys_platform === "linux"', /'===' compares versions/],
    // `~=` needs two release segments.
    ['python_version ~= "3"', /'~=' compares versions/],
    [`${'('.repeat(100)}python_version >= "3"${')'.repeat(100)}`, /nest deeper than 64/],
  ];

  it.each(malformed)('rejects %j', (marker, message) => {
    let thrown: unknown;
    try {
      evaluateMarker(marker, LINUX_311);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).constructor).toBe(Error);
    expect((thrown as Error).message).toMatch(/^invalid marker ['"]/);
    expect((thrown as Error).message).toMatch(message);
  });

  it('quotes the marker in its message', () => {
    expect(() => evaluateMarker('python_version >= 3.8', LINUX_311)).toThrow(
      "invalid marker 'python_version >= 3.8': unexpected '3' at column 19",
    );
  });

  it('says which variable the environment lacks', () => {
    expect(() => evaluateMarker('platform_machine == "x86_64"', { python_version: '3.11' })).toThrow(
      /the environment has no value for 'platform_machine'/,
    );
  });

  it('checks every comparison, not only those it needs for the answer', () => {
    expect(() => evaluateMarker('sys_platform == "linux" or sys_platform ~= "win32"', LINUX_311)).toThrow(
      /'~=' compares versions/,
    );
  });
});

describe('evaluateMarker properties', () => {
  const tokens = [
    'python_version',
    'python_full_version',
    'sys_platform',
    'platform_machine',
    'os.name',
    'extra',
    'extras',
    'platform_release',
    ' and ',
    ' or ',
    ' not ',
    ' in ',
    'not in',
    '(',
    ')',
    '==',
    '!=',
    '<',
    '<=',
    '>',
    '>=',
    '~=',
    '===',
    '=',
    '"3.11"',
    "'3.8'",
    "'3.11.*'",
    '"linux"',
    "'x86_64 aarch64'",
    '"cuda"',
    '"',
    "'",
    ' ',
    '\t',
    '3.9',
    ',',
    ';',
  ];

  const soup = fc.oneof(
    fc.array(fc.constantFrom(...tokens), { maxLength: 24 }).map((parts) => parts.join('')),
    fc.string({ maxLength: 60 }),
  );

  it('gives a boolean or throws a plain Error, never anything else', () => {
    fc.assert(
      fc.property(soup, (marker) => {
        let result: unknown;
        try {
          result = evaluateMarker(marker, LINUX_311);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          expect((error as Error).constructor).toBe(Error);
          expect((error as Error).message).toMatch(/^invalid marker ['"]/);
          return;
        }
        expect(typeof result).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });

  const comparison = fc
    .tuple(
      fc.constantFrom('python_version', 'python_full_version', 'sys_platform', 'platform_machine', 'extra'),
      fc.constantFrom('==', '!=', '<', '<=', '>', '>=', 'in', 'not in'),
      fc.constantFrom('3.8', '3.11', '3.11.4', '3.12.*', 'linux', 'win32', 'x86_64', 'aarch64', 'cuda', ''),
      fc.boolean(),
    )
    .filter(([, op, value]) => !(value.endsWith('.*') && op !== '==' && op !== '!='))
    .map(([variable, op, value, literalFirst]) =>
      literalFirst ? `'${value}' ${op} ${variable}` : `${variable} ${op} "${value}"`,
    );
  const { marker } = fc.letrec<{ marker: string }>((tie) => ({
    marker: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      comparison,
      fc
        .tuple(tie('marker'), fc.constantFrom('and', 'or'), tie('marker'))
        .map(([a, op, b]) => `(${a}) ${op} (${b})`),
    ),
  }));

  it('evaluates well-formed markers, with and/or as boolean logic', () => {
    fc.assert(
      fc.property(marker, marker, (a, b) => {
        const left = evaluateMarker(a, LINUX_311);
        const right = evaluateMarker(b, LINUX_311);
        expect(evaluateMarker(`(${a}) and (${b})`, LINUX_311)).toBe(left && right);
        expect(evaluateMarker(`(${a}) or (${b})`, LINUX_311)).toBe(left || right);
      }),
      { numRuns: 300 },
    );
  });
});
