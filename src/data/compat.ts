import compat from './compat.json' with { type: 'json' };

export interface FrameworkRow {
  name: string;
  import: string;
  gpuCapable: boolean;
  source: string;
  /** For families of PyPI names (cupy-cuda12x, cupy-cuda117 …): the framework keeps the package's own name. */
  pattern?: string;
}

export interface BaseImageRow {
  python: string;
  image: string;
  source: string;
}

export interface CudaDefaultRow {
  framework: string;
  /** The framework's major.minor. */
  minor: string;
  cuda: string;
  source: string;
}

export const compatSources: Record<string, string> = compat.sources;
export const defaultPython = compat.python.default;
export const supportedPythons: readonly string[] = compat.python.supported;
export const pythonBaseImages: readonly BaseImageRow[] = compat.python.baseImages;
export const frameworkTable: readonly FrameworkRow[] = compat.frameworks;
export const cudaDefaults: readonly CudaDefaultRow[] = compat.cuda.frameworkDefaults;

export function frameworkRow(normalizedName: string): FrameworkRow | undefined {
  return frameworkTable.find(
    (row) =>
      row.name === normalizedName ||
      (row.pattern !== undefined && new RegExp(row.pattern).test(normalizedName)),
  );
}

export interface GpuStrategyRow {
  package: string;
  extra?: string;
  /** PEP 440 specifier; "" for every version. */
  versions: string;
  strategy: 'pip-cuda' | 'system-cuda';
  why: string;
  source: string;
}

export interface SystemBaseRow {
  cuda: string;
  image: string;
  os: string;
  source: string;
}

export interface FrameworkSystemPackagesRow {
  framework: string;
  packages: string[];
  why: string;
  source: string;
}

export interface RenamedSystemPackageRow {
  from: string;
  to: string;
  source: string;
}

export const frameworkSystemPackages: readonly FrameworkSystemPackagesRow[] =
  compat.systemPackages.byFramework;
export const renamedSystemPackages: readonly RenamedSystemPackageRow[] = compat.systemPackages.renamed;

export const gpuStrategies = compat.cuda.gpuStrategies as readonly GpuStrategyRow[];
export const systemCudaBases: readonly SystemBaseRow[] = compat.cuda.systemBaseImages;
export const pythonInstaller = compat.cuda.pythonInstaller;

/**
 * A PyPI name that is deprecated or a placeholder: what the lock actually installs under another
 * name (`sklearn` → `scikit-learn`), why, and the public source saying so.
 */
export interface RenamedPackageRow {
  name: string;
  /** `deprecated`: once the package's name, now retired; `placeholder`: never a real release under that name. */
  kind: 'deprecated' | 'placeholder';
  installs: string;
  why: string;
  source: string;
}

export const renamedPackages = compat.renamedPackages as readonly RenamedPackageRow[];

export function renamedPackage(normalizedName: string): RenamedPackageRow | undefined {
  return renamedPackages.find((row) => row.name === normalizedName);
}
