import type { SourceRef } from '../source.js';
import type { LockGraph } from './lockfiles/graph.js';
import type { DependencyFormat, Requirement, Warning } from './spec.js';

/** A package index a manifest names; `/whl/cuXXX` ones are CUDA hints too. */
export interface IndexRef {
  url: string;
  name: string | null;
  source: SourceRef;
  /**
   * pip's `--extra-index-url`: searched beside the main index, never instead of it. A manifest whose
   * indexes are all extra keeps PyPI (or `index-url`) as its main index.
   */
  extra?: true;
  /**
   * Serves only the requirements bound to it by name (poetry `priority = "explicit"`, uv
   * `explicit = true`): never searched for anything else.
   */
  explicit?: true;
}

/**
 * What a file says about Python: `exact` for a pin (`.python-version`, cog `python_version`,
 * conda `python=3.10`), `range` for a specifier (`requires-python = ">=3.9"`).
 */
export interface PythonHint {
  kind: 'exact' | 'range';
  text: string;
  source: SourceRef;
}

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
  entrypoint: { path: string; source: SourceRef } | null;
  /** Debian packages the image needs (cog's `system_packages`). */
  systemPackages: { name: string; source: SourceRef }[];
  warnings: Warning[];
}

export interface LockedPackage {
  name: string;
  version: string;
  /** `sha256:<hex>` for each artifact the lock lists (several wheels per package is normal). */
  hashes: string[];
  marker: string | null;
  source: SourceRef;
}

/** A lockfile, read statically. Its packages give frameworks their locked versions. */
export interface LockRead {
  format: DependencyFormat;
  file: string;
  packages: LockedPackage[];
  python: PythonHint[];
  indexes: IndexRef[];
  /**
   * uv.lock and poetry.lock: who needs whom, from the project down, so a converted lock installs
   * what a path of edges reaches. Absent where neither the lock nor pyproject.toml says where
   * installing starts (pdm.lock, Pipfile.lock, pylock.toml, a poetry.lock without its project's
   * dependencies): then every package whose marker holds is installed.
   */
  graph?: LockGraph;
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

let findLineText: string | undefined;
let findLineLines: string[] = [];

/**
 * 1-based line of the first line at or after `from` (1-based) that matches, or undefined. Readers
 * call it once per item of the same text: the lines of the last text are kept, not split again.
 */
export function findLine(
  text: string,
  pattern: RegExp | string,
  from = 1,
  to = Number.POSITIVE_INFINITY,
): number | undefined {
  if (text !== findLineText) {
    findLineText = text;
    findLineLines = text.split(/\r?\n/);
  }
  const lines = findLineLines;
  const end = Math.min(lines.length, to);
  for (let index = Math.max(0, from - 1); index < end; index++) {
    const line = lines[index] ?? '';
    if (typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line)) return index + 1;
  }
  return undefined;
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
