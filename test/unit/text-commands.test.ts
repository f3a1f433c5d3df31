import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSource } from '../../src/source.js';
import { inertCommands, inertJson, logLine } from '../../src/text.js';
import { runnerCommands } from './workflow-commands.js';

describe('inertCommands', () => {
  it('defuses a leading :: (after blanks) and ##[ anywhere, on every line, and keeps the lines', () => {
    expect(inertCommands('::warning::x')).toBe('\\u003a:warning::x');
    expect(inertCommands(' \u00a0\u0085::add-mask::x')).toBe(' \u00a0\u0085\\u003a:add-mask::x');
    expect(inertCommands('ok ##[error]x and ###[warning]y')).toBe(
      'ok ##\\u005berror]x and ###\\u005bwarning]y',
    );
    expect(inertCommands('a\n::error::b\r::error::c\r\n::error::d')).toBe(
      'a\n\\u003a:error::b\r\\u003a:error::c\r\n\\u003a:error::d',
    );
    expect(inertCommands('plain text: a::b, [x]')).toBe('plain text: a::b, [x]');
  });

  it('escapes invisible characters that could hide a marker from a culture-aware search', () => {
    expect(inertCommands('\u200b::error::x #\u00ad#[warning]')).toBe('\\u200b::error::x #\\u00ad#[warning]');
    expect(inertCommands('tag \u{e0041}')).toBe('tag \\u{e0041}');
  });

  it('leaves no command in any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(runnerCommands(inertCommands(text)).commands).toEqual([]);
        expect(inertCommands(text)).not.toMatch(/\p{Default_Ignorable_Code_Point}/u);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom(':', '#', '[', ' ', '\n', '\r', 'warning', ']', 'x')), (parts) => {
        expect(runnerCommands(inertCommands(parts.join(''))).commands).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('logLine', () => {
  it('is one line that runs no command', () => {
    expect(logLine('m\n::error title=x::injected.joblib')).toBe('m\\n::error title=x::injected.joblib');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const line = logLine(text);
        expect(line.split(/\r\n|\r|\n/)).toHaveLength(1);
        expect(runnerCommands(line).commands).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('inertJson', () => {
  it('is the same JSON value with no command in it', () => {
    const value = { name: 'm ##[warning]x', hidden: '#\u200b#[error]y', '##[key]': ['\u{e0041}'] };
    const json = inertJson(JSON.stringify(value, null, 2));
    expect(json).toContain('"m ##\\u005bwarning]x"');
    expect(JSON.parse(json)).toEqual(value);
    expect(runnerCommands(json).commands).toEqual([]);
    fc.assert(
      fc.property(fc.jsonValue(), (anything) => {
        const text = inertJson(JSON.stringify(anything, null, 2));
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(anything)));
        expect(runnerCommands(text).commands).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('formatSource', () => {
  it('writes a file name with a line break on one line', () => {
    expect(formatSource({ file: 'm\n::error title=x::injected.joblib', line: 3, column: 1 })).toBe(
      'm\\n::error title=x::injected.joblib:3:1',
    );
    expect(formatSource({ file: 'requirements.txt', line: 2 })).toBe('requirements.txt:2');
  });
});
