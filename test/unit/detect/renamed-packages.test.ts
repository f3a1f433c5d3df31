import { describe, expect, it } from 'vitest';
import { renamedPackages } from '../../../src/data/compat.js';
import { detectAccelerator, detectFrameworks, renamedWarnings } from '../../../src/detect/frameworks.js';
import { detect } from '../../../src/detect/index.js';
import { memoryReader } from '../../../src/project/reader.js';
import { parseRequirementsFile } from '../../../src/python/requirements.js';
import type { LockedPackage } from '../../../src/python/types.js';

const requirementsOf = (text: string) =>
  parseRequirementsFile(memoryReader({ 'requirements.txt': text }), 'requirements.txt').requirements;

function lockOf(versions: Record<string, string>): Map<string, LockedPackage> {
  return new Map(
    Object.entries(versions).map(([name, version]) => [
      name,
      { name, version, hashes: [], marker: null, source: { file: 'Pipfile.lock' } },
    ]),
  );
}

describe('deprecated and placeholder names report the framework they install', () => {
  it('reports sklearn as scikit-learn, with the version the lock has for scikit-learn', () => {
    expect(detectFrameworks(requirementsOf('numpy\nsklearn\n'), lockOf({ 'scikit-learn': '1.1.2' }))).toEqual(
      [
        {
          name: 'scikit-learn',
          importName: 'sklearn',
          spec: '',
          locked: '1.1.2',
          source: 'requirements.txt:2',
        },
      ],
    );
  });

  it("never takes the alias's own version (sklearn 0.0) for the framework's", () => {
    const locked = lockOf({ sklearn: '0.0', 'scikit-learn': '1.1.2' });
    expect(detectFrameworks(requirementsOf('sklearn==0.0\n'), locked)[0]).toMatchObject({
      name: 'scikit-learn',
      spec: '==0.0',
      locked: '1.1.2',
    });
    expect(detectFrameworks(requirementsOf('sklearn==0.0\n'))[0]?.locked).toBeNull();
  });

  it('reports pytorch, whose PyPI project refuses to install, as torch (gpu-optional, as torch is)', () => {
    const frameworks = detectFrameworks(requirementsOf('PyTorch>=1.0\n'));
    expect(frameworks).toEqual([
      { name: 'torch', importName: 'torch', spec: '>=1.0', locked: null, source: 'requirements.txt:1' },
    ]);
    expect(detectAccelerator(frameworks, false)).toBe('gpu-optional');
  });

  it('keeps tensorflow-gpu, a complete TensorFlow build up to 2.11, under its own name and version', () => {
    const frameworks = detectFrameworks(requirementsOf('tensorflow-gpu==2.10.0\n'));
    expect(frameworks).toEqual([
      {
        name: 'tensorflow-gpu',
        importName: 'tensorflow',
        spec: '==2.10.0',
        locked: '2.10.0',
        source: 'requirements.txt:1',
      },
    ]);
    expect(detectAccelerator(frameworks, false)).toBe('gpu-optional');
  });

  it('lists a framework named both ways once, at its first line', () => {
    const frameworks = detectFrameworks(
      requirementsOf('sklearn\nscikit-learn==1.6.1\n'),
      lockOf({ 'scikit-learn': '1.6.1' }),
    );
    expect(frameworks).toEqual([
      expect.objectContaining({ name: 'scikit-learn', locked: '1.6.1', source: 'requirements.txt:1' }),
    ]);
  });
});

describe('renamedWarnings', () => {
  it('warns at the line of each deprecated name, saying what to write and where that is said', () => {
    expect(
      renamedWarnings(requirementsOf('sklearn\nnumpy\ntensorflow-gpu==2.10.0\ntf-nightly-gpu\n')),
    ).toEqual([
      {
        message: expect.stringMatching(
          /^sklearn is the deprecated name of scikit-learn: .*https:\/\/github\.com\/scikit-learn\/sklearn-pypi-package/,
        ),
        source: 'requirements.txt:1',
      },
      {
        message: expect.stringMatching(
          /^tensorflow-gpu is the deprecated name of tensorflow: .*tensorflow\[and-cuda\]/,
        ),
        source: 'requirements.txt:3',
      },
      {
        message: expect.stringMatching(/^tf-nightly-gpu is the deprecated name of tf-nightly: /),
        source: 'requirements.txt:4',
      },
    ]);
  });

  it('says nothing of current names', () => {
    expect(renamedWarnings(requirementsOf('scikit-learn\ntorch\ntensorflow[and-cuda]\n'))).toEqual([]);
  });

  it('covers every row of the table', () => {
    const warnings = renamedWarnings(requirementsOf(renamedPackages.map((row) => `${row.name}\n`).join('')));
    expect(warnings.map((warning) => warning.message.split(' ')[0])).toEqual(
      renamedPackages.map((row) => row.name),
    );
  });
});

// Shaped after a 2021-era Flask + scikit-learn service locked by pipenv: its Pipfile lists the import
// name, so Pipfile.lock holds the sklearn 0.0 metapackage and the scikit-learn it pulled in. Hashes
// are the real ones of sklearn-0.0.tar.gz, scikit-learn-1.1.2.tar.gz and threadpoolctl 2.1.0; the
// other dependencies (numpy, scipy, joblib) are left out.
const PIPFILE = `[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
sklearn = "*"

[dev-packages]

[requires]
python_version = "3.10"
`;

const PIPFILE_LOCK = `{
    "_meta": {
        "hash": {
            "sha256": "5d4b7d1b8c5f6bb0b6d0a1e3f1f6f4c3fa3ea4f4b0b5a7e0c3f2f1e0d9c8b7a6"
        },
        "pipfile-spec": 6,
        "requires": {
            "python_version": "3.10"
        },
        "sources": [
            {
                "name": "pypi",
                "url": "https://pypi.org/simple",
                "verify_ssl": true
            }
        ]
    },
    "default": {
        "scikit-learn": {
            "hashes": [
                "sha256:7c22d1305b16f08d57751a4ea36071e2215efb4c09cb79183faa4e8e82a3dbf8"
            ],
            "markers": "python_version >= '3.8'",
            "version": "==1.1.2"
        },
        "sklearn": {
            "hashes": [
                "sha256:e23001573aa194b834122d2b9562459bf5ae494a2d59ca6b8aa22c85a44c0e31"
            ],
            "index": "pypi",
            "version": "==0.0"
        },
        "threadpoolctl": {
            "hashes": [
                "sha256:38b74ca20ff3bb42caca8b00055111d74159ee95c4370882bbff2b93d24da725",
                "sha256:ddc57c96a38beb63db45d6c159b5ab07b6bced12c45a1f07b2b92f272aebfa6b"
            ],
            "markers": "python_version >= '3.5'",
            "version": "==2.1.0"
        }
    },
    "develop": {}
}
`;

describe('detect: a Pipfile that lists sklearn, locked by pipenv', () => {
  const spec = detect(
    memoryReader({ Pipfile: PIPFILE, 'Pipfile.lock': PIPFILE_LOCK, 'app.py': 'print(1)\n' }),
  );

  it('reports scikit-learn at the Pipfile line, with the version Pipfile.lock locks for scikit-learn', () => {
    expect(spec.dependencies).toMatchObject({ format: 'pipfile', lockfile: 'Pipfile.lock' });
    expect(spec.frameworks).toEqual([
      { name: 'scikit-learn', importName: 'sklearn', spec: '', locked: '1.1.2', source: 'Pipfile:7' },
    ]);
    expect(spec.accelerator).toBe('cpu');
  });

  it('warns about the name at that line (detect reports it once index.ts passes the requirements)', () => {
    expect(renamedWarnings(spec.dependencies.requirements)).toEqual([
      {
        message: expect.stringMatching(/^sklearn is the deprecated name of scikit-learn/),
        source: 'Pipfile:7',
      },
    ]);
  });
});
