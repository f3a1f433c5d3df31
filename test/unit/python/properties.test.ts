import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../../../src/errors.js';
import { memoryReader } from '../../../src/project/reader.js';
import { normalizeName, parsePep508 } from '../../../src/python/pep508.js';
import { parseRequirementsFile, type RequirementsFile } from '../../../src/python/requirements.js';

const MAIN = 'requirements.txt';
const RUNS = { numRuns: 300 };

/** A requirements file that uses every feature the parser knows. */
const VALID = [
  '# Production dependencies',
  '--index-url https://pypi.example/simple',
  '--extra-index-url=https://download.pytorch.org/whl/cpu',
  '-f ./wheels',
  '-r base.txt',
  '-c constraints.txt',
  '',
  'Scikit_Learn[alldeps]==1.6.1  # the model was written by this version',
  'torch==2.3.1+cu121 ; sys_platform == "linux"',
  'numpy>=1.26,<2 \\',
  `    --hash=sha256:${'a'.repeat(64)} \\`,
  `    --hash=sha256:${'b'.repeat(64)}`,
  'mypkg @ https://example.com/mypkg-1.0-py3-none-any.whl',
  'requests (~=2.31)',
  '--only-binary :all:',
  '',
].join('\n');

const INCLUDED = { 'base.txt': 'pandas==2.2.2\n', 'constraints.txt': 'numpy<2\n' };

/** Tokens that steer random text towards the parser's interesting paths. */
const TOKENS = [
  'numpy',
  'Scikit_Learn',
  '==',
  '>=',
  '>>',
  '~=',
  '1.0',
  '2.3.1+cu121',
  '.*',
  ',',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '\\',
  '#',
  ' # c',
  '[',
  ']',
  '(',
  ')',
  ';',
  ' ; ',
  'python_version < "3.11"',
  '@',
  ' @ https://example.com/p.whl',
  '-r ',
  '-c ',
  '--requirement=',
  '-e ',
  '-i ',
  '--index-url=',
  '--extra-index-url ',
  '--find-links ',
  '--hash=sha256:',
  'abc123',
  '--pre',
  '--bogus',
  '-',
  '=',
  '..',
  '/',
  '../',
  'base.txt',
  'sub/other.txt',
  MAIN,
  'constructor',
  '__proto__',
];

/** Random requirement-ish text, and also random text from the whole of Unicode. */
const text = fc.oneof(
  fc.string({ unit: fc.constantFrom(...TOKENS), maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
);

/** Either the parse result, or the UserError it threw; any other exception fails the property. */
function outcome(tree: Record<string, string>): RequirementsFile | 'user-error' {
  try {
    return parseRequirementsFile(memoryReader(tree), MAIN);
  } catch (error) {
    if (!isUserError(error)) throw error;
    expect(error.phase).toBe('detect');
    expect(typeof error.source?.file).toBe('string');
    if (error.source?.line !== undefined) expect(error.source.line).toBeGreaterThanOrEqual(1);
    if (error.source?.column !== undefined) expect(error.source.column).toBeGreaterThanOrEqual(1);
    expect(error.located).toContain(error.message);
    return 'user-error';
  }
}

/** What holds of every successful parse. */
function checkResult(tree: Record<string, string>, file: RequirementsFile): void {
  expect(file.files[0]).toBe(MAIN);
  expect(new Set(file.files).size).toBe(file.files.length);
  for (const requirement of [...file.requirements, ...file.constraints]) {
    expect(file.files).toContain(requirement.source.file);
    const physicalLines = (tree[requirement.source.file] ?? '').split(/\r?\n/).length;
    expect(requirement.source.line).toBeGreaterThanOrEqual(1);
    expect(requirement.source.line).toBeLessThanOrEqual(physicalLines);
    expect(requirement.name).toBe(normalizeName(requirement.name));
    expect(requirement.name).not.toBe('');
    for (const extra of requirement.extras) expect(extra).toBe(normalizeName(extra));
    for (const hash of requirement.hashes) expect(hash).toMatch(/^[a-z0-9]+:[a-f0-9]+$/i);
  }
}

function check(tree: Record<string, string>): void {
  const result = outcome(tree);
  if (result !== 'user-error') checkResult(tree, result);
}

describe('parseRequirementsFile never fails except with a UserError', () => {
  it('parses the reference file', () => {
    const file = parseRequirementsFile(memoryReader({ [MAIN]: VALID, ...INCLUDED }), MAIN);
    expect(file.requirements.map((requirement) => requirement.name)).toEqual([
      'pandas',
      'scikit-learn',
      'torch',
      'numpy',
      'mypkg',
      'requests',
    ]);
    expect(file.constraints.map((requirement) => requirement.name)).toEqual(['numpy']);
    checkResult({ [MAIN]: VALID, ...INCLUDED }, file);
  });

  it('on random text', () => {
    fc.assert(
      fc.property(text, (main) => check({ [MAIN]: main })),
      RUNS,
    );
  });

  it('on random text that includes other random files', () => {
    fc.assert(
      fc.property(text, text, text, (main, other, nested) =>
        check({ [MAIN]: main, 'base.txt': other, 'sub/other.txt': nested }),
      ),
      RUNS,
    );
  });

  it('on every truncation of a valid file', () => {
    fc.assert(
      fc.property(fc.nat({ max: VALID.length }), (end) =>
        check({ [MAIN]: VALID.slice(0, end), ...INCLUDED }),
      ),
      RUNS,
    );
  });

  it('on a valid file with a random slice cut out', () => {
    fc.assert(
      fc.property(fc.nat({ max: VALID.length }), fc.nat({ max: VALID.length }), (a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        check({ [MAIN]: VALID.slice(0, from) + VALID.slice(to), ...INCLUDED });
      }),
      RUNS,
    );
  });

  it('on a valid file with random text spliced in', () => {
    fc.assert(
      fc.property(fc.nat({ max: VALID.length }), text, (at, inserted) =>
        check({ [MAIN]: VALID.slice(0, at) + inserted + VALID.slice(at), ...INCLUDED }),
      ),
      RUNS,
    );
  });

  it('keeps every valid line of a truncated file that ends at a line break', () => {
    const breaks = [...VALID.matchAll(/\n/g)].map((match) => match.index);
    fc.assert(
      fc.property(fc.constantFrom(...breaks), (end) => {
        const truncated = VALID.slice(0, end + 1);
        // A cut right after a backslash leaves a continuation at the end of the file.
        if (/\\\n$/.test(truncated)) return;
        const file = parseRequirementsFile(memoryReader({ [MAIN]: truncated, ...INCLUDED }), MAIN);
        checkResult({ [MAIN]: truncated, ...INCLUDED }, file);
      }),
      RUNS,
    );
  });
});

describe('parsePep508 properties', () => {
  const nameArb = fc
    .tuple(
      fc.stringMatching(/^[A-Za-z0-9]$/),
      fc.stringMatching(/^[A-Za-z0-9._-]{0,12}$/),
      fc.stringMatching(/^[A-Za-z0-9]$/),
    )
    .map(([first, middle, last]) => `${first}${middle}${last}`);
  const specArb = fc.constantFrom('', '==1.0', '>=1.2,<2', '~=3.4', '!=0.9', '==2.3.1+cu121', '==1.*', '<5');

  it('never throws, on any text', () => {
    fc.assert(
      fc.property(text, (input) => {
        const result = parsePep508(input);
        if ('error' in result) {
          expect(result.error).not.toBe('');
          expect(result.column).toBeGreaterThanOrEqual(1);
          expect(result.column).toBeLessThanOrEqual(input.length + 1);
        }
      }),
      RUNS,
    );
  });

  it('reads back a generated requirement: normalized name, specifier without spaces, marker', () => {
    fc.assert(
      fc.property(nameArb, specArb, fc.boolean(), (name, specifier, withMarker) => {
        const spaced = specifier.replace(/,/g, ' , ');
        const marker = withMarker ? 'python_version >= "3.9"' : null;
        const result = parsePep508(`${name} ${spaced}${marker ? ` ; ${marker}` : ''}`);
        expect(result).toEqual({ name: normalizeName(name), extras: [], specifier, marker, url: null });
      }),
      RUNS,
    );
  });

  it('normalizeName is idempotent and leaves no runs of separators', () => {
    fc.assert(
      fc.property(nameArb, (name) => {
        const normalized = normalizeName(name);
        expect(normalizeName(normalized)).toBe(normalized);
        expect(normalized).not.toMatch(/[A-Z_.]|--/);
      }),
      RUNS,
    );
  });
});
