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
  /** A file holding pip's configuration with credentials, passed as a BuildKit secret. */
  pipConfigSecret?: string;
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
    ...request.tags.flatMap((tag) => ['--tag', tag]),
    ...Object.entries(request.labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    ...(request.pipConfigSecret
      ? ['--secret', `id=${PIP_CONFIG_SECRET},src=${request.pipConfigSecret}`]
      : []),
    '--provenance',
    request.provenance ? 'mode=max' : 'false',
    '--metadata-file',
    request.metadataFile,
    // Into the local image store: the smoke test runs the image before anything is pushed.
    '--load',
    '--progress',
    'plain',
    request.contextDir,
  ];
}
