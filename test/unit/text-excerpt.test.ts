import { describe, expect, it } from 'vitest';
import { excerpt } from '../../src/text.js';

describe('excerpt', () => {
  it('leaves short one-line text as it is', () => {
    expect(excerpt('numpy>=1.0')).toBe('numpy>=1.0');
  });

  it('cuts long text with an ellipsis', () => {
    expect(excerpt('x'.repeat(200))).toBe(`${'x'.repeat(80)}…`);
    expect(excerpt('abcdef', 3)).toBe('abc…');
  });

  it('escapes control characters, a workflow command included, and never cuts an escape in two', () => {
    expect(excerpt('a\n::add-mask::b')).toBe('a\\n::add-mask::b');
    expect(excerpt('ab\u0007', 3)).toBe('ab\\u0007');
    expect(excerpt('ab\u2028cd', 3)).toBe('ab\\u2028…');
  });
});
