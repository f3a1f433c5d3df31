import { describe, expect, it } from 'vitest';
import { memoryReader } from '../../../src/project/reader.js';
import { parseRequirementsFile, type RequirementsFile } from '../../../src/python/requirements.js';
import { userError } from '../helpers.js';

const MAIN = 'requirements.txt';

function parse(tree: Record<string, string>, path = MAIN): RequirementsFile {
  return parseRequirementsFile(memoryReader(tree), path);
}

/** The text of one requirements.txt, parsed alone. */
function parseText(text: string): RequirementsFile {
  return parse({ [MAIN]: text });
}

/** name -> line, the shortest way to say which requirements came from where. */
function lines(file: RequirementsFile, which: 'requirements' | 'constraints' = 'requirements') {
  return file[which].map((requirement) => [
    requirement.name,
    requirement.source.file,
    requirement.source.line,
  ]);
}

describe('parseRequirementsFile: the requirement lines', () => {
  it('reads one requirement per line with its file and 1-based line', () => {
    const file = parseText('numpy==1.26.4\npandas>=2\n');
    expect(file).toEqual({
      requirements: [
        {
          name: 'numpy',
          extras: [],
          specifier: '==1.26.4',
          marker: null,
          url: null,
          hashes: [],
          source: { file: MAIN, line: 1 },
        },
        {
          name: 'pandas',
          extras: [],
          specifier: '>=2',
          marker: null,
          url: null,
          hashes: [],
          source: { file: MAIN, line: 2 },
        },
      ],
      files: [MAIN],
      indexUrl: null,
      extraIndexUrls: [],
      findLinks: [],
      constraints: [],
    });
  });

  it('returns an empty result for an empty file', () => {
    expect(parseText('')).toMatchObject({ requirements: [], constraints: [], files: [MAIN] });
  });

  it('skips blank lines, whitespace-only lines and full-line comments, keeping physical line numbers', () => {
    const file = parseText('# header\n\n   \n\t# indented comment\nnumpy\n\n# trailing\nscipy\n');
    expect(lines(file)).toEqual([
      ['numpy', MAIN, 5],
      ['scipy', MAIN, 8],
    ]);
  });

  it('strips a trailing comment that follows whitespace', () => {
    const [numpy] = parseText('numpy==1.26.4  # pinned for the model\n').requirements;
    expect(numpy).toMatchObject({ name: 'numpy', specifier: '==1.26.4' });
  });

  it("keeps a '#' that does not follow whitespace (a URL fragment)", () => {
    const [pkg] = parseText('pkg @ https://example.com/pkg-1.0.whl#sha256=abc\n').requirements;
    expect(pkg?.url).toBe('https://example.com/pkg-1.0.whl#sha256=abc');
  });

  it('accepts CRLF line endings and a missing final newline', () => {
    expect(lines(parseText('numpy\r\n# c\r\nscipy'))).toEqual([
      ['numpy', MAIN, 1],
      ['scipy', MAIN, 3],
    ]);
  });

  it('normalizes names (PEP 503) and extras', () => {
    const [requirement] = parseText('Scikit_Learn[Alldeps, EXTRA_two]==1.6.1\n').requirements;
    expect(requirement).toMatchObject({ name: 'scikit-learn', extras: ['alldeps', 'extra-two'] });
  });

  it('keeps environment markers as written', () => {
    const [tomli, pywin] = parseText(
      'tomli>=1.1 ; python_version < "3.11"\npywin32; sys_platform == "win32" and platform_machine == "AMD64"\n',
    ).requirements;
    expect(tomli).toMatchObject({ name: 'tomli', specifier: '>=1.1', marker: 'python_version < "3.11"' });
    expect(pywin).toMatchObject({
      name: 'pywin32',
      specifier: '',
      marker: 'sys_platform == "win32" and platform_machine == "AMD64"',
    });
  });

  it('reads a direct URL requirement', () => {
    const [pkg] = parseText('mypkg @ https://example.com/mypkg-1.0-py3-none-any.whl\n').requirements;
    expect(pkg).toMatchObject({
      name: 'mypkg',
      specifier: '',
      url: 'https://example.com/mypkg-1.0-py3-none-any.whl',
    });
  });

  it.each([
    ['torch==2.3.1+cu121', 'torch', '==2.3.1+cu121'],
    ['torch == 2.3.1+cpu', 'torch', '==2.3.1+cpu'],
    ['numpy >= 1.0 , < 2', 'numpy', '>=1.0,<2'],
    ['requests~=2.31.0', 'requests', '~=2.31.0'],
    ['jax[cuda12]==0.4.30', 'jax', '==0.4.30'],
  ])('specifier of %s', (line, name, specifier) => {
    expect(parseText(`${line}\n`).requirements[0]).toMatchObject({ name, specifier });
  });
});

describe('parseRequirementsFile: backslash continuations', () => {
  it('joins continued lines and numbers them by their first physical line', () => {
    const file = parseText('# comment\nnumpy\\\n==1.26.4\nscipy \\\n  >=1.11 \\\n  ,<2\nrequests\n');
    expect(file.requirements.map((r) => [r.name, r.specifier, r.source.line])).toEqual([
      ['numpy', '==1.26.4', 2],
      ['scipy', '>=1.11,<2', 4],
      ['requests', '', 7],
    ]);
  });

  it('drops the newline itself, as pip does, so a name can be split across lines', () => {
    const file = parseText('scikit-\\\nlearn==1.6.1\n');
    expect(file.requirements.map((r) => [r.name, r.specifier])).toEqual([['scikit-learn', '==1.6.1']]);
  });

  it('collects --hash values, also from continuation lines', () => {
    const sha1 = 'a'.repeat(64);
    const sha2 = '0123456789abcdef'.repeat(4);
    const file = parseText(
      [
        `numpy==1.26.4 --hash=sha256:${sha1}`,
        'scipy==1.13.0 \\',
        `    --hash=sha256:${sha1} \\`,
        `    --hash sha256:${sha2}`,
        'pandas==2.2.2',
        '',
      ].join('\n'),
    );
    expect(file.requirements.map((r) => [r.name, r.specifier, r.hashes, r.source.line])).toEqual([
      ['numpy', '==1.26.4', [`sha256:${sha1}`], 1],
      ['scipy', '==1.13.0', [`sha256:${sha1}`, `sha256:${sha2}`], 2],
      ['pandas', '==2.2.2', [], 5],
    ]);
  });

  it('collects hashes on a requirement that also has a marker', () => {
    const [requirement] = parseText(
      `tomli==2.0.1 ; python_version < "3.11" \\\n    --hash=sha256:${'f'.repeat(64)}\n`,
    ).requirements;
    expect(requirement).toMatchObject({
      name: 'tomli',
      marker: 'python_version < "3.11"',
      hashes: [`sha256:${'f'.repeat(64)}`],
    });
  });

  it('continues an option line too', () => {
    const file = parse({ [MAIN]: '-r \\\n  other.txt\n', 'other.txt': 'numpy\n' });
    expect(lines(file)).toEqual([['numpy', 'other.txt', 1]]);
  });

  it('continues across a comment-only line, which adds nothing', () => {
    expect(lines(parseText('numpy \\\n# nothing here\nscipy\n'))).toEqual([
      ['numpy', MAIN, 1],
      ['scipy', MAIN, 3],
    ]);
  });

  it.each([
    ['a final line', 'numpy\nscipy \\', 2, 7],
    ['a final line followed by the newline', 'numpy\nscipy \\\n', 2, 7],
    ['a final line with CRLF', 'numpy\r\nscipy \\\r\n', 2, 7],
    ['the only line', 'numpy\\', 1, 6],
  ])('rejects a continuation on %s', (_case, text, line, column) => {
    const error = userError(() => parseText(text));
    expect(error.message).toBe('line continuation at the end of the file');
    expect(error.phase).toBe('detect');
    expect(error.source).toEqual({ file: MAIN, line, column });
  });

  it('reports an unterminated continuation in an included file against that file', () => {
    const error = userError(() => parse({ [MAIN]: '-r sub/more.txt\n', 'sub/more.txt': 'numpy \\\n' }));
    expect(error.source).toMatchObject({ file: 'sub/more.txt', line: 1 });
  });
});

describe('parseRequirementsFile: includes and constraints', () => {
  it('reads -r and --requirement relative to the including file, in order', () => {
    const file = parse({
      [MAIN]: 'numpy\n-r reqs/base.txt\n--requirement reqs/dev.txt\nscipy\n',
      'reqs/base.txt': 'pandas\n-r ../shared.txt\n-r ./nested/extra.txt\n',
      'reqs/dev.txt': 'pytest\n',
      'reqs/nested/extra.txt': 'rich\n',
      'shared.txt': 'pyyaml\n',
    });
    expect(lines(file)).toEqual([
      ['numpy', MAIN, 1],
      ['pandas', 'reqs/base.txt', 1],
      ['pyyaml', 'shared.txt', 1],
      ['rich', 'reqs/nested/extra.txt', 1],
      ['pytest', 'reqs/dev.txt', 1],
      ['scipy', MAIN, 4],
    ]);
    expect(file.files).toEqual([
      MAIN,
      'reqs/base.txt',
      'shared.txt',
      'reqs/nested/extra.txt',
      'reqs/dev.txt',
    ]);
  });

  it.each([
    ['-rother.txt'],
    ['-r other.txt'],
    ['--requirement other.txt'],
    ['--requirement=other.txt'],
    ['--requirement = other.txt'],
    ['-r other.txt  # with a comment'],
  ])('accepts the include spelling %s', (line) => {
    expect(lines(parse({ [MAIN]: `${line}\n`, 'other.txt': 'numpy\n' }))).toEqual([
      ['numpy', 'other.txt', 1],
    ]);
  });

  it('sends -c and --constraint lines to constraints, including what a constraints file includes', () => {
    const file = parse({
      [MAIN]: 'numpy\n-c constraints.txt\n--constraint=more/pins.txt\n',
      'constraints.txt': 'numpy<2\n-r nested.txt\n',
      'nested.txt': 'scipy==1.13.0\n',
      'more/pins.txt': 'pandas==2.2.2\n',
    });
    expect(lines(file)).toEqual([['numpy', MAIN, 1]]);
    expect(lines(file, 'constraints')).toEqual([
      ['numpy', 'constraints.txt', 1],
      ['scipy', 'nested.txt', 1],
      ['pandas', 'more/pins.txt', 1],
    ]);
    expect(file.files).toEqual([MAIN, 'constraints.txt', 'nested.txt', 'more/pins.txt']);
  });

  it('reads a file included twice (not a cycle) once: pip would only repeat its requirements', () => {
    const file = parse({
      [MAIN]: '-r a.txt\n-r b.txt\n',
      'a.txt': '-r common.txt\n',
      'b.txt': '-r common.txt\n',
      'common.txt': 'numpy\n',
    });
    expect(lines(file)).toEqual([['numpy', 'common.txt', 1]]);
    expect(file.files).toEqual([MAIN, 'a.txt', 'common.txt', 'b.txt']);
  });

  it('starts from a top file that is not at the root', () => {
    const file = parse(
      { 'svc/requirements.txt': '-r ../base.txt\nflask\n', 'base.txt': 'numpy\n' },
      'svc/requirements.txt',
    );
    expect(lines(file)).toEqual([
      ['numpy', 'base.txt', 1],
      ['flask', 'svc/requirements.txt', 2],
    ]);
  });

  it('rejects an include cycle, showing the chain, at the including line', () => {
    const error = userError(() =>
      parse({
        [MAIN]: 'numpy\n-r a.txt\n',
        'a.txt': '# a\n-r sub/b.txt\n',
        'sub/b.txt': 'scipy\n\n-r ../a.txt\n',
      }),
    );
    expect(error.phase).toBe('detect');
    expect(error.message).toBe('include cycle: requirements.txt -> a.txt -> sub/b.txt -> a.txt');
    expect(error.source).toEqual({ file: 'sub/b.txt', line: 3 });
  });

  it('rejects a file that includes itself', () => {
    const error = userError(() => parseText('numpy\n-r requirements.txt\n'));
    expect(error.message).toBe('include cycle: requirements.txt -> requirements.txt');
    expect(error.source).toEqual({ file: MAIN, line: 2 });
  });

  it('rejects a cycle through a constraints file', () => {
    const error = userError(() => parse({ [MAIN]: '-c c.txt\n', 'c.txt': '-r requirements.txt\n' }));
    expect(error.message).toBe('include cycle: requirements.txt -> c.txt -> requirements.txt');
  });

  it('rejects a missing include at the including line', () => {
    const error = userError(() => parse({ [MAIN]: 'numpy\n\n-r reqs/missing.txt\n' }));
    expect(error.phase).toBe('detect');
    expect(error.message).toBe("cannot read 'reqs/missing.txt'");
    expect(error.source).toEqual({ file: MAIN, line: 3 });
    expect(error.located).toBe("requirements.txt:3: cannot read 'reqs/missing.txt'");
  });

  it('rejects a missing constraints file at the including line', () => {
    const error = userError(() => parse({ [MAIN]: '-c pins.txt\n' }));
    expect(error.message).toBe("cannot read 'pins.txt'");
    expect(error.source).toEqual({ file: MAIN, line: 1 });
  });

  it('rejects a missing top file, pointing at the file', () => {
    const error = userError(() => parse({}));
    expect(error.message).toBe("cannot read 'requirements.txt'");
    expect(error.source).toEqual({ file: MAIN });
  });

  it.each([['../outside.txt'], ['sub/../../outside.txt'], ['/etc/requirements.txt']])(
    'rejects an include outside the repository: -r %s',
    (target) => {
      const error = userError(() =>
        parse({ [MAIN]: `numpy\n-r ${target}\n`, 'outside.txt': 'x\n', 'etc/requirements.txt': 'y\n' }),
      );
      expect(error.phase).toBe('detect');
      expect(error.message).toBe(`'${target}' is outside the repository`);
      expect(error.source).toEqual({ file: MAIN, line: 2 });
    },
  );

  it('does not mistake names of Object.prototype members for files', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const error = userError(() => parseText(`-r ${name}\n`));
      expect(error.message).toBe(`cannot read '${name}'`);
    }
  });
});

describe('parseRequirementsFile: options', () => {
  it.each([
    ['-i https://pypi.example/simple'],
    ['--index-url https://pypi.example/simple'],
    ['--index-url=https://pypi.example/simple'],
    ['--index-url = https://pypi.example/simple'],
    ['-ihttps://pypi.example/simple'],
  ])('reads the index URL from %s', (line) => {
    const file = parseText(`numpy\n${line}\n`);
    expect(file.indexUrl).toEqual({ url: 'https://pypi.example/simple', source: { file: MAIN, line: 2 } });
    expect(lines(file)).toEqual([['numpy', MAIN, 1]]);
  });

  it('keeps the last index URL, from whichever file set it', () => {
    const file = parse({
      [MAIN]: '-i https://first.example/simple\n-r other.txt\n',
      'other.txt': '--index-url=https://second.example/simple\n',
    });
    expect(file.indexUrl).toEqual({
      url: 'https://second.example/simple',
      source: { file: 'other.txt', line: 1 },
    });
  });

  it('collects --extra-index-url and --find-links / -f in order', () => {
    const file = parseText(
      [
        '--extra-index-url https://download.pytorch.org/whl/cpu',
        '--extra-index-url=https://extra.example/simple',
        '--find-links https://data.example/wheels/',
        '-f ./wheels',
        '--find-links=https://other.example/',
        'torch',
      ].join('\n'),
    );
    expect(file.extraIndexUrls).toEqual([
      { url: 'https://download.pytorch.org/whl/cpu', source: { file: MAIN, line: 1 } },
      { url: 'https://extra.example/simple', source: { file: MAIN, line: 2 } },
    ]);
    expect(file.findLinks).toEqual([
      { url: 'https://data.example/wheels/', source: { file: MAIN, line: 3 } },
      { url: './wheels', source: { file: MAIN, line: 4 } },
      { url: 'https://other.example/', source: { file: MAIN, line: 5 } },
    ]);
    expect(file.indexUrl).toBeNull();
    expect(lines(file)).toEqual([['torch', MAIN, 6]]);
  });

  it.each([
    ['--no-index'],
    ['--pre'],
    ['--prefer-binary'],
    ['--only-binary :all:'],
    ['--only-binary=:all:'],
    ['--no-binary numpy'],
    ['--trusted-host pypi.example'],
    ['--use-feature=truststore'],
    ['--require-hashes'],
  ])('ignores the install-time option %s', (line) => {
    const file = parseText(`${line}\nnumpy\n`);
    expect(lines(file)).toEqual([['numpy', MAIN, 2]]);
    expect(file.indexUrl).toBeNull();
  });

  it.each([
    ['-r'],
    ['--requirement'],
    ['-c'],
    ['-i'],
    ['--index-url'],
    ['--index-url='],
    ['--extra-index-url'],
    ['-f'],
    ['--find-links'],
  ])('rejects %s without a value', (option) => {
    const error = userError(() => parseText(`numpy\n${option}\n`));
    expect(error.phase).toBe('detect');
    expect(error.message).toBe(`option ${option.replace(/=$/, '')} needs a value`);
    expect(error.source).toEqual({ file: MAIN, line: 2 });
  });

  it.each([
    ['--upgrade', '--upgrade'],
    ['-x foo', '-x'],
    ['--hash=sha256:abc', '--hash'],
    ['--Index-Url https://x', '--Index-Url https://x'],
    ['-', '-'],
    ['--', '--'],
  ])('rejects the unknown option in %s', (line, option) => {
    const error = userError(() => parseText(`numpy\n\n${line}\n`));
    expect(error.phase).toBe('detect');
    expect(error.message).toBe(`unknown requirements option '${option}'`);
    expect(error.source).toEqual({ file: MAIN, line: 3 });
  });

  it.each([
    ['-e .', '.'],
    ['-e git+https://github.com/org/repo.git#egg=repo', 'git+https://github.com/org/repo.git#egg=repo'],
    ['--editable ./lib', './lib'],
    ['--editable=./lib', './lib'],
  ])('rejects the editable requirement %s', (line, target) => {
    const error = userError(() => parseText(`numpy\n${line}\n`));
    expect(error.phase).toBe('detect');
    expect(error.message).toBe(
      `editable requirement '${target}' cannot be locked; install the project itself instead`,
    );
    expect(error.source).toEqual({ file: MAIN, line: 2 });
  });
});

describe('parseRequirementsFile: invalid requirement lines', () => {
  it.each([
    ['numpy>>1', 2, 6, "invalid version specifier '>>1' for numpy: '>1' is not a PEP 440 version"],
    ['numpy >>1', 2, 7, "invalid version specifier '>>1' for numpy: '>1' is not a PEP 440 version"],
    ['pkg[extra', 2, 4, "unclosed '[' in 'pkg[extra'"],
    ['pkg @', 2, 5, "'pkg @' has '@' but no URL"],
    ['./local/pkg', 2, 1, "'./local/pkg' is not a requirement (expected a package name)"],
    [
      'numpy==1.0 --hash=md5',
      2,
      12,
      "invalid version specifier '==1.0 --hash=md5' for numpy: expected ',' between version specifiers, or ';' before a marker, at '--hash=md5'",
    ],
  ])('%s', (line, lineNumber, column, message) => {
    const error = userError(() => parseText(`scipy\n${line}\n`));
    expect(error.phase).toBe('detect');
    expect(error.message).toBe(message);
    expect(error.source).toEqual({ file: MAIN, line: lineNumber, column });
    expect(error.located).toBe(`${MAIN}:${lineNumber}:${column}: ${message}`);
  });

  it('reports an invalid line of an included file against that file', () => {
    const error = userError(() => parse({ [MAIN]: 'numpy\n-r sub/x.txt\n', 'sub/x.txt': '\n\nnumpy>>1\n' }));
    expect(error.source).toEqual({ file: 'sub/x.txt', line: 3, column: 6 });
  });

  it('reports an invalid continued line at its first physical line', () => {
    const error = userError(() => parseText('scipy\nnumpy \\\n  >>1\n'));
    expect(error.source).toMatchObject({ file: MAIN, line: 2 });
  });
});

describe('parseRequirementsFile: bare URLs, as pip takes them', () => {
  it.each([
    ['git+https://github.com/openai/CLIP.git#egg=clip', 'clip'],
    ['git+https://github.com/facebookresearch/segment-anything.git', 'segment-anything'],
    ['https://download.pytorch.org/whl/cu118/torch-2.0.1%2Bcu118-cp311-cp311-linux_x86_64.whl', 'torch'],
    ['git+https://github.com/huggingface/transformers@v4.40.0 ; python_version >= "3.9"', 'transformers'],
  ])('%s installs %s', (line, name) => {
    const [requirement] = parseText(`${line}\n`).requirements;
    expect(requirement?.name).toBe(name);
    expect(requirement?.url).toBe(line.split(' ;')[0]);
  });

  it('asks for a name when the URL does not give one', () => {
    const error = userError(() => parseText('numpy\nhttps://example.com/download?id=42\n'));
    expect(error.located).toBe(
      "requirements.txt:2: cannot tell which package 'https://example.com/download?id=42' installs: add '#egg=NAME' or write 'NAME @ https://example.com/download?id=42'",
    );
  });
});
