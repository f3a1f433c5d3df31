import { builderArgs, type DockerCli, outputTail } from '../adapters/docker.js';
import type { ProcessResult } from '../adapters/process.js';
import { remoteDigest, remoteRawManifest } from '../adapters/registry.js';
import type { BuildSecret } from '../dockerfile-inputs.js';
import { UserError } from '../errors.js';
import { type BuildResult, isAttestationManifest, reExport } from '../image/index.js';
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
  /** For a re-export: input 'secrets', which the build was given. */
  secrets?: readonly BuildSecret[];
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
  /** The platform image manifests it serves (attestations left out), sorted; empty when nothing was pushed. */
  manifests: string[];
}

/**
 * Pushes the tested image under each tag, retrying with backoff, and counts a tag as pushed only
 * when the registry, read back, serves the image that was smoke-tested (BuildResult.pushCheck says
 * what that means on each route). A builder outside the engine's store exports its build by digest
 * first, and the tags are written only once that digest is seen to hold the tested manifests.
 */
export async function push(
  tags: readonly string[],
  built: BuildResult,
  options: PushOptions,
): Promise<Pushed> {
  const builder = options.builder ?? null;
  if (built.pushCheck === 'manifests') return pushArchiveRoute(tags, built, options);
  const pushed: string[] = [];
  let served = built.digest;
  for (const tag of tags) {
    await withRetries(options, `push of ${tag}`, () =>
      commandOrFail(options.docker, ['push', tag], `push of ${tag} failed`),
    );
    served = await checkStorePush(tag, built, options.docker, builder);
    pushed.push(tag);
    options.onPushed?.(tag, served);
  }
  const [first] = pushed;
  // Read once the tags hold it: the image manifest a rebuild of this commit must match. The classic
  // store's push is that manifest itself, already read back by checkStorePush.
  const manifests = !first
    ? []
    : built.pushCheck === 'config'
      ? [served]
      : platformManifests(
          await remoteRawManifest(options.docker, atDigest(first, served), builder),
          atDigest(first, served),
        );
  return { tags: pushed, digest: served, manifests };
}

/** What the engine's store pushed under `tag`, read back: the built index, or a manifest holding the tested config. */
async function checkStorePush(
  tag: string,
  built: BuildResult,
  docker: DockerCli,
  builder: string | null,
): Promise<string> {
  const remote = await remoteDigest(docker, tag, builder);
  if (built.pushCheck === 'index') {
    if (remote.digest !== built.digest) {
      throw differs(
        tag,
        `has digest ${remote.digest ?? '(unreadable)'}, not the built ${built.digest}`,
        remote.result,
      );
    }
    return built.digest;
  }
  // The classic store pushes the tested image under a manifest it makes now: the same image has the
  // same config (its layers' digests, labels, command), whose digest is the image ID. The manifest
  // is read by the digest just read, so a tag moved in between cannot pass for it.
  const manifest = remote.digest
    ? await remoteRawManifest(docker, atDigest(tag, remote.digest), builder)
    : null;
  const config = (manifest?.config as { digest?: unknown } | undefined)?.digest;
  if (!remote.digest || !built.imageId || config !== built.imageId) {
    throw differs(
      tag,
      `holds the image ${typeof config === 'string' ? config : '(unreadable)'}, not the tested ${built.imageId ?? '(unknown)'}`,
      remote.result,
    );
  }
  return remote.digest;
}

async function pushArchiveRoute(
  tags: readonly string[],
  built: BuildResult,
  options: PushOptions,
): Promise<Pushed> {
  const builder = options.builder ?? null;
  const [first] = tags;
  if (!first) return { tags: [], digest: built.digest, manifests: [] };
  if (built.platformManifests.length === 0) {
    throw new UserError('the tested archive named no image manifest to compare the registry with', 'publish');
  }
  const repository = repositoryOf(first);
  const digest = await withRetries(options, `export of the tested build to ${repository}`, () =>
    reExport(built, repository, options),
  );
  // Untagged so far: nothing under a tag until the export is seen to be the tested build.
  await checkManifests(atDigest(first, digest), built, options.docker, builder);
  const pushed: string[] = [];
  for (const tag of tags) {
    await withRetries(options, `tagging ${tag}`, () =>
      commandOrFail(
        options.docker,
        ['buildx', 'imagetools', 'create', ...builderArgs(builder), '--tag', tag, `${repository}@${digest}`],
        `tagging ${tag} failed`,
      ),
    );
    const remote = await remoteDigest(options.docker, tag, builder);
    if (remote.digest !== digest) {
      throw differs(
        tag,
        `has digest ${remote.digest ?? '(unreadable)'}, not the exported ${digest}`,
        remote.result,
      );
    }
    pushed.push(tag);
    options.onPushed?.(tag, digest);
  }
  return { tags: pushed, digest, manifests: built.platformManifests };
}

/** The export must serve exactly the tested archive's platform manifests (attestations aside). */
async function checkManifests(
  reference: string,
  built: BuildResult,
  docker: DockerCli,
  builder: string | null,
): Promise<void> {
  const index = await remoteRawManifest(docker, reference, builder);
  const served = platformManifests(index, reference);
  if (served.join(',') !== built.platformManifests.join(',')) {
    throw new UserError(
      `${reference} serves the image manifests ${listed(served) || '(none readable)'}, not the tested ${listed(built.platformManifests)}: the export differs from the tested build, so no tag was written`,
      'publish',
    );
  }
}

/** An index's platform manifests, attestations left out, sorted; a lone manifest is its own (by its reference's digest). */
function platformManifests(index: Record<string, unknown> | null, reference: string): string[] {
  if (!index) return [];
  const manifests = index.manifests;
  if (!Array.isArray(manifests)) return index.config ? [reference.slice(reference.lastIndexOf('@') + 1)] : [];
  return manifests
    .filter((entry: { annotations?: Record<string, string> }) => !isAttestationManifest(entry))
    .map((entry: { digest?: unknown }) => String(entry.digest))
    .filter((digest) => /^sha256:[0-9a-f]{64}$/.test(digest))
    .sort();
}

function differs(tag: string, what: string, result: ProcessResult): UserError {
  return new UserError(`${tag} in the registry ${what}`, 'publish', undefined, outputTail(result));
}

/** `registry/name:tag` → `registry/name`: a tag's repository (the port of a registry host is not a tag). */
export function repositoryOf(reference: string): string {
  const bare = reference.replace(/@sha256:[0-9a-f]{64}$/, '');
  const colon = bare.lastIndexOf(':');
  return colon > bare.lastIndexOf('/') ? bare.slice(0, colon) : bare;
}

function atDigest(reference: string, digest: string): string {
  return `${repositoryOf(reference)}@${digest}`;
}

async function commandOrFail(docker: DockerCli, args: string[], failed: string): Promise<void> {
  const result = await docker.exec(args);
  if (result.exitCode !== 0) throw new UserError(failed, 'publish', undefined, outputTail(result));
}

/** Runs `attempt` until it stops failing with a UserError, backing off between tries; other errors end it at once. */
async function withRetries<T>(options: PushOptions, what: string, attempt: () => Promise<T>): Promise<T> {
  const attempts = options.attempts ?? 3;
  for (let count = 1; ; count++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      if (count >= attempts) {
        throw new UserError(`${what} failed after ${attempts} attempts`, 'publish', undefined, error.detail);
      }
    }
    const wait = (options.backoffMs ?? 2000) * 2 ** (count - 1);
    options.log?.(`${what} failed (attempt ${count}/${attempts}); retrying in ${wait / 1000}s`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
