import { cpuExtras, cpuIndexes, cpuLocalVersions } from '../data/cpu-builds.js';
import type { IndexRef, LockedPackage, Requirement } from '../python/types.js';
import { formatSource, type SourceRef } from '../source.js';
import type { Manifest } from './manifest.js';

/** A framework the project asks to install as its CPU-only build, with what said so. */
export interface CpuBuild {
  framework: string;
  why: string;
  source: SourceRef;
}

/**
 * The indexes a requirement may come from, as its tool searches them (docs/detection.md,
 * "Indexes and sources"): the one it is bound to by name, else every index that is not explicit.
 * PyPI is left implicit: it serves no CPU- or CUDA-specific build of anything here.
 */
export function indexesFor(requirement: Requirement, indexes: readonly IndexRef[]): IndexRef[] {
  if (requirement.index !== undefined) return indexes.filter((index) => index.name === requirement.index);
  return indexes.filter((index) => !index.explicit);
}

/** PyTorch-style indexes hold one accelerator's builds each: `/whl/cpu`, `/whl/cu121`, `/whl/rocm6.3`. */
const ACCELERATOR_INDEX = /\/whl\/(?:nightly\/|test\/)?(?:cpu|cu\d+|rocm[\d.]+|xpu)\/?$/;

/**
 * The frameworks this project installs as CPU-only builds (src/data/cpu-builds.json): a `+cpu`
 * local version, in the specifier or the lock; every accelerator index the package may come
 * from being a CPU one; a CPU extra (`jax[cpu]`); a conda CPU selector (`cpuonly`).
 */
export function cpuBuilds(
  requirements: readonly Requirement[],
  indexes: readonly IndexRef[],
  locked: ReadonlyMap<string, LockedPackage>,
  stated: Manifest['cpuBuilds'],
): CpuBuild[] {
  const builds: CpuBuild[] = stated.map((item) => ({
    framework: item.framework,
    why: `${item.what} selects the CPU build`,
    source: item.source,
  }));
  for (const requirement of requirements) {
    const build = cpuBuildOf(requirement, indexes, locked.get(requirement.name) ?? null);
    if (build) builds.push(build);
  }
  return builds;
}

function cpuBuildOf(
  requirement: Requirement,
  indexes: readonly IndexRef[],
  locked: LockedPackage | null,
): CpuBuild | null {
  const name = requirement.name;
  const local = cpuLocalVersions.find(
    (row) =>
      row.packages.includes(name) &&
      [requirement.specifier, locked?.version ?? ''].some((version) =>
        new RegExp(`\\+${row.label}(?:$|[,\\s])`).test(version),
      ),
  );
  if (local) {
    const inLock = locked?.version.includes(`+${local.label}`) === true;
    return {
      framework: name,
      why: `${name} ${inLock ? locked?.version : requirement.specifier} is the CPU build`,
      source: inLock && locked ? locked.source : requirement.source,
    };
  }
  const cpuIndex = cpuIndexes.find((row) => row.packages.includes(name));
  if (cpuIndex) {
    const accelerated = indexesFor(requirement, indexes).filter((index) => ACCELERATOR_INDEX.test(index.url));
    const pattern = new RegExp(cpuIndex.pattern);
    const [first] = accelerated;
    if (first && accelerated.every((index) => pattern.test(index.url))) {
      return {
        framework: name,
        why: `${name} comes from ${first.url}, which serves CPU builds only`,
        source: first.source,
      };
    }
  }
  const extra = cpuExtras.find((row) => row.package === name && requirement.extras.includes(row.extra));
  if (extra)
    return { framework: name, why: `${name}[${extra.extra}] is the CPU build`, source: requirement.source };
  return null;
}

/**
 * The indexes that count as CUDA hints: those every requirement may search, and explicit ones
 * only when a requirement is bound to them (uv's `pytorch-cu130` index that only a non-default
 * group names installs nothing).
 */
export function hintingIndexes(
  indexes: readonly IndexRef[],
  requirements: readonly Requirement[],
): IndexRef[] {
  const bound = new Set(requirements.map((requirement) => requirement.index).filter(Boolean));
  return indexes.filter((index) => !index.explicit || (index.name !== null && bound.has(index.name)));
}

export function describeCpuBuild(build: CpuBuild): string {
  return `${build.why} (${formatSource(build.source)})`;
}
