import { isPullRequestEvent, type RunContext } from '../context.js';

/**
 * What this run may hand to code it did not write, and keep for runs that trust it. A pull request
 * from a fork chooses every byte it builds: its requirements may run build scripts in the resolver
 * and in BuildKit, and its model files run code in the smoke test. Under `pull_request_target` the
 * run writes to the base branch's caches, which a release then reads.
 */
export interface TrustPolicy {
  /** Why no cache entry (buildx cache-to, the Actions cache) is written; null when they are. */
  cacheWithheld: string | null;
  /** Why index credentials and the GitHub token stay away from the resolver and the build; null when they do not. */
  credentialsWithheld: string | null;
}

export const ALLOW_FORK_CREDENTIALS = 'allow-fork-credentials';

export function trustPolicy(context: RunContext, options: { allowForkCredentials: boolean }): TrustPolicy {
  const pullRequest = isPullRequestEvent(context);
  // A payload that names no head repository (or a deleted fork) counts as a fork: a missing fact
  // must not make the run more trusting.
  const fromFork = pullRequest && (context.pullRequest?.fromFork ?? true);
  const name = context.pullRequest ? `pull request #${context.pullRequest.number}` : 'the pull request';
  const forkWhy = `${name} comes from a fork`;
  return {
    cacheWithheld: fromFork
      ? forkWhy
      : context.eventName === 'pull_request_target'
        ? `${context.eventName} would write the base branch's caches`
        : null,
    credentialsWithheld: fromFork && !options.allowForkCredentials ? forkWhy : null,
  };
}
