import type { Lock } from '../lock/report.js';
import type { BuildPlan } from '../plan/types.js';

export interface SmokeRequest {
  frameworks: { name: string; import: string; version: string | null }[];
  models: { path: string; format: string }[];
  command: string | null;
  commandTimeout: number;
  /** GPU variant: the CUDA its frameworks must be built for. */
  gpu: { cuda: string | null; strategy: string } | null;
}

export function smokeRequest(
  plan: BuildPlan,
  lock: Lock,
  command: string | null,
  timeoutSeconds: number,
  /** Python's platform.machine() of the platform tested, to pick its pin in a multi-platform lock. */
  machine: string | null = null,
): SmokeRequest {
  const holdsHere = (marker: string | undefined) => !marker || !machine || marker.includes(`"${machine}"`);
  return {
    frameworks: plan.frameworks.map((framework) => ({
      name: framework.name,
      import: framework.importName,
      version:
        lock.packages.find((pkg) => pkg.name === framework.name && holdsHere(pkg.marker))?.version ??
        framework.locked,
    })),
    models: plan.models.map((model) => ({ path: model.path, format: model.format })),
    command,
    commandTimeout: timeoutSeconds,
    gpu: plan.variant === 'gpu' ? { cuda: plan.cuda?.version ?? null, strategy: plan.strategy } : null,
  };
}

/**
 * `docker run` arguments for the smoke test: no network, a read-only root, no capabilities,
 * the image's non-root user and a memory limit, so a pass means the model works as deployed.
 */
export function smokeArgs(
  plan: BuildPlan,
  options: {
    image: string;
    containerName: string;
    memory: string;
    script: string;
    request: SmokeRequest;
    /** The runner has a GPU: the GPU variant's device check runs on it. */
    gpus?: boolean;
    /** One platform of a multi-platform image, run natively or emulated. */
    platform?: string | null;
  },
): string[] {
  return [
    'run',
    '--rm',
    '--name',
    options.containerName,
    ...(options.platform ? ['--platform', options.platform] : []),
    '--network=none',
    '--read-only',
    '--tmpfs',
    // exec: some frameworks compile kernels or unpack native libraries into a temporary folder.
    '/tmp:rw,exec,nosuid,nodev,size=1g',
    '--cap-drop=ALL',
    '--security-opt=no-new-privileges',
    '--memory',
    options.memory,
    ...(options.gpus && plan.variant === 'gpu' ? ['--gpus', 'all'] : []),
    '--user',
    `${plan.layout.uid}:${plan.layout.uid}`,
    '--workdir',
    plan.layout.workdir,
    '--entrypoint',
    `${plan.layout.venv}/bin/python`,
    options.image,
    '-c',
    options.script,
    JSON.stringify(options.request),
  ];
}
