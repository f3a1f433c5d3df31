import { createHash } from 'node:crypto';

/**
 * What a resolve's answer depends on: the docker arguments (the base pinned by digest, platform,
 * network, indexes, the requirement lines and resolve.py itself), the project files pip reads, and
 * the UTC day. An index keeps publishing releases, so a resolved lock is reused only on the day it
 * was resolved: a new day resolves again and picks up what was released since.
 */
export function lockCacheKey(resolverArgs: readonly string[], projectInput: string, now: Date): string {
  const day = now.toISOString().slice(0, 10);
  const digest = createHash('sha256')
    .update(JSON.stringify({ version: 1, resolverArgs, projectInput }))
    .digest('hex');
  return `${day}-${digest}`;
}
