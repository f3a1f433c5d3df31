import { readFileSync } from 'node:fs';
import { detect, memoryReader } from '../../src/detect/index.js';
import type { EnvironmentSpec } from '../../src/detect/spec.js';
import { isUserError, type UserError } from '../../src/errors.js';
import { type Inputs, parseInputs } from '../../src/inputs.js';
import { type Lock, lockFromReport, type PipReport } from '../../src/lock/report.js';
import { plan } from '../../src/plan/index.js';
import type { BuildPlan } from '../../src/plan/types.js';

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
  first.base.digest ??= BASE_DIGEST;
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
