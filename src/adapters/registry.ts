import { UserError } from '../errors.js';
import { builderArgs, type DockerCli, outputTail } from './docker.js';
import type { ProcessResult } from './process.js';

export interface RemoteDigest {
  digest: string | null;
  /** The command's output, for an error message when the digest could not be read. */
  result: ProcessResult;
}

/**
 * The digest a registry serves for a reference, read through `buildx imagetools`, which uses the
 * same credentials and registry settings as the build itself.
 */
export async function remoteDigest(
  docker: DockerCli,
  reference: string,
  /** The buildx builder (input 'builder'), so its registry settings apply; null for the current one. */
  builder: string | null = null,
): Promise<RemoteDigest> {
  const result = await imagetoolsInspect(docker, builder, reference, '--format', '{{json .Manifest}}');
  let digest: string | null = null;
  if (result.exitCode === 0) {
    try {
      const parsed = JSON.parse(result.stdout) as { digest?: unknown };
      if (typeof parsed.digest === 'string' && parsed.digest.startsWith('sha256:')) digest = parsed.digest;
    } catch {
      // Not JSON: left null, and the caller reports the output.
    }
  }
  return { digest, result };
}

/**
 * What a registry serves for a reference, as stored: an index lists its manifests, a manifest
 * names its config. null when it cannot be read or parsed.
 */
export async function remoteRawManifest(
  docker: DockerCli,
  reference: string,
  builder: string | null = null,
): Promise<Record<string, unknown> | null> {
  const result = await imagetoolsInspect(docker, builder, reference, '--raw');
  if (result.exitCode !== 0) return null;
  try {
    const parsed: unknown = JSON.parse(result.stdout);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function imagetoolsInspect(
  docker: DockerCli,
  builder: string | null,
  reference: string,
  ...format: string[]
): Promise<ProcessResult> {
  return docker.exec(['buildx', 'imagetools', 'inspect', ...builderArgs(builder), reference, ...format]);
}

/** A base image's digest, for pinning `FROM`; failing to read it stops the plan. */
export async function resolveBaseDigest(
  docker: DockerCli,
  reference: string,
  builder: string | null = null,
): Promise<string> {
  const remote = await remoteDigest(docker, reference, builder);
  if (!remote.digest) {
    throw new UserError(
      `cannot resolve the digest of base image ${reference} from its registry`,
      'plan',
      undefined,
      outputTail(remote.result),
    );
  }
  return remote.digest;
}
