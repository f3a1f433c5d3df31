import { readFileSync } from 'node:fs';
import type { RunContext } from '../../src/context.js';
import { detect } from '../../src/detect/index.js';
import type { EnvironmentSpec } from '../../src/detect/spec.js';
import { isUserError, type UserError } from '../../src/errors.js';
import { type Inputs, parseInputs } from '../../src/inputs.js';
import { type Lock, lockFromReport, type PipReport } from '../../src/lock/report.js';
import type { Logger } from '../../src/log.js';
import { plan } from '../../src/plan/index.js';
import type { BuildPlan } from '../../src/plan/types.js';
import { baseOf } from '../../src/plan/types.js';
import { memoryReader } from '../../src/project/reader.js';

/** Inputs as a workflow gives them: every input empty except those named. */
export function inputsWith(values: Record<string, string> = {}): Inputs {
  return parseInputs((name) => values[name] ?? '');
}

export const irisTree = {
  '.python-version': '3.11\n',
  'requirements.txt': '# pinned: the model was pickled by 1.6.1\nscikit-learn==1.6.1\njoblib>=1.3\n',
  'model.joblib': 'binary',
  'predict.py': 'print(1)\n',
};

export function irisSpec(): EnvironmentSpec {
  return detect(memoryReader(irisTree));
}

export const BASE_DIGEST = `sha256:${'b'.repeat(64)}`;

export function irisPlan(values: Record<string, string> = {}): BuildPlan {
  const [first] = plan(irisSpec(), inputsWith(values), { hasDockerignore: false });
  if (!first) throw new Error('no plan');
  baseOf(first).digest ??= BASE_DIGEST;
  return first;
}

/** A pip installation report recorded from a real resolve of examples/sklearn-iris on the test bed. */
export function irisReport(): PipReport {
  return JSON.parse(readFileSync('test/fixtures/lock/pip-report-sklearn-iris.json', 'utf8')) as PipReport;
}

export function irisLock(): Lock {
  return lockFromReport(irisReport(), ['test lock']);
}

/** Runs `action`, expects a UserError, and returns it for closer inspection. */
export function userError(action: () => unknown): UserError {
  try {
    action();
  } catch (error) {
    if (isUserError(error)) return error;
    throw new Error(`expected a UserError, got ${String(error)}`);
  }
  throw new Error('expected a UserError, but nothing was thrown');
}

/** A run on GitHub for acme/iris at one commit: a push to main unless `overrides` say otherwise. */
export function githubRun(overrides: Partial<RunContext> = {}): RunContext {
  return {
    eventName: 'push',
    ref: 'refs/heads/main',
    sha: '0123456789abcdef0123456789abcdef01234567',
    repository: 'acme/iris',
    serverUrl: 'https://github.com',
    pullRequest: null,
    commitTime: '2026-11-20T10:00:00Z',
    ...overrides,
  };
}

/** The run of pull request `number`'s merge commit, from a branch of acme/iris or from a fork. */
export function pullRequestRun(number: number, fromFork: boolean, eventName = 'pull_request'): RunContext {
  return githubRun({ eventName, ref: `refs/pull/${number}/merge`, pullRequest: { number, fromFork } });
}

/** A logger for pipeline tests: groups run inline; info and warning lines are kept where given. */
export function testLogger(kept: { info?: string[]; warning?: string[] } = {}): Logger {
  return {
    group: (_title, body) => body(),
    info: (message) => {
      kept.info?.push(message);
    },
    warning: (message) => {
      kept.warning?.push(message);
    },
    output: () => {},
  };
}
