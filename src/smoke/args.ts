import type { Lock } from '../lock/report.js';
import type { BuildPlan } from '../plan/types.js';

export interface SmokeRequest {
  frameworks: { name: string; import: string; version: string | null }[];
  models: { path: string; format: string }[];
  command: string | null;
  commandTimeout: number;
  /** The checks' time, input 'smoke-timeout': the harness keeps it, and reports when it ran out. */
  timeout: number;
  /** GPU variant: the CUDA its frameworks must be built for. */
  gpu: { cuda: string | null; strategy: string } | null;
}

export function smokeRequest(
  plan: BuildPlan,
  /** null for the project's own Dockerfile: no lock says which version it installed. */
  lock: Lock | null,
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
      version: lock
        ? (lock.packages.find((pkg) => pkg.name === framework.name && holdsHere(pkg.marker))?.version ??
          framework.locked)
        : null,
    })),
    models: plan.models.map((model) => ({ path: model.path, format: model.format })),
    command,
    commandTimeout: timeoutSeconds,
    timeout: timeoutSeconds,
    gpu: plan.variant === 'gpu' ? { cuda: plan.cuda?.version ?? null, strategy: plan.strategy } : null,
  };
}

/**
 * The generated image's user, folder and venv; the project's own Dockerfile's image runs as its
 * USER in its WORKDIR (model paths are read relative to it, as the project keeps them), with the
 * `python3` its PATH finds, as `docker run` would run it, except as root: a fork's model code runs
 * here, so an image without a USER is run as nobody, as every generated image runs non-root.
 */
function runAs(plan: BuildPlan, imageUser: string): string[] {
  if (plan.dockerfile.kind === 'project') {
    return [...(runsAsRoot(imageUser) ? ['--user', NOBODY] : []), '--entrypoint', 'python3'];
  }
  return [
    '--user',
    `${plan.layout.uid}:${plan.layout.uid}`,
    '--workdir',
    plan.layout.workdir,
    '--entrypoint',
    `${plan.layout.venv}/bin/python`,
  ];
}

export const NOBODY = '65534:65534';

/** An image's configured USER means root when empty, `root` or uid 0, with or without a group. */
export function runsAsRoot(imageUser: string): boolean {
  const [user = ''] = imageUser.trim().split(':');
  return user === '' || user === 'root' || /^0+$/.test(user);
}

/** Threads count as pids: TensorFlow, torch and ONNX Runtime each start a pool per core, per process. */
export const SMOKE_PIDS_LIMIT = 4096;
/**
 * RLIMIT_NPROC counts every process and thread of the uid on the host, not in this container, so
 * it is set above the pids limit: it only stops a fork bomb where the kernel has no pids cgroup.
 */
export const SMOKE_NPROC_LIMIT = 8192;
/** Open files per process: 8× the 1024 most programs run with, still bounded. */
export const SMOKE_NOFILE_LIMIT = 8192;

/**
 * `docker run` arguments for the smoke test: no network, a read-only root, no capabilities, the
 * image's non-root user, and memory (no swap), process and file limits, so a pass means the model
 * works as deployed and a pull request's code cannot exhaust the runner. The harness reads its
 * nonce on standard input (-i); it runs isolated from the project's folder and site-packages
 * (-I -S), and starts the checks, which need both, in children of their own.
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
    /** The project's own image: its configured USER (empty for root), read from the image. */
    imageUser?: string;
  },
): string[] {
  return [
    'run',
    '--rm',
    '--interactive',
    // The harness must be PID 1, whatever the daemon's default: it ends every process a check leaves.
    '--init=false',
    ...confined(plan, options),
    ...runAs(plan, options.imageUser ?? ''),
    options.image,
    '-I',
    '-S',
    '-c',
    options.script,
    JSON.stringify(options.request),
  ];
}

/**
 * `docker run` arguments for the serve test: the smoke test's confinement (no network but the
 * container's loopback, read-only root, limits), detached, running the image's own command as
 * its own user, as it deploys (but never as root: the project's own image without a USER runs as
 * nobody, as in the smoke test).
 */
export function serveArgs(
  plan: BuildPlan,
  options: {
    image: string;
    containerName: string;
    memory: string;
    gpus?: boolean;
    platform?: string | null;
    imageUser?: string;
    /** Added for the test only (the plan's testEnv). */
    env?: Record<string, string>;
  },
): string[] {
  const asNobody = plan.dockerfile.kind === 'project' && runsAsRoot(options.imageUser ?? '');
  return [
    'run',
    '--detach',
    ...confined(plan, options),
    ...(asNobody ? ['--user', NOBODY] : []),
    ...Object.entries(options.env ?? {}).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
    options.image,
  ];
}

/** What the smoke and serve tests share: the image as built, offline, unprivileged and bounded. */
function confined(
  plan: BuildPlan,
  options: { containerName: string; memory: string; gpus?: boolean; platform?: string | null },
): string[] {
  return [
    // The image was just built here: a missing one is an error, never a pull of whatever has its name.
    '--pull=never',
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
    '--memory-swap',
    options.memory,
    '--pids-limit',
    String(SMOKE_PIDS_LIMIT),
    '--ulimit',
    `nproc=${SMOKE_NPROC_LIMIT}:${SMOKE_NPROC_LIMIT}`,
    '--ulimit',
    `nofile=${SMOKE_NOFILE_LIMIT}:${SMOKE_NOFILE_LIMIT}`,
    ...(options.gpus && plan.variant === 'gpu' ? ['--gpus', 'all'] : []),
  ];
}
