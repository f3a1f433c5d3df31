import { builderArgs } from '../adapters/docker.js';
import type { BuildArg } from '../dockerfile-inputs.js';
import { networkArgs } from '../lock/args.js';
import type { BuildPlan } from '../plan/types.js';
import { GENERATED_CONTEXT, PIP_CONFIG_SECRET } from '../render/dockerfile.js';

export interface BuildRequest {
  contextDir: string;
  generatedDir: string;
  dockerfile: string;
  metadataFile: string;
  tags: string[];
  labels: Record<string, string>;
  provenance: boolean;
  /** The SBOM generator image, pinned by digest; null for no SBOM. */
  sbomGenerator?: string | null;
  /** A file holding pip's configuration with credentials, passed as a BuildKit secret. */
  pipConfigSecret?: string;
  /** The project's own Dockerfile's stage to build (input 'target'). */
  target?: string | null;
  /** Input 'build-args'. */
  buildArgs?: readonly BuildArg[];
  /** Input 'secrets', each written to a private file: a value never reaches an argument. */
  secretFiles?: readonly { id: string; path: string }[];
  /** The commit time, so timestamps in the image are the commit's and two builds match. */
  sourceDateEpoch: number | null;
  /**
   * Reproducible export: an OCI archive with every file time rewritten to SOURCE_DATE_EPOCH,
   * loaded afterwards, since the docker exporter cannot rewrite timestamps while it unpacks.
   * null loads straight into the image store.
   */
  ociArchive: string | null;
  /** With `ociArchive`: rewrite every file time to SOURCE_DATE_EPOCH (default true; false without a commit time). */
  rewriteTimestamp?: boolean;
  /**
   * Export the same build to this registry repository instead, by digest and under no tag, with
   * OCI media types as in the archive: a builder outside the engine's store pushes what it built,
   * attestations included, and tags it only once the registry is seen to serve the tested image.
   * `rewriteTimestamp` as for the archive.
   */
  pushByDigest?: string;
  /** The buildx builder's name (input 'builder'); absent or null for BUILDX_BUILDER or the current one. */
  builder?: string | null;
  cacheFrom?: readonly string[];
  cacheTo?: readonly string[];
}

/** The `docker buildx build` arguments for one plan, built purely so tests can assert them exactly. */
export function buildxArgs(plan: BuildPlan, request: BuildRequest): string[] {
  return [
    'buildx',
    'build',
    ...builderArgs(request.builder),
    '--file',
    request.dockerfile,
    // The project's own Dockerfile has nothing to take from the generated files.
    ...(plan.dockerfile.kind === 'generated'
      ? ['--build-context', `${GENERATED_CONTEXT}=${request.generatedDir}`]
      : []),
    ...(request.target ? ['--target', request.target] : []),
    ...networkArgs(plan.network),
    ...(plan.network === 'host' ? ['--allow', 'network.host'] : []),
    ...(plan.platforms.length > 0 ? ['--platform', plan.platforms.join(',')] : []),
    ...request.tags.flatMap((tag) => ['--tag', tag]),
    ...Object.entries(request.labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    ...(request.pipConfigSecret
      ? ['--secret', `id=${PIP_CONFIG_SECRET},src=${request.pipConfigSecret}`]
      : []),
    ...(request.secretFiles ?? []).flatMap((secret) => ['--secret', `id=${secret.id},src=${secret.path}`]),
    ...(request.buildArgs ?? []).flatMap((arg) => ['--build-arg', `${arg.name}=${arg.value}`]),
    ...(request.sourceDateEpoch === null
      ? []
      : ['--build-arg', `SOURCE_DATE_EPOCH=${request.sourceDateEpoch}`]),
    ...(request.cacheFrom ?? []).flatMap((source) => ['--cache-from', source]),
    ...(request.cacheTo ?? []).flatMap((destination) => ['--cache-to', destination]),
    '--provenance',
    request.provenance ? 'mode=max' : 'false',
    ...(request.sbomGenerator ? ['--attest', `type=sbom,generator=${request.sbomGenerator}`] : []),
    '--metadata-file',
    request.metadataFile,
    ...outputArgs(request),
    '--progress',
    'plain',
    request.contextDir,
  ];
}

/**
 * Into the engine's image store either way (straight, or through an archive then loaded): the smoke
 * test runs the image before anything is pushed. Only `push` goes to the registry.
 */
function outputArgs(request: BuildRequest): string[] {
  const rewrite = request.rewriteTimestamp === false ? '' : ',rewrite-timestamp=true';
  if (request.pushByDigest) {
    return [
      '--output',
      `type=image,name=${request.pushByDigest},push-by-digest=true,push=true,oci-mediatypes=true${rewrite}`,
    ];
  }
  if (request.ociArchive) {
    return ['--output', `type=oci,dest=${request.ociArchive},name=${request.tags[0]}${rewrite}`];
  }
  return ['--load'];
}
