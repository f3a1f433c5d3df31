import { type DockerCli, outputTail } from '../adapters/docker.js';
import { remoteDigest } from '../adapters/registry.js';
import { UserError } from '../errors.js';

export { computeLabels } from './labels.js';
export { type PushDecision, pushDecision } from './policy.js';
export { computeTags, imageName, type TagPlan } from './tags.js';

export interface PushOptions {
  docker: DockerCli;
  attempts?: number;
  backoffMs?: number;
  log?: (message: string) => void;
  /** Called as each tag is confirmed, so a later failure still leaves an exact account. */
  onPushed?: (tag: string) => void;
}

/**
 * Pushes each tag, retrying with backoff, then reads each back from the registry: a tag counts as
 * pushed only when the registry serves the digest that was built and smoke-tested.
 */
export async function push(tags: readonly string[], digest: string, options: PushOptions): Promise<string[]> {
  const attempts = options.attempts ?? 3;
  const pushed: string[] = [];
  for (const tag of tags) {
    for (let attempt = 1; ; attempt++) {
      const result = await options.docker.exec(['push', tag]);
      if (result.exitCode === 0) break;
      if (attempt >= attempts) {
        throw new UserError(
          `push of ${tag} failed after ${attempts} attempts`,
          'publish',
          undefined,
          outputTail(result),
        );
      }
      const wait = (options.backoffMs ?? 2000) * 2 ** (attempt - 1);
      options.log?.(`push of ${tag} failed (attempt ${attempt}/${attempts}); retrying in ${wait / 1000}s`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const remote = await remoteDigest(options.docker, tag);
    if (remote.digest !== digest) {
      throw new UserError(
        `${tag} in the registry has digest ${remote.digest ?? '(unreadable)'}, not the built ${digest}`,
        'publish',
        undefined,
        outputTail(remote.result),
      );
    }
    pushed.push(tag);
    options.onPushed?.(tag);
  }
  return pushed;
}
