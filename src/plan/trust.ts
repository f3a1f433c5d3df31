import { forkOrigin, type RunContext } from '../context.js';
import { listed, oneLine } from '../text.js';

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
  const fork = forkOrigin(context);
  return {
    cacheWithheld:
      fork ??
      (context.eventName === 'pull_request_target'
        ? `${context.eventName} would write the base branch's caches`
        : null),
    credentialsWithheld: fork && !options.allowForkCredentials ? fork : null,
  };
}

/** What an untrusted run withholds, said once in the log and the summary's notes. */
export function trustNotes(
  trust: TrustPolicy,
  credentialed: readonly string[],
  wouldWriteCache: boolean,
  withheldSecrets: readonly string[] = [],
): string[] {
  const notes: string[] = [];
  if (trust.cacheWithheld && wouldWriteCache) {
    notes.push(
      `no build cache is written: ${trust.cacheWithheld}, and a trusted run would read what it wrote`,
    );
  }
  if (trust.credentialsWithheld && credentialed.length > 0) {
    notes.push(
      oneLine(
        `credentials for ${listed(credentialed)} withheld from the resolver and the build: ${trust.credentialsWithheld}, whose requirements may run build scripts; set '${ALLOW_FORK_CREDENTIALS}: true' to hand them over`,
      ),
    );
  }
  if (trust.credentialsWithheld && withheldSecrets.length > 0) {
    notes.push(
      oneLine(
        `build secrets ${listed(withheldSecrets.map((id) => `'${id}'`))} withheld from the build: ${trust.credentialsWithheld}, whose Dockerfile chooses what reads them; set '${ALLOW_FORK_CREDENTIALS}: true' to hand them over`,
      ),
    );
  }
  return notes;
}
