import type { EnvironmentSpec } from '../detect/spec.js';
import { type Credentials, credentialsOf } from './credentials.js';
import type { RunPlan } from './run.js';
import { trustNotes } from './trust.js';

/**
 * The index credentials this run hands the resolver and the build, once detect has found the
 * project's own indexes, and the notes saying what its trust policy withholds.
 */
export function runCredentials(
  run: Pick<RunPlan, 'trust' | 'inputIndexUrls' | 'cache' | 'dockerfileInputs'>,
  spec: EnvironmentSpec,
): { credentials: Credentials; notes: string[] } {
  // The inputs' last: for one index, the workflow's credentials win over those a repository writes.
  const given = credentialsOf([
    spec.dependencies.indexUrl?.url,
    ...spec.dependencies.extraIndexUrls.map((index) => index.url),
    ...run.inputIndexUrls,
  ]);
  return {
    credentials: run.trust.credentialsWithheld ? new Map<string, string>() : given,
    notes: trustNotes(
      run.trust,
      [...given.keys()],
      run.cache.wouldWrite,
      run.dockerfileInputs.withheldSecrets,
    ),
  };
}
