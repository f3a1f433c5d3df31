import type { LockRead, Requirement } from '../python/types.js';
import type { ConsoleScript } from './console-script.js';
import type { DetectedServer } from './server.js';

export type DependencyFormat =
  | 'requirements'
  | 'pep621'
  | 'poetry'
  | 'uv'
  | 'pdm'
  | 'pipfile'
  | 'conda'
  | 'setuptools'
  | 'cog'
  | 'pylock';

export type Accelerator = 'cpu' | 'gpu-optional' | 'gpu-required';

export interface Framework {
  name: string;
  importName: string;
  spec: string;
  locked: string | null;
  source: string;
}

export interface ModelArtifact {
  path: string;
  format:
    | 'joblib'
    | 'pickle'
    | 'onnx'
    | 'torch'
    | 'safetensors'
    | 'keras'
    | 'h5'
    | 'xgboost'
    | 'lightgbm'
    | 'savedmodel'
    | 'huggingface';
  bytes: number;
  /**
   * Files of the model that are Git LFS pointers (the file itself, or any file inside a SavedModel or
   * Hugging Face folder, shards included), relative to the project, sorted; empty when none.
   */
  lfsPointers: string[];
  /** Shards a sharded checkpoint's index names that are not in the project, each with that index, sorted; empty when none. */
  missingShards: { path: string; index: string }[];
}

export interface Warning {
  message: string;
  source: string | null;
}

/** Detect's output: everything later phases need to know about the project, each fact with its source. */
export interface EnvironmentSpec {
  python: { version: string; source: string };
  dependencies: {
    format: DependencyFormat;
    files: string[];
    lockfile: string | null;
    /**
     * `lockfile` as detect parsed it, so that lock converts what detect read instead of reading it
     * again. Absent for a hashed requirements file (its requirements are the lock), and where
     * detect did not run (hand-made specs). Not part of `detect --json`.
     */
    lockRead?: LockRead;
    requirements: Requirement[];
    indexUrl: { url: string; source: string } | null;
    /** The other indexes the manifest names (poetry/uv/pdm sources, requirements --extra-index-url). */
    extraIndexUrls: { url: string; source: string }[];
  };
  frameworks: Framework[];
  accelerator: Accelerator;
  cuda: { version: string; source: string } | null;
  models: ModelArtifact[];
  /**
   * A file run with python, or a `[project.scripts]` target (`pkg.cli:main`, as written) with the
   * `script` the image runs by name once the project is installed.
   */
  entrypoint: { path: string; source: string; script?: ConsoleScript } | null;
  /**
   * The server the image runs (docs/detection.md, "Servers"): what starts it, the app it serves and
   * a health route the app defines. Absent where detect did not run (hand-made specs).
   */
  server?: DetectedServer | null;
  /**
   * Frameworks installed as their CPU-only build, each with what said so (docs/detection.md,
   * "CPU builds"); they make no GPU variant. Absent where detect did not run (hand-made specs).
   */
  cpuBuilds?: { framework: string; why: string }[];
  /** Debian packages the project asks for (cog.yaml `system_packages`); plan adds those frameworks need. */
  systemPackages: { name: string; source: string }[];
  projects: string[];
  warnings: Warning[];
}

/** The documented `detect --json` contract: the spec without the parse details later phases use. */
export function specContract(spec: EnvironmentSpec) {
  return {
    python: spec.python,
    dependencies: {
      format: spec.dependencies.format,
      files: spec.dependencies.files,
      lockfile: spec.dependencies.lockfile,
    },
    frameworks: spec.frameworks.map(({ name, spec: specifier, locked, source }) => ({
      name,
      spec: specifier,
      locked,
      source,
    })),
    accelerator: spec.accelerator,
    cuda: spec.cuda,
    models: spec.models.map((model) => model.path),
    entrypoint: spec.entrypoint?.path ?? null,
    server: serverContract(spec.server ?? null),
    projects: spec.projects,
    warnings: spec.warnings,
  };
}

/** The server as `detect --json` shows it: what starts it, from where, and what is probed. */
function serverContract(server: DetectedServer | null) {
  if (!server) return null;
  const { how } = server;
  return {
    kind: server.app?.kind ?? null,
    app: server.app?.target ?? null,
    // Where the server was decided: the app's line, or the Procfile's or script's that starts it.
    source: how.by === 'runner' ? (server.app?.source ?? null) : how.source,
    runner: how.by === 'runner' ? how.runner : how.by,
    command: how.by === 'runner' ? how.command : how.by === 'procfile' ? how.command : how.script,
    health: server.health?.path ?? null,
  };
}
