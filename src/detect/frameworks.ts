import { frameworkRow } from '../data/compat.js';
import { formatSource } from '../source.js';
import { type LockedPackage, requirementsOfLock } from './manifest.js';
import type { Accelerator, Framework, Requirement } from './spec.js';
import { exactPin } from './versions.js';

/** The ML frameworks among the requirements, by their PyPI name as compat.json lists them. */
export function detectFrameworks(
  requirements: readonly Requirement[],
  locked: ReadonlyMap<string, LockedPackage> = new Map(),
): Framework[] {
  const frameworks: Framework[] = [];
  for (const requirement of requirements) {
    const row = frameworkRow(requirement.name);
    if (!row) continue;
    const name = row.pattern ? requirement.name : row.name;
    if (frameworks.some((framework) => framework.name === name)) continue;
    frameworks.push({
      name,
      importName: row.import,
      spec: requirement.url ?? requirement.written ?? requirement.specifier,
      locked: locked.get(name)?.version ?? exactPin(requirement.specifier),
      source: formatSource(requirement.source),
    });
  }
  return frameworks;
}

/** A lock with no manifest beside it (pylock.toml alone): its packages are the requirements, with no spec written. */
export function frameworksFromLock(packages: readonly LockedPackage[]): Framework[] {
  return detectFrameworks(requirementsOfLock(packages), new Map(packages.map((pkg) => [pkg.name, pkg])));
}

export function detectAccelerator(frameworks: readonly Framework[], cudaRequired: boolean): Accelerator {
  if (cudaRequired) return 'gpu-required';
  return frameworks.some((framework) => frameworkRow(framework.name)?.gpuCapable) ? 'gpu-optional' : 'cpu';
}
