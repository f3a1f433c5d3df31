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
  /** The commit time, so timestamps in the image are the commit's and two builds match. */
  sourceDateEpoch: number | null;
  /**
   * Reproducible export: an OCI archive with every file time rewritten to SOURCE_DATE_EPOCH,
   * loaded afterwards, since the docker exporter cannot rewrite timestamps while it unpacks.
   * null loads straight into the image store.
   */
  ociArchive: string | null;
  cacheFrom?: readonly string[];
  cacheTo?: readonly string[];
}

/** The `docker buildx build` arguments for one plan, built purely so tests can assert them exactly. */
export function buildxArgs(plan: BuildPlan, request: BuildRequest): string[] {
  return [
    'buildx',
    'build',
    '--file',
    request.dockerfile,
    '--build-context',
    `${GENERATED_CONTEXT}=${request.generatedDir}`,
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
    // Into the local image store either way: the smoke test runs the image before anything is pushed.
    ...(request.ociArchive
      ? ['--output', `type=oci,dest=${request.ociArchive},name=${request.tags[0]},rewrite-timestamp=true`]
      : ['--load']),
    '--progress',
    'plain',
    request.contextDir,
  ];
}
