import type { BuildPlan, Decision, DockerfileSource } from './types.js';

type ChosenVariant = { variant: 'cpu' | 'gpu'; why: string };

/**
 * A project's own Dockerfile makes one image, whatever the frameworks could run on: `auto` tests it
 * as the CPU variant when the project could have both (imports and models on the CPU, which a CUDA
 * build passes too), since only input 'variant: gpu' says the image is meant to carry CUDA.
 */
export function ownDockerfileVariant(
  variants: readonly ChosenVariant[],
  dockerfile: Extract<DockerfileSource, { kind: 'project' }>,
  decisions: Decision[],
): ChosenVariant {
  decisions.push({
    topic: 'dockerfile',
    choice: `${dockerfile.path}${dockerfile.target ? ` (stage ${dockerfile.target})` : ''}, no lock made`,
    why: `${dockerfile.why}: the project's Dockerfile installs what it installs; the smoke test checks what it installed`,
  });
  const [only] = variants;
  if (variants.length === 1 && only) return only;
  const cpu = variants.find((candidate) => candidate.variant === 'cpu') ?? variants[0];
  if (!cpu) throw new Error('ownDockerfileVariant: no variant to build');
  return {
    variant: cpu.variant,
    why: `${cpu.why}; one image from ${dockerfile.path}, smoke-tested on the CPU (set input 'variant: gpu' to check its CUDA build)`,
  };
}

/**
 * The ML labels the generated Dockerfile writes, for an image the project's Dockerfile made: what
 * detection found (no lock pins the versions) and which Dockerfile made it.
 */
export function ownDockerfileLabels(
  plan: Pick<BuildPlan, 'variant' | 'frameworks' | 'dockerfile'>,
): Record<string, string> {
  return {
    'io.github.ml-container.variant': plan.variant,
    'io.github.ml-container.frameworks': plan.frameworks
      .map((framework) => (framework.locked ? `${framework.name}==${framework.locked}` : framework.name))
      .join(','),
    ...(plan.dockerfile.kind === 'project'
      ? { 'io.github.ml-container.dockerfile': plan.dockerfile.path }
      : {}),
  };
}
