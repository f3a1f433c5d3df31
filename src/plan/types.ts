import type { ServerKind } from '../data/servers.js';
import type { Framework, ModelArtifact } from '../detect/spec.js';
import type { HeavyFile } from './layers.js';

/** A choice the plan made and the file, line, input or table row that made it. */

/** Where RUN steps and the resolver reach the network (input 'network'), as buildx names it. */
export type BuildNetwork = 'default' | 'host' | 'none';
/** A BuildKit cache backend (input 'cache'). */
export type CacheBackend = 'none' | 'gha' | 'registry' | 'local';

export interface Decision {
  topic: string;
  choice: string;
  why: string;
}

export interface BaseImage {
  /** The reference as chosen, without digest, e.g. docker.io/library/python:3.11-slim-bookworm. */
  image: string;
  /** Filled from the registry before rendering; rendering refuses an unpinned base. */
  digest: string | null;
}

export type Strategy = 'cpu' | 'pip-cuda' | 'system-cuda';

/** How the lock is made: resolved from requirements, or converted from a lock the project has. */
export type LockSource = { kind: 'resolve' } | { kind: 'convert'; lockfile: string };

/**
 * The Dockerfile a variant is built from: rendered from the plan and lock, or the project's own
 * (input 'file'), which installs what it installs: then no lock is made and no base is chosen.
 */
export type DockerfileSource =
  | { kind: 'generated' }
  | { kind: 'project'; path: string; target: string | null; why: string };

export interface ProjectInstall {
  /** The console script, run by name from the venv's bin (on PATH). */
  script: string;
  /** True where the build backend is not in the lock: pip downloads it, unpinned, to build. */
  buildIsolation: boolean;
}

/** A request the serve test sends, and the answer it must get. */
export interface ServeProbe {
  method: string;
  path: string;
  /** `success`: 2xx; `answers`: any status below 500 (the server is up and did not fail). */
  expect: 'success' | 'answers';
  why: string;
}

/** How the image serves the project, and how the serve test asks it (src/plan/server.ts). */
export interface ServerPlan {
  /** The framework whose routes are probed; null when only a Procfile or console script says there is a server. */
  kind: ServerKind | null;
  /** The `/bin/sh -c` line of the generated image's CMD; null for the project's own Dockerfile, run with its own. */
  command: string | null;
  /** The port probed; the command reads it from $PORT (ENV PORT) unless `portFromEnv` is false. */
  port: number;
  portFromEnv: boolean;
  /** cog: the server listens before setup() returns; /health-check must say READY. */
  readiness: 'answers' | 'cog-ready';
  probes: ServeProbe[];
  /** Environment the serve test's container adds, to make the server run the app on a probe (servers.json `testEnv`). */
  testEnv: Record<string, string>;
  /** Whether the serve test runs (input 'smoke-serve'). */
  test: boolean;
  /**
   * `smoke-serve: true`: the project's own image must be served even when it EXPOSEs nothing;
   * under `auto` such an image (a batch job, say) is not serve-tested.
   */
  required: boolean;
  why: string;
}

/** Plan's output: one per variant, read by every later phase. */
export interface BuildPlan {
  variant: 'cpu' | 'gpu';
  /** `cpu` for the CPU variant; for GPU, whether CUDA comes from wheels or from an nvidia/cuda base. */
  strategy: Strategy;
  /** CUDA major.minor of a GPU variant (major only when that is all the project says). */
  cuda: { version: string; source: string } | null;
  python: string;
  dockerfile: DockerfileSource;
  /** null when the project's own Dockerfile chooses its base. */
  base: BaseImage | null;
  /**
   * system-cuda only: the image Python is installed with (uv, pinned like the base), since
   * nvidia/cuda images carry no Python of their own.
   */
  pythonInstaller: BaseImage | null;
  /** Index URLs without credentials; `privateIndexes` says some had them (see credentials.ts). */
  indexUrl: string | null;
  extraIndexUrls: string[];
  privateIndexes: boolean;
  /**
   * CPU variant with PyTorch: take these packages' `+cpu` builds from PyTorch's CPU index, not the
   * multi-gigabyte CUDA wheels a plain index serves.
   */
  cpuTorch: { indexUrl: string; packages: { name: string; specifier: string }[] } | null;
  lockSource: LockSource;
  network: BuildNetwork;
  /** Target platforms as buildx names them; empty for the builder's own. Each is locked and smoke-tested on itself. */
  platforms: string[];
  /** Manifest the lock is resolved from, relative to the context. */
  requirementsFile: string;
  /**
   * PEP 508 lines to resolve when the manifest is not a pip requirements file (pyproject, conda's
   * pip list, cog's python_packages …); null to resolve `requirementsFile` itself with `pip -r`.
   */
  requirementLines: string[] | null;
  frameworks: Framework[];
  models: ModelArtifact[];
  /** The file run with python; null when there is none, or when the entry point is a console script. */
  entrypoint: string | null;
  /** The server the image's command starts, and its serve test; null when the project serves nothing. */
  server: ServerPlan | null;
  /** A console-script project: installed after the lock, its script the image's command. */
  installProject: ProjectInstall | null;
  /** Debian packages apt installs in the base stage, sorted, each with why. */
  systemPackages: { name: string; why: string }[];
  /** The repository's own .dockerignore is used when it has one. */
  generateDockerignore: boolean;
  /** Heavy files of the context, each copied in a layer of its own before the source (plan/layers.ts). */
  heavyFiles: HeavyFile[];
  layout: { venv: string; workdir: string; uid: number; user: string };
  decisions: Decision[];
}

export function pinnedBase(base: BaseImage): string {
  if (!base.digest) throw new Error(`base image ${base.image} has not been pinned to a digest`);
  return `${base.image}@${base.digest}`;
}

/** The base of a plan the action renders a Dockerfile for: lock and render run for no other. */
export function baseOf(plan: Pick<BuildPlan, 'base' | 'dockerfile'>): BaseImage {
  if (!plan.base)
    throw new Error(
      `a plan building ${plan.dockerfile.kind === 'project' ? plan.dockerfile.path : 'a generated Dockerfile'} has no base to lock or render with`,
    );
  return plan.base;
}
