import { compatSources, frameworkRow, renamedPackage } from '../data/compat.js';
import type { LockedPackage, Requirement } from '../python/types.js';
import { exactPin } from '../python/versions.js';
import { formatSource } from '../source.js';
import { requirementsOfLock } from './manifest.js';
import type { Accelerator, Framework, Warning } from './spec.js';

/** The ML frameworks among the requirements, by their PyPI name as compat.json lists them. */
export function detectFrameworks(
  requirements: readonly Requirement[],
  locked: ReadonlyMap<string, LockedPackage> = new Map(),
): Framework[] {
  const frameworks: Framework[] = [];
  for (const requirement of requirements) {
    const framework = frameworkOf(requirement, locked);
    if (framework && !frameworks.some((known) => known.name === framework.name)) frameworks.push(framework);
  }
  return frameworks;
}

/**
 * The framework a requirement installs. A framework build of its own keeps its name, even a
 * deprecated one (tensorflow-gpu up to 2.11 is a complete TensorFlow, and what the lock holds). A
 * deprecated or placeholder name that is no build (sklearn, pytorch) reports the framework it
 * stands for, with the version the lock holds for that framework: the alias's own versions
 * (sklearn 0.0) are not the framework's, so its exact pin is not one either.
 */
function frameworkOf(requirement: Requirement, locked: ReadonlyMap<string, LockedPackage>): Framework | null {
  const own = frameworkRow(requirement.name);
  const renamed = own ? undefined : renamedPackage(requirement.name);
  const row = own ?? (renamed && frameworkRow(renamed.installs));
  if (!row) return null;
  const installed = renamed?.installs ?? requirement.name;
  const name = row.pattern ? installed : row.name;
  return {
    name,
    importName: row.import,
    spec: requirement.url ?? requirement.written ?? requirement.specifier,
    locked: locked.get(name)?.version ?? (renamed ? null : exactPin(requirement.specifier)),
    source: formatSource(requirement.source),
  };
}

/**
 * A warning for each requirement that names a deprecated or placeholder package (src/data/compat.json
 * renamedPackages), at its line, saying what to write instead and citing the public source.
 */
export function renamedWarnings(requirements: readonly Requirement[]): Warning[] {
  return requirements.flatMap((requirement) => {
    const row = renamedPackage(requirement.name);
    if (!row) return [];
    const what =
      row.kind === 'placeholder'
        ? `${row.name} is a placeholder on PyPI, not ${row.installs}`
        : `${row.name} is the deprecated name of ${row.installs}`;
    const url = /https:\/\/[^\s)]*[^\s).,:;]/.exec(compatSources[row.source] ?? '')?.[0];
    return [
      { message: `${what}: ${row.why}${url ? ` (${url})` : ''}`, source: formatSource(requirement.source) },
    ];
  });
}

/** A lock with no manifest beside it (pylock.toml alone): its packages are the requirements, with no spec written. */
export function frameworksFromLock(packages: readonly LockedPackage[]): Framework[] {
  return detectFrameworks(requirementsOfLock(packages), new Map(packages.map((pkg) => [pkg.name, pkg])));
}

export function detectAccelerator(frameworks: readonly Framework[], cudaRequired: boolean): Accelerator {
  if (cudaRequired) return 'gpu-required';
  return frameworks.some((framework) => frameworkRow(framework.name)?.gpuCapable) ? 'gpu-optional' : 'cpu';
}
