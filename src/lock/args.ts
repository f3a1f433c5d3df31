import type { BuildPlan } from '../plan/types.js';
import { baseOf, pinnedBase } from '../plan/types.js';
import { RESOLVER_FILES_MAX_BYTES, RESOLVER_PROJECT_DIR } from './resolver-files.js';

/**
 * pip resolving gigabyte wheels streams them to disk, so it needs little memory; what runs it is a
 * pull request's requirements (an sdist's build script among them), so no more than that.
 */
export const RESOLVER_MEMORY = '4g';
/** pip runs one process at a time; an sdist's metadata build starts a few more. */
export const RESOLVER_PIDS_LIMIT = 1024;
export const RESOLVER_NOFILE_LIMIT = 8192;
/** nobody: pip needs only a writable HOME (/tmp) and the project folder it fills from its input. */
export const RESOLVER_USER = '65534:65534';

/**
 * `docker run` arguments that resolve the plan's requirements inside its pinned base image, with
 * memory (no swap), process and file limits and no capabilities: pip may run an sdist's build
 * script. Named, so that a timeout can `docker kill` it. The project's files it needs come on
 * standard input (`-i`) into an empty in-memory folder: the engine may not see this machine's.
 */
export function resolverArgs(
  plan: BuildPlan,
  script: string,
  options: { platform?: string | null; containerName?: string } = {},
): string[] {
  // Everything resolve.py reads. Index URLs travel without credentials: a private index's full
  // URLs come in the container's environment (ML_CONTAINER_INDEXES), never on a command line.
  const request = {
    requirements: plan.requirementsFile,
    lines: plan.requirementLines,
    indexUrl: plan.indexUrl,
    extraIndexUrls: plan.extraIndexUrls,
    cpuTorch: plan.cpuTorch,
  };
  return [
    'run',
    '--rm',
    '--interactive',
    ...(options.containerName ? ['--name', options.containerName] : []),
    // pip resolves for the interpreter and platform it runs on: run it on the target platform.
    ...(options.platform ? ['--platform', options.platform] : []),
    ...networkArgs(plan.network),
    '--cap-drop=ALL',
    '--security-opt=no-new-privileges',
    '--memory',
    RESOLVER_MEMORY,
    '--memory-swap',
    RESOLVER_MEMORY,
    '--pids-limit',
    String(RESOLVER_PIDS_LIMIT),
    '--ulimit',
    `nofile=${RESOLVER_NOFILE_LIMIT}:${RESOLVER_NOFILE_LIMIT}`,
    '--user',
    RESOLVER_USER,
    // Writable on disk, not a tmpfs: pip downloads whole wheels (torch is gigabytes) to read their metadata.
    '--env',
    'HOME=/tmp',
    // The name alone: docker copies the value from its own environment, so it is on no command line.
    ...(plan.privateIndexes ? ['--env', 'ML_CONTAINER_INDEXES'] : []),
    // Twice the files' cap: base64 aside, pip unpacks nothing here (it builds in /tmp).
    '--tmpfs',
    `${RESOLVER_PROJECT_DIR}:rw,nosuid,nodev,noexec,size=${(2 * RESOLVER_FILES_MAX_BYTES) / 2 ** 20}m,uid=65534,gid=65534,mode=0700`,
    '--workdir',
    RESOLVER_PROJECT_DIR,
    '--entrypoint',
    'python3',
    pinnedBase(baseOf(plan)),
    '-c',
    script,
    JSON.stringify(request),
  ];
}

export function networkArgs(network: BuildPlan['network']): string[] {
  return network === 'default' ? [] : ['--network', network];
}
