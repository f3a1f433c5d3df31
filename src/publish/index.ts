import { type DockerCli, outputTail } from '../adapters/docker.js';
import type { ProcessResult } from '../adapters/process.js';
import { remoteDigest, remoteRawManifest } from '../adapters/registry.js';
import { UserError } from '../errors.js';
import { type BuildResult, builderArgs, reExport } from '../image/index.js';
import type { Credentials } from '../plan/credentials.js';
import { listed } from '../text.js';

export { computeLabels } from './labels.js';
export { type PushDecision, pushDecision } from './policy.js';
export { computeTags, imageName, type TagPlan } from './tags.js';

export interface PushOptions {
  docker: DockerCli;
  /** The buildx builder (input 'builder'); its registry settings read the pushed tags back. */
  builder?: string | null;
  /** For a re-export: the private indexes' credentials, which the build's secret held. */
  credentials?: Credentials;
  attempts?: number;
  backoffMs?: number;
  log?: (message: string) => void;
  /** Called as each tag is confirmed, so a later failure still leaves an exact account. */
  onPushed?: (tag: string, digest: string) => void;
  onOutput?: (chunk: string) => void;
}

export interface Pushed {
  tags: string[];
  /** What the registry serves for the tags: the built index, or the manifest the classic store made. */
  digest: string;
}

/**
 * Pushes the tested image under each tag, retrying with backoff, then reads each tag back: a tag
 * counts as pushed only when the registry serves the image that was smoke-tested (see
 * BuildResult.pushCheck for what that means on each route).
 */
export async function push(
  tags: readonly string[],
  built: BuildResult,
  options: PushOptions,
): Promise<Pushed> {
  const builder = builderArgs(options.builder);
  const pushed: string[] = [];
  let served = built.digest;
  if (built.pushCheck === 'manifests') {
    served = await withRetries(options, 'export of the tested build to the registry', async () => {
      try {
        return { ok: true, value: await reExport(built, options) };
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        return { ok: false, error };
      }
    });
  }
  for (const tag of tags) {
    if (built.pushCheck !== 'manifests') {
      await withRetries(options, `push of ${tag}`, async () => {
        const result = await options.docker.exec(['push', tag]);
        return result.exitCode === 0
          ? { ok: true, value: undefined }
          : {
              ok: false,
              error: new UserError(`push of ${tag} failed`, 'publish', undefined, outputTail(result)),
            };
      });
    }
    served = await checkServed(tag, built, served, options.docker, builder);
    pushed.push(tag);
    options.onPushed?.(tag, served);
  }
  return { tags: pushed, digest: served };
}

/** The digest the registry serves for `tag`, once it is known to hold the tested image; else the step fails. */
async function checkServed(
  tag: string,
  built: BuildResult,
  expected: string,
  docker: DockerCli,
  builder: readonly string[],
): Promise<string> {
  const remote = await remoteDigest(docker, tag, builder);
  const differs = (what: string, result: ProcessResult = remote.result): UserError =>
    new UserError(`${tag} in the registry ${what}`, 'publish', undefined, outputTail(result));
  if (built.pushCheck === 'config') {
    // The classic store pushes the tested image under a manifest it makes now: the same image has
    // the same config (its layers' digests, labels, command), whose digest is the image ID.
    const manifest = await remoteRawManifest(docker, tag, builder);
    const config = (manifest?.config as { digest?: unknown } | undefined)?.digest;
    if (!remote.digest || config !== built.imageId) {
      throw differs(
        `holds the image ${typeof config === 'string' ? config : '(unreadable)'}, not the tested ${built.imageId ?? '(unknown)'}`,
      );
    }
    return remote.digest;
  }
  if (remote.digest !== expected) {
    throw differs(`has digest ${remote.digest ?? '(unreadable)'}, not the built ${expected}`);
  }
  if (built.pushCheck === 'manifests') {
    const index = await remoteRawManifest(docker, tag, builder);
    const served = platformManifests(index);
    if (served.join(',') !== built.platformManifests.join(',')) {
      throw differs(
        `serves the image manifests ${listed(served) || '(none readable)'}, not the tested ${listed(built.platformManifests)}: the export differs from the tested build`,
      );
    }
  }
  return expected;
}

/** An index's platform manifests, attestations left out, sorted; a lone manifest is its own. */
function platformManifests(index: Record<string, unknown> | null): string[] {
  const manifests = index?.manifests;
  if (!Array.isArray(manifests)) return [];
  return manifests
    .filter(
      (entry: { annotations?: Record<string, string> }) =>
        entry.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest',
    )
    .map((entry: { digest?: unknown }) => String(entry.digest))
    .sort();
}

async function withRetries<T>(
  options: PushOptions,
  what: string,
  attempt: () => Promise<{ ok: true; value: T } | { ok: false; error: UserError }>,
): Promise<T> {
  const attempts = options.attempts ?? 3;
  for (let count = 1; ; count++) {
    const outcome = await attempt();
    if (outcome.ok) return outcome.value;
    if (count >= attempts) {
      throw new UserError(
        `${what} failed after ${attempts} attempts`,
        'publish',
        undefined,
        outcome.error.detail,
      );
    }
    const wait = (options.backoffMs ?? 2000) * 2 ** (count - 1);
    options.log?.(`${what} failed (attempt ${count}/${attempts}); retrying in ${wait / 1000}s`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
