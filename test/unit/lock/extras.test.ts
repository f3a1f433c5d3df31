// `extra` in the markers of lock edges is a set: the extras a package was asked for, and the
// groups and extras uv writes into its conflict markers.
import { describe, expect, it } from 'vitest';
import { evaluateWithExtras } from '../../../src/lock/extras.js';
import { linuxEnvironment } from '../../../src/python/markers.js';

const PY311 = linuxEnvironment('3.11.9');
const holds = (marker: string, ...active: string[]) => evaluateWithExtras(marker, PY311, new Set(active));

describe('evaluateWithExtras', () => {
  it('holds `extra == x` for each extra asked for, `extra != x` for the others', () => {
    expect(holds("extra == 'socks'", 'socks', 'http2')).toBe(true);
    expect(holds("extra == 'http2'", 'socks', 'http2')).toBe(true);
    expect(holds("extra == 'brotli'", 'socks', 'http2')).toBe(false);
    expect(holds("extra != 'brotli'")).toBe(true);
    expect(holds("extra != 'brotli'", 'brotli')).toBe(false);
  });

  it('reads the conflict markers uv writes, which no single value of extra satisfies', () => {
    const marker =
      "(sys_platform == 'linux' and extra == 'group-8-ml-serve-dev' and extra == 'extra-8-ml-serve-cpu') or (extra != 'extra-8-ml-serve-gpu' and extra == 'group-8-ml-serve-dev')";
    expect(holds(marker, 'group-8-ml-serve-dev')).toBe(true);
    expect(holds(marker, 'group-8-ml-serve-dev', 'extra-8-ml-serve-gpu')).toBe(false);
    expect(holds(marker)).toBe(false);
  });

  it('compares names as PEP 685 does, the string on either side', () => {
    expect(holds('"Use_Chardet.On-Py3" == extra', 'use-chardet-on-py3')).toBe(true);
    expect(holds('extra == "HTTP2" and python_version >= "3.11"', 'http2')).toBe(true);
    expect(holds('extra == "http2" and python_version < "3.11"', 'http2')).toBe(false);
  });

  it('leaves a string that only looks like a comparison alone', () => {
    expect(holds(`platform_version == "extra == 'x'"`, 'x')).toBe(false);
  });

  it('throws for a malformed marker, quoting it as written', () => {
    expect(() => holds("extra = 'x'", 'x')).toThrow(`invalid marker "extra = 'x'": unexpected '='`);
    expect(() => holds("group == 'dev'")).toThrow(/unknown variable 'group'/);
  });
});
