import type { BuildPlan } from '../plan/types.js';
import { pinnedBase } from '../plan/types.js';

/** `docker run` arguments that resolve the plan's requirements inside its pinned base image. */
export function resolverArgs(
  plan: BuildPlan,
  contextDir: string,
  script: string,
  platform: string | null = null,
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
    // pip resolves for the interpreter and platform it runs on: run it on the target platform.
    ...(platform ? ['--platform', platform] : []),
    ...networkArgs(plan.network),
    // Writable on disk, not a tmpfs: pip downloads whole wheels (torch is gigabytes) to read their metadata.
    '--env',
    'HOME=/tmp',
    // The name alone: docker copies the value from its own environment, so it is on no command line.
    ...(plan.privateIndexes ? ['--env', 'ML_CONTAINER_INDEXES'] : []),
    '--volume',
    `${contextDir}:/project:ro`,
    '--workdir',
    '/project',
    '--entrypoint',
    'python3',
    pinnedBase(plan.base),
    '-c',
    script,
    JSON.stringify(request),
  ];
}

export function networkArgs(network: BuildPlan['network']): string[] {
  return network === 'default' ? [] : ['--network', network];
}
