import { frameworkRow } from '../data/compat.js';
import { formatSource } from '../source.js';
import type { Accelerator, Framework, Requirement } from './spec.js';

/** The ML frameworks among the requirements, by their PyPI name as compat.json lists them. */
export function detectFrameworks(requirements: readonly Requirement[]): Framework[] {
  const frameworks: Framework[] = [];
  for (const requirement of requirements) {
    const row = frameworkRow(requirement.name);
    if (!row || frameworks.some((framework) => framework.name === row.name)) continue;
    frameworks.push({
      name: row.name,
      importName: row.import,
      spec: requirement.specifier,
      locked: pinnedVersion(requirement.specifier),
      source: formatSource(requirement.source),
    });
  }
  return frameworks;
}

/** An exact `==` pin is already a locked version; anything looser is resolved in the lock phase. */
function pinnedVersion(specifier: string): string | null {
  const match = /^===?([^,*]+)$/.exec(specifier);
  return match?.[1] ?? null;
}

export function detectAccelerator(frameworks: readonly Framework[]): Accelerator {
  return frameworks.some((framework) => frameworkRow(framework.name)?.gpuCapable) ? 'gpu-optional' : 'cpu';
}
