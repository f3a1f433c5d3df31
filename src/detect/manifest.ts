import type { IndexRef, LockedPackage, PythonHint, Requirement } from '../python/types.js';
import type { SourceRef } from '../source.js';
import type { ConsoleScript } from './console-script.js';
import type { DependencyFormat, Warning } from './spec.js';

/** A CUDA version a file states outright (conda `pytorch-cuda=12.1`, cog `cuda: "12.1"`); `version` may be major only. */
export interface CudaHint {
  version: string;
  what: string;
  source: SourceRef;
}

/** One dependency manifest, read statically: never executed, every fact with its line. */
export interface Manifest {
  format: DependencyFormat;
  /** The files read, the main one first (includes and referenced requirement files after it). */
  files: string[];
  requirements: Requirement[];
  python: PythonHint[];
  indexes: IndexRef[];
  cuda: CudaHint[];
  /** cog's `gpu: true`: the project says it needs a GPU. */
  gpu: SourceRef | null;
  /** Frameworks whose CPU-only build the manifest asks for outright (conda `cpuonly`, `pytorch-cpu`). */
  cpuBuilds: { framework: string; what: string; source: SourceRef }[];
  /** `script`: a console script, run by name once the project is installed. */
  entrypoint: { path: string; source: SourceRef; script?: ConsoleScript } | null;
  /** Debian packages the image needs (cog's `system_packages`). */
  systemPackages: { name: string; source: SourceRef }[];
  warnings: Warning[];
}

export function emptyManifest(format: DependencyFormat, file: string): Manifest {
  return {
    format,
    files: [file],
    requirements: [],
    python: [],
    indexes: [],
    cuda: [],
    gpu: null,
    cpuBuilds: [],
    entrypoint: null,
    systemPackages: [],
    warnings: [],
  };
}

/**
 * A lock read without a manifest (pylock.toml alone): its packages stand for the requirements,
 * pinned to their locked versions, with no spec written by the user.
 */
export function requirementsOfLock(packages: readonly LockedPackage[]): Requirement[] {
  return packages.map((pkg) => ({
    name: pkg.name,
    extras: [],
    specifier: `==${pkg.version}`,
    written: '',
    marker: pkg.marker,
    url: null,
    hashes: pkg.hashes,
    source: pkg.source,
  }));
}
