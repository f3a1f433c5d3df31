// Fixture shaped after realpython/materials' pygame-a-primer/Pipfile.lock (pipfile-spec 6,
// 4-space indented as pipenv writes it): `_meta` with `hash`, `requires.python_version` and
// `sources`, `default` entries with sorted `hashes`, `index`, `markers` and `==` versions, and
// a `develop` section. Added: a second source (the PyTorch CUDA index), a git entry, and the
// marker-only entry some pipenv versions write (seen in public Pipfile.lock diffs).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryReader } from '../../../../src/project/reader.js';
import { readPipfileLock } from '../../../../src/python/lockfiles/pipfile-lock.js';
import { contentNear, readWith, resultOrUserError, userErrorOf } from './helpers.js';

const read = readWith(readPipfileLock, 'Pipfile.lock');

const ATTRS_1 = '69c0dbf2ed392de1cb5ec704444b08a5ef81680a61cb899dc08127123af36a79';
const ATTRS_2 = 'f0b870f674851ecbfbbbd364d6b5cbdff9dcedbc7f3f5e18a6891057f21fe399';
const NUMPY = '96447c762d572a0537d869aac3192f4a399752459cf2116113138643bba5f1c6';
const TORCH = '7e60adc4f78db0eecd3a432532d34bb384c3cae4071b31a526182c8bb8b8744b';

const PIPFILE_LOCK = `{
    "_meta": {
        "hash": {
            "sha256": "c45ee7b9ec13e88a28b707a1050cb4fc17781d818fbb6c3e8bafd35b9ad4c9d0"
        },
        "pipfile-spec": 6,
        "requires": {
            "python_version": "3.11"
        },
        "sources": [
            {
                "name": "pypi",
                "url": "https://pypi.org/simple",
                "verify_ssl": true
            },
            {
                "name": "pytorch",
                "url": "https://download.pytorch.org/whl/cu121",
                "verify_ssl": true
            }
        ]
    },
    "default": {
        "attrs": {
            "hashes": [
                "sha256:${ATTRS_1}",
                "sha256:${ATTRS_2}"
            ],
            "markers": "python_version >= '3.7'",
            "version": "==23.1.0"
        },
        "charset-normalizer": {
            "markers": "python_full_version >= '3.7.0'"
        },
        "mylib": {
            "git": "https://github.com/example/mylib.git",
            "ref": "2b1f9d7c0e8a4d3c5b6a7f8e9d0c1b2a3f4e5d6c"
        },
        "numpy": {
            "hashes": [
                "sha256:${NUMPY.toUpperCase()}"
            ],
            "index": "pypi",
            "version": "==1.26.4"
        },
        "torch": {
            "hashes": [
                "sha256:${TORCH}"
            ],
            "index": "pytorch",
            "version": "==2.3.1+cu121"
        }
    },
    "develop": {
        "pytest": {
            "hashes": [
                "sha256:${ATTRS_2}"
            ],
            "index": "pypi",
            "version": "==8.0.0"
        }
    }
}
`;

describe('readPipfileLock', () => {
  it('reads the default packages with versions, hashes, markers and lines', () => {
    const lock = read(PIPFILE_LOCK);
    expect(lock.format).toBe('pipfile');
    expect(lock.file).toBe('Pipfile.lock');
    expect(lock.packages).toEqual([
      {
        name: 'attrs',
        version: '23.1.0',
        hashes: [`sha256:${ATTRS_1}`, `sha256:${ATTRS_2}`],
        marker: "python_version >= '3.7'",
        source: { file: 'Pipfile.lock', line: 24 },
      },
      {
        name: 'numpy',
        version: '1.26.4',
        hashes: [`sha256:${NUMPY}`],
        marker: null,
        source: { file: 'Pipfile.lock', line: 39 },
      },
      {
        name: 'torch',
        version: '2.3.1+cu121',
        hashes: [`sha256:${TORCH}`],
        marker: null,
        source: { file: 'Pipfile.lock', line: 46 },
      },
    ]);
  });

  it('ignores develop', () => {
    expect(read(PIPFILE_LOCK).packages.map((pkg) => pkg.name)).not.toContain('pytest');
  });

  it('reads requires.python_version as an exact hint and the sources as indexes', () => {
    const lock = read(PIPFILE_LOCK);
    expect(lock.python).toEqual([{ kind: 'exact', text: '3.11', source: { file: 'Pipfile.lock', line: 8 } }]);
    expect(lock.indexes).toEqual([
      { url: 'https://pypi.org/simple', name: 'pypi', source: { file: 'Pipfile.lock', line: 13 } },
      {
        url: 'https://download.pytorch.org/whl/cu121',
        name: 'pytorch',
        source: { file: 'Pipfile.lock', line: 18 },
      },
    ]);
  });

  it('reads python_full_version too', () => {
    const lock = read(
      '{"_meta": {"requires": {"python_full_version": "3.10.14"}}, "default": {}, "develop": {}}',
    );
    expect(lock.python).toEqual([
      { kind: 'exact', text: '3.10.14', source: { file: 'Pipfile.lock', line: 1 } },
    ]);
  });

  it('cites the key inside default, not a same-named key elsewhere', () => {
    const lock = read(
      [
        '{',
        '  "develop": {',
        '    "six": {"version": "==1.0.0"}',
        '  },',
        '  "default": {',
        '    "six": {"version": "==1.17.0"}',
        '  }',
        '}',
      ].join('\n'),
    );
    expect(lock.packages).toEqual([
      { name: 'six', version: '1.17.0', hashes: [], marker: null, source: { file: 'Pipfile.lock', line: 6 } },
    ]);
  });

  it.each([
    [
      '{\n  "default": {\n    "six": {"version": "==1.17.0",}\n  }\n}',
      'invalid JSON: unexpected "}", expected a quoted key',
      3,
      35,
    ],
    [
      '{\n  "default": {\n    "six": {"version": "==1.17.0"}\n',
      "invalid JSON: unexpected end of input, expected ',' or '}'",
      4,
      1,
    ],
    ['{\n  "default": {\n    "six": ', 'invalid JSON: unexpected end of input, expected a value', 3, 12],
    [
      '{\n  "_meta": {\n    "requires": {"python_version": 3.11\n  }\n}',
      "invalid JSON: unexpected end of input, expected ',' or '}'",
      5,
      2,
    ],
    [
      '{"default": {"six": {"version": "==1.\n17"}}}',
      'invalid JSON: unescaped control character in a string',
      1,
      38,
    ],
    ['{"default": {}} x', 'invalid JSON: unexpected "x" after the end of the JSON value', 1, 17],
    ['', 'invalid JSON: unexpected end of input, expected a value', 1, 1],
  ])('reports malformed JSON at its line and column: %j', (content, message, line, column) => {
    const error = userErrorOf(() => read(content));
    expect(error.message).toBe(message);
    expect(error.source).toEqual({ file: 'Pipfile.lock', line, column });
  });

  it('agrees with JSON.parse on what is valid', () => {
    fc.assert(
      fc.property(fc.json(), (json) => {
        expect(() => read(`{"default": {}, "extra": ${json}}`)).not.toThrow();
      }),
      { numRuns: 100 },
    );
  });

  it('reports a missing file', () => {
    const error = userErrorOf(() => readPipfileLock(memoryReader({}), 'Pipfile.lock'));
    expect(error.message).toBe("cannot read 'Pipfile.lock'");
  });

  it.each([
    ['[]', 'Pipfile.lock must hold a JSON object, found an array', 1],
    ['{"default": []}', "Pipfile.lock: 'default' must be an object, found an array", 1],
    ['{\n"default": {\n"six": "==1.17.0"\n}\n}', "package 'six' must be an object, found a string", 3],
    [
      '{\n"default": {\n"six": {"version": 1.17}\n}\n}',
      "package 'six': 'version' must be a string, found a number",
      3,
    ],
    [
      '{\n"default": {\n"six": {"version": "*"}\n}\n}',
      "package 'six': version '*' is not an exact pin ('==1.2.3')",
      3,
    ],
    [`{\n"default": {\n"six": {"hashes": ["sha256:${NUMPY}"]}\n}\n}`, "package 'six' has no 'version'", 3],
    [
      '{\n"default": {\n"six": {"version": "==1", "hashes": ["sha256:00"]}\n}\n}',
      "package 'six': '00' is not a sha256 digest (64 hex digits)",
      3,
    ],
    [
      '{\n"default": {\n"six": {"version": "==1", "hashes": "sha256:00"}\n}\n}',
      "package 'six': 'hashes' must be an array, found a string",
      3,
    ],
    [
      '{\n"default": {\n"six": {"version": "==1", "markers": false}\n}\n}',
      "package 'six': 'markers' must be a string, found a boolean",
      3,
    ],
    [
      '{\n"default": {\n"--six": {"version": "==1"}\n}\n}',
      "package '--six': '--six' is not a valid package name",
      3,
    ],
    ['{\n"_meta": {\n"sources": [{"name": "pypi"}]\n}\n}', "_meta.sources item 1 has no 'url'", 1],
    [
      '{\n"_meta": {\n"requires": {"python_version": 3}\n}\n}',
      "_meta.requires: 'python_version' must be a string, found a number",
      3,
    ],
  ])('rejects wrong types: %j', (content, message, line) => {
    const error = userErrorOf(() => read(content));
    expect(error.message).toBe(message);
    expect(error.source).toEqual({ file: 'Pipfile.lock', line });
  });

  it('returns a LockRead or throws a UserError for any content', () => {
    const tokens = [
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '"default"',
      '"_meta"',
      '"version"',
      '"==1.0"',
      '"hashes"',
      '"sha256:ab"',
      '"markers"',
      '"sources"',
      '"url"',
      '1',
      'null',
      'true',
      '\\',
      '\\u00',
      '\n',
      ' ',
    ];
    fc.assert(
      fc.property(contentNear(PIPFILE_LOCK, tokens), (content) =>
        resultOrUserError(() => read(content), content),
      ),
      { numRuns: 200 },
    );
  });
});
