import table from './cpu-builds.json' with { type: 'json' };

/** A PyTorch-style index serving CPU builds only, by the end of its URL. */
export interface CpuIndexRow {
  pattern: string;
  packages: string[];
  note: string;
  source: string;
}

/** A local version label (`+cpu`) that names the CPU build. */
export interface CpuLocalVersionRow {
  label: string;
  packages: string[];
  note: string;
  source: string;
}

/** An extra (`jax[cpu]`) that asks for the CPU build. */
export interface CpuExtraRow {
  package: string;
  extra: string;
  note: string;
  source: string;
}

/** A conda package that selects a framework's CPU build (`cpuonly`). */
export interface CpuCondaRow {
  package: string;
  framework: string;
  note: string;
  source: string;
}

export const cpuIndexes: readonly CpuIndexRow[] = table.indexes;
export const cpuLocalVersions: readonly CpuLocalVersionRow[] = table.localVersions;
export const cpuExtras: readonly CpuExtraRow[] = table.extras;
export const cpuCondaPackages: readonly CpuCondaRow[] = table.condaPackages;
