import type { InstalledPackage, SizeListing } from './listing.js';

const MiB = 2 ** 20;

/**
 * Two files of at least this size with the same content are reported as a duplicate: a model or a
 * native library copied twice costs its whole size again, while small repeats (licences, stubs)
 * are noise. Only files whose sizes collide are hashed, first their first MiB, so hashing stays cheap.
 */
export const DUPLICATE_MIN_BYTES = 5 * MiB;
/** listing.py lists files from this size up (and CUDA libraries of any size): enough for every finding. */
export const LISTED_MIN_BYTES = 1 * MiB;
/** A package's test folders are worth naming from this size up, together: test data shipped in a wheel, not a few test modules. */
export const TEST_DATA_MIN_BYTES = 1 * MiB;
/** Compiled bytecode is worth naming from this size up. */
export const PYCACHE_MIN_BYTES = 1 * MiB;
/** The largest packages the report names. */
export const TOP_PACKAGES = 10;
/** The most findings of each kind the report names, largest first. */
export const FINDINGS_PER_KIND = 10;
/** The most paths a finding names (the copies of a file). */
const PATHS_PER_FINDING = 5;

/**
 * CUDA's libraries by file name, as NVIDIA's wheels (nvidia-*-cu12), torch's CUDA wheels and CUDA
 * base images ship them, possibly renamed by auditwheel (`libcudart-d0da41ae.so.11.0`). Named one
 * by one: a plain `libcu*` would take libcurl and libcups for CUDA.
 */
export const CUDA_LIBRARY =
  /^lib(?:cuda|cudart|cublas|cublasLt|cufft|cufftw|curand|cusolver|cusolverMg|cusparse|cusparseLt|cupti|cudnn\w*|nccl|nvrtc|nvJitLink|nvToolsExt|cufile\w*|torch_cuda\w*|c10_cuda)(?:[-.][^/]*)?\.so(?:\.[^/]*)?$/;
/** NVIDIA's CUDA wheels install into this folder of site-packages: a folder a package each. */
const NVIDIA_WHEEL = /^(.*\/(?:site|dist)-packages\/nvidia\/[^/]+)\//;

/** A package's folder in site-packages, or a top-level test folder there itself. */
const TOP_PACKAGE = /^(.*\/(?:site|dist)-packages\/[^/]+)/;

export type FindingKind = 'duplicate' | 'cuda' | 'test-data' | 'pycache';

export interface SizeFinding {
  kind: FindingKind;
  /** The copies of a duplicate; the folder of CUDA libraries; the package with test folders; none for bytecode. */
  paths: string[];
  /** What could go: the copies after the first, the CUDA libraries, the test folders, all bytecode. */
  bytes: number;
  /** Copies of a duplicate, CUDA libraries in the folder, test folders in the package, or __pycache__ folders. */
  count?: number;
}

/** What in the listing is heavy and likely unneeded, largest first. Pure. */
export function sizeFindings(listing: SizeListing, options: { cpu: boolean }): SizeFinding[] {
  return [
    ...duplicates(listing),
    ...(options.cpu ? cudaLibraries(listing) : []),
    ...testData(listing),
    ...(listing.pycache.bytes >= PYCACHE_MIN_BYTES
      ? [{ kind: 'pycache' as const, paths: [], bytes: listing.pycache.bytes, count: listing.pycache.dirs }]
      : []),
  ].sort((a, b) => b.bytes - a.bytes);
}

/** The largest installed packages, largest first (then by name, so the order is stable). Pure. */
export function topPackages(packages: InstalledPackage[], most = TOP_PACKAGES): InstalledPackage[] {
  return packages
    .filter((pkg) => pkg.bytes !== null)
    .sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0) || a.name.localeCompare(b.name))
    .slice(0, most);
}

function duplicates(listing: SizeListing): SizeFinding[] {
  const copies = new Map<string, { bytes: number; paths: string[] }>();
  for (const file of listing.files) {
    if (file.sha256 === null || file.bytes < DUPLICATE_MIN_BYTES) continue;
    const key = `${file.bytes}:${file.sha256}`;
    const group = copies.get(key) ?? { bytes: file.bytes, paths: [] };
    group.paths.push(file.path);
    copies.set(key, group);
  }
  return largest(
    [...copies.values()]
      .filter((group) => group.paths.length > 1)
      .map((group) => ({
        kind: 'duplicate',
        paths: group.paths.sort().slice(0, PATHS_PER_FINDING),
        bytes: group.bytes * (group.paths.length - 1),
        count: group.paths.length,
      })),
  );
}

/** CUDA libraries in an image that runs on the CPU, by the folder (or NVIDIA wheel) that holds them. */
function cudaLibraries(listing: SizeListing): SizeFinding[] {
  const folders = new Map<string, { bytes: number; count: number }>();
  for (const file of listing.files) {
    const wheel = NVIDIA_WHEEL.exec(file.path)?.[1];
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    if (!wheel && !CUDA_LIBRARY.test(name)) continue;
    const folder = wheel ?? file.path.slice(0, Math.max(file.path.lastIndexOf('/'), 1));
    const total = folders.get(folder) ?? { bytes: 0, count: 0 };
    total.bytes += file.bytes;
    total.count += 1;
    folders.set(folder, total);
  }
  return largest(
    [...folders].map(([folder, total]) => ({
      kind: 'cuda',
      paths: [folder],
      bytes: total.bytes,
      count: total.count,
    })),
  );
}

/** Test folders by the package that ships them (scipy has one in each subpackage). */
function testData(listing: SizeListing): SizeFinding[] {
  const packages = new Map<string, { bytes: number; count: number }>();
  for (const dir of listing.testDirs) {
    const top = TOP_PACKAGE.exec(dir.path)?.[1] ?? dir.path;
    const total = packages.get(top) ?? { bytes: 0, count: 0 };
    total.bytes += dir.bytes;
    total.count += 1;
    packages.set(top, total);
  }
  return largest(
    [...packages]
      .filter(([, total]) => total.bytes >= TEST_DATA_MIN_BYTES)
      .map(([path, total]) => ({ kind: 'test-data', paths: [path], bytes: total.bytes, count: total.count })),
  );
}

function largest(findings: SizeFinding[]): SizeFinding[] {
  return findings
    .sort((a, b) => b.bytes - a.bytes || (a.paths[0] ?? '').localeCompare(b.paths[0] ?? ''))
    .slice(0, FINDINGS_PER_KIND);
}
