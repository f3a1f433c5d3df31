import { cudaDefaults } from '../data/compat.js';
import { UserError } from '../errors.js';
import type { IndexRef, LockedPackage, Requirement } from '../python/types.js';
import { compareMinor, exactPin, majorMinor, minorSatisfies } from '../python/versions.js';
import { formatSource, type SourceRef } from '../source.js';
import type { CudaHint } from './manifest.js';

/** One reason to think the project needs CUDA; `version` null means "a GPU, CUDA unknown". */
export interface CudaFinding {
  version: string | null;
  what: string;
  source: SourceRef;
  /**
   * A library's own version (cuBLAS, CUPTI) that follows the toolkit's only roughly: its minor
   * counts when nothing firmer says, but never makes a conflict.
   */
  weakMinor?: boolean;
}

/** `cu121` → 12.1, `cu118` → 11.8, `cu92` → 9.2: the last digit is the minor. */
export function cudaFromTag(digits: string): string {
  return `${Number(digits.slice(0, -1))}.${digits.slice(-1)}`;
}

const NVIDIA_SUFFIXED = /^nvidia-([a-z0-9-]+)-cu(\d+)$/;
/** These packages' versions follow the CUDA toolkit's: the runtime's and NVRTC's exactly, the others roughly. */
const TOOLKIT_VERSIONED = new Set(['cuda-runtime', 'cuda-nvrtc', 'cuda-cupti', 'cublas', 'cuda-nvcc']);
const TOOLKIT_EXACT = new Set(['cuda-runtime', 'cuda-nvrtc', 'cuda-nvcc']);

export function requirementFindings(
  requirements: readonly Requirement[],
  locked: ReadonlyMap<string, LockedPackage>,
): CudaFinding[] {
  const findings: CudaFinding[] = [];
  for (const requirement of requirements) {
    const version = locked.get(requirement.name)?.version ?? exactPin(requirement.specifier);
    const add = (cuda: string | null, what: string, weakMinor = false): void => {
      findings.push({ version: cuda, what, source: requirement.source, ...(weakMinor ? { weakMinor } : {}) });
    };
    const written = `${requirement.name}${requirement.extras.length ? `[${requirement.extras.join(',')}]` : ''}${requirement.specifier}`;
    // A local version (`2.1.0+cu121`), also URL-encoded in a wheel URL, or the wheel's /whl/cuXXX/ folder.
    const local = /(?:\+|%2B)cu(\d{2,3})\b|\/whl\/cu(\d{2,3})\//i.exec(
      `${requirement.specifier} ${version ?? ''} ${requirement.url ?? ''}`,
    );
    const localTag = local?.[1] ?? local?.[2];
    if (localTag) add(cudaFromTag(localTag), written);
    const nvidia = NVIDIA_SUFFIXED.exec(requirement.name);
    if (nvidia?.[1] && nvidia[2]) {
      const minor = TOOLKIT_VERSIONED.has(nvidia[1]) && version ? majorMinor(version) : null;
      const precise = minor && String(minor[0]) === nvidia[2];
      add(
        precise ? `${minor[0]}.${minor[1]}` : nvidia[2],
        written,
        Boolean(precise) && !TOOLKIT_EXACT.has(nvidia[1]),
      );
    } else if (/^nvidia-(cuda-runtime|cuda-nvrtc|cuda-cupti|cublas)$/.test(requirement.name) && version) {
      // CUDA 13 dropped the -cuXX suffix from the toolkit's wheels.
      const minor = majorMinor(version);
      const component = requirement.name.slice('nvidia-'.length);
      if (minor && minor[0] >= 13) add(`${minor[0]}.${minor[1]}`, written, !TOOLKIT_EXACT.has(component));
    }
    const cupy = /^cupy-cuda(\d+)(x?)$/.exec(requirement.name);
    if (cupy?.[1]) add(cupy[2] ? cupy[1] : cudaFromTag(cupy[1]), written);
    if (requirement.name === 'jax' || requirement.name === 'jaxlib') {
      const extra = requirement.extras.map((name) => /^cuda(\d+)?/.exec(name)).find(Boolean);
      if (extra) add(extra[1] ?? null, written);
      const jaxlibLocal = /\+cuda(\d+)/.exec(version ?? '');
      if (jaxlibLocal?.[1]) add(jaxlibLocal[1], written);
    }
    const jaxPlugin = /^jax-cuda(\d+)-(plugin|pjrt)$/.exec(requirement.name);
    if (jaxPlugin?.[1]) add(jaxPlugin[1], written);
    if (requirement.name === 'tensorflow' && requirement.extras.includes('and-cuda')) {
      add(tableCuda('tensorflow', version, requirement.specifier)?.cuda ?? null, written);
    }
    if (requirement.name === 'tensorflow-gpu')
      add(tableCuda('tensorflow', version, requirement.specifier)?.cuda ?? null, written);
    if (requirement.name === 'onnxruntime-gpu')
      add(tableCuda('onnxruntime-gpu', version, requirement.specifier)?.cuda ?? null, written);
    if (requirement.name === 'paddlepaddle-gpu') {
      const post = /\.post(\d{2,3})\b/.exec(`${requirement.specifier} ${version ?? ''}`);
      add(post?.[1] ? cudaFromTag(post[1]) : null, written);
    }
    if (requirement.name === 'vllm') add(null, written);
  }
  return findings;
}

export function indexFindings(indexes: readonly IndexRef[]): CudaFinding[] {
  return indexes.flatMap((index) => {
    const match = /\/whl\/(?:nightly\/|test\/)?cu(\d{2,3})\/?$/.exec(index.url);
    return match?.[1]
      ? [{ version: cudaFromTag(match[1]), what: `index ${index.url}`, source: index.source }]
      : [];
  });
}

export function manifestFindings(hints: readonly CudaHint[], gpu: SourceRef | null): CudaFinding[] {
  return [
    ...hints.map((hint) => ({ version: hint.version, what: hint.what, source: hint.source })),
    ...(gpu ? [{ version: null, what: 'cog gpu: true', source: gpu }] : []),
  ];
}

/**
 * The one CUDA version the findings agree on: the most precise, else the first. Findings that
 * disagree are an error naming both, since the image cannot satisfy both.
 */
export function reconcile(findings: readonly CudaFinding[]): CudaFinding | null {
  const versioned = findings.filter((finding) => finding.version !== null);
  for (const [index, a] of versioned.entries()) {
    for (const b of versioned.slice(index + 1)) {
      if (!agree(a.version ?? '', b.version ?? '', a.weakMinor === true || b.weakMinor === true)) {
        throw new UserError(
          `conflicting CUDA hints: ${a.what} (${formatSource(a.source)}) needs CUDA ${a.version}, but ${b.what} (${formatSource(b.source)}) needs CUDA ${b.version}`,
          'detect',
          a.source,
        );
      }
    }
  }
  return (
    versioned.find((finding) => finding.version?.includes('.') && !finding.weakMinor) ??
    versioned.find((finding) => finding.version?.includes('.')) ??
    versioned[0] ??
    findings[0] ??
    null
  );
}

function agree(a: string, b: string, majorOnly: boolean): boolean {
  const [aMajor, aMinor] = a.split('.');
  const [bMajor, bMinor] = b.split('.');
  return (
    aMajor === bMajor && (majorOnly || aMinor === undefined || bMinor === undefined || aMinor === bMinor)
  );
}

/**
 * The table's CUDA for a framework version: the locked or pinned version's row, else the newest
 * row the specifier allows. A version newer than the table takes the newest row.
 */
export function tableCuda(framework: string, version: string | null, specifier: string) {
  const rows = cudaDefaults.filter((row) => row.framework === framework);
  if (rows.length === 0) return undefined;
  if (version) {
    const exact = rows.find((row) => compareMinor(row.minor, version) === 0);
    if (exact) return exact;
    const newest = rows.reduce((a, b) => (compareMinor(a.minor, b.minor) >= 0 ? a : b));
    return compareMinor(version, newest.minor) > 0 ? newest : undefined;
  }
  const allowed = rows.filter((row) => minorSatisfies(row.minor, specifier));
  return allowed.reduce<(typeof rows)[number] | undefined>(
    (a, b) => (!a || compareMinor(b.minor, a.minor) > 0 ? b : a),
    undefined,
  );
}
