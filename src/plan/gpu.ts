import { satisfies } from '@renovatebot/pep440';
import { type GpuStrategyRow, gpuStrategies, systemCudaBases } from '../data/compat.js';
import { tableCuda } from '../detect/cuda.js';
import type { EnvironmentSpec } from '../detect/spec.js';
import { UserError } from '../errors.js';
import { normalizeName } from '../python/pep508.js';
import type { Requirement } from '../python/types.js';
import { compareMinor, exactPin } from '../python/versions.js';
import type { Decision, Strategy } from './types.js';

/**
 * pip-cuda when every framework gets CUDA from wheels (keeping the slim Python base),
 * system-cuda when any needs it from the system; each choice cites its table row.
 */
export function chooseStrategy(spec: EnvironmentSpec, decisions: Decision[]): Exclude<Strategy, 'cpu'> {
  const matches = spec.dependencies.requirements
    .map((requirement) => ({ requirement, row: strategyRow(requirement, spec) }))
    .filter((match): match is { requirement: Requirement; row: GpuStrategyRow } => match.row !== undefined);
  const system = matches.find((match) => match.row.strategy === 'system-cuda');
  const chosen = system ?? matches[0];
  const strategy = system ? 'system-cuda' : 'pip-cuda';
  decisions.push({
    topic: 'gpu strategy',
    choice: strategy,
    why: chosen
      ? `${chosen.requirement.name} (${chosen.requirement.source.file}:${chosen.requirement.source.line ?? ''}): ${chosen.row.why} (src/data/compat.json, source ${chosen.row.source})`
      : 'no framework needs CUDA from the system: CUDA libraries come from wheels',
  });
  return strategy;
}

function strategyRow(requirement: Requirement, spec: EnvironmentSpec): GpuStrategyRow | undefined {
  const version =
    spec.frameworks.find((framework) => framework.name === requirement.name)?.locked ??
    exactPin(requirement.specifier) ??
    null;
  return gpuStrategies.find((row) => {
    const packageMatches =
      row.package === requirement.name ||
      (row.package === 'cupy' && /^cupy(-cuda\d+x?)?$/.test(requirement.name));
    if (!packageMatches) return false;
    if (row.extra && !requirement.extras.includes(normalizeName(row.extra))) return false;
    if (!row.versions) return true;
    // An unpinned requirement installs a current release: the rows for current versions apply.
    if (!version) return row.versions.startsWith('>');
    try {
      return satisfies(version.split('+')[0] ?? version, row.versions);
    } catch {
      return false;
    }
  });
}

/**
 * PyPI's torch wheel is built for one CUDA per release; another CUDA comes from PyTorch's own
 * index (`<root>/cu121`). Null when PyPI's build is the one wanted, or an index already gives it.
 */
export function cudaIndexFor(
  spec: EnvironmentSpec,
  pytorchIndexUrl: string,
  indexes: readonly string[],
): { url: string; why: string } | null {
  const cuda = spec.cuda?.version;
  if (!cuda?.includes('.')) return null;
  if (indexes.some((url) => /\/whl\/(?:nightly\/|test\/)?cu\d+\/?$/.test(url))) return null;
  const torch = spec.frameworks.find((framework) => framework.name === 'torch');
  const specifier =
    spec.dependencies.requirements.find((requirement) => requirement.name === 'torch')?.specifier ?? '';
  const pypi = tableCuda('torch', torch?.locked ?? null, specifier);
  if (!pypi || pypi.cuda === cuda) return null;
  const [major, minor] = cuda.split('.');
  return {
    url: `${pytorchIndexUrl}/cu${major}${minor}`,
    why: `torch ${pypi.minor} on PyPI is built for CUDA ${pypi.cuda}, but the project needs CUDA ${cuda} (${spec.cuda?.source})`,
  };
}

/** The nvidia/cuda runtime image with cuDNN for a CUDA version: that minor, or the newest of a major. */
export function systemCudaBase(cuda: string | null) {
  if (!cuda) {
    throw new UserError(
      'this GPU variant needs CUDA from the system, but no CUDA version was detected: pin one (e.g. a +cuXXX local version) or set base-image',
      'plan',
    );
  }
  const candidates = systemCudaBases.filter((row) =>
    cuda.includes('.') ? row.cuda === cuda : row.cuda.split('.')[0] === cuda,
  );
  const row = candidates.sort((a, b) => compareMinor(b.cuda, a.cuda))[0];
  if (!row) {
    throw new UserError(
      `no nvidia/cuda base image for CUDA ${cuda} in src/data/compat.json (supported: ${systemCudaBases.map((base) => base.cuda).join(', ')}); set base-image`,
      'plan',
    );
  }
  return row;
}
