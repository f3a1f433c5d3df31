import { resolve } from 'node:path';
import type { RunContext } from '../context.js';
import type { DetectOptions } from '../detect/index.js';
import type { BuildArg, BuildSecret } from '../dockerfile-inputs.js';
import type { CacheBackend, Inputs } from '../inputs.js';
import { type PushDecision, pushDecision } from '../publish/policy.js';
import type { SmokeSettings } from '../smoke/index.js';
import { inputIndexUrls } from './credentials.js';
import { type GeneratedFolder, generatedFolder } from './generated.js';
import { type ReproducibleRoute, reproducibleRoute, sourceDateEpoch } from './reproducible.js';
import { type TrustPolicy, trustPolicy } from './trust.js';
import type { DockerfileSource } from './types.js';

/**
 * The decisions about the run as a whole, made once from the inputs and the event before detect:
 * the phases read them, and none reads the inputs. Those that need a fact found later (the
 * project's indexes, the builder, the smoke test) are the functions beside this one.
 */
export interface RunPlan {
  /** The build context, absolute. */
  contextDir: string;
  /** Input 'plan-only': stop after plan, for a first job that fans out a matrix of variants. */
  stopAfter: 'plan' | null;
  detect: DetectOptions;
  /** Input 'allow-lfs-pointers': weights never fetched are warned about and left out, not refused. */
  allowLfsPointers: boolean;
  /** Every index URL the inputs give, any of which may carry credentials. */
  inputIndexUrls: string[];
  trust: TrustPolicy;
  /** Whether this run pushes once its smoke tests pass: it decides the reproducible route and cache writes. */
  mayPush: PushDecision;
  reproducible: ReproducibleRoute;
  /** The commit time in seconds; null when unknown, and then no build is reproducible. */
  sourceDateEpoch: number | null;
  cache: CachePlan;
  smoke: SmokeSettings & { expectedFile: string | null; requestFile: string | null };
  /** Input 'max-image-size' in bytes: a tested image over it is not pushed. null for no limit. */
  maxImageBytes: number | null;
  /** Where `write-generated` and `check-generated` keep the generated files; null when neither is set. */
  generated: GeneratedFolder | null;
  builder: BuilderPlan;
  /** What the run asks of the builder, so each thing it cannot do is said once (builderLimits). */
  builderWants: { cache: CacheBackend; provenance: boolean; reproducible: boolean };
  provenance: boolean;
  sbom: { sbom: boolean; generator: string };
  /** The generated Dockerfile, or the project's own (input 'file'). */
  dockerfile: DockerfileSource;
  /** What the project's own Dockerfile is built with; kept out of every plan and report. */
  dockerfileInputs: DockerfileBuildInputs;
}

export interface DockerfileBuildInputs {
  buildArgs: BuildArg[];
  /** Those the build gets: none when the trust policy withholds credentials. */
  secrets: BuildSecret[];
  /** The ids of the secrets withheld, for the note that says so. */
  withheldSecrets: string[];
}

export interface CachePlan {
  backend: CacheBackend;
  extraFrom: string[];
  extraTo: string[];
  githubToken: string | null;
  /** Whether this run may write caches at all, and why. */
  writes: { write: boolean; why: string };
  /** The inputs ask for a cache to be written; an untrusted run then says why none is. */
  wouldWrite: boolean;
}

export interface BuilderPlan {
  /** The buildx builder's name (input 'builder'); null takes BUILDX_BUILDER, else the current builder. */
  name: string | null;
  why: string;
  /** Target platforms (input 'platforms'), each locked and smoke-tested on itself: the builder must run every one. */
  platforms: string[];
  /** Inspect it before locking when there are target platforms, so a runner that cannot run one fails first. */
  inspectBeforeLock: boolean;
}

/** Pure: the same inputs and event give the same run. */
export function planRun(inputs: Inputs, context: RunContext): RunPlan {
  const trust = trustPolicy(context, { allowForkCredentials: inputs.allowForkCredentials });
  const mayPush = pushDecision(inputs, context, true);
  const reproducible = reproducibleRoute(inputs.reproducible, mayPush);
  const epoch = sourceDateEpoch(context);
  return {
    contextDir: resolve(inputs.context),
    stopAfter: inputs.planOnly ? 'plan' : null,
    detect: { dependencyFile: inputs.dependencyFile },
    allowLfsPointers: inputs.allowLfsPointers,
    inputIndexUrls: inputIndexUrls(inputs),
    trust,
    mayPush,
    reproducible,
    sourceDateEpoch: epoch,
    cache: {
      backend: inputs.cache,
      extraFrom: inputs.cacheFrom,
      extraTo: inputs.cacheTo,
      githubToken: inputs.githubToken,
      writes:
        trust.cacheWithheld === null
          ? { write: true, why: 'a trusted run writes the caches it reads' }
          : { write: false, why: trust.cacheWithheld },
      wouldWrite: inputs.cache !== 'none' || inputs.cacheTo.length > 0,
    },
    smoke: {
      command: inputs.smokeCommand,
      timeoutSeconds: inputs.smokeTimeoutSeconds,
      memory: inputs.smokeMemory,
      expectedFile: inputs.smokeExpected,
      requestFile: inputs.smokeRequest,
    },
    maxImageBytes: inputs.maxImageSize,
    generated: generatedFolder(inputs),
    builder: {
      name: inputs.builder,
      why: inputs.builder ? "input 'builder'" : 'BUILDX_BUILDER, else the current builder',
      platforms: inputs.platforms,
      inspectBeforeLock: inputs.platforms.length > 0,
    },
    builderWants: {
      cache: inputs.cache,
      provenance: inputs.provenance,
      reproducible: reproducible.reproducible && epoch !== null,
    },
    provenance: inputs.provenance,
    sbom: { sbom: inputs.sbom, generator: inputs.sbomGenerator },
    dockerfile: inputs.file
      ? { kind: 'project', path: inputs.file, target: inputs.target, why: "input 'file'" }
      : { kind: 'generated' },
    dockerfileInputs: {
      buildArgs: inputs.buildArgs,
      secrets: trust.credentialsWithheld ? [] : inputs.secrets,
      withheldSecrets: trust.credentialsWithheld ? inputs.secrets.map((secret) => secret.id) : [],
    },
  };
}

/**
 * The line saying why a project Dockerfile's timestamp rewrite is not taken; null when it is, when
 * no commit time allows it, or for the generated Dockerfile, whose layers are reproducible as built.
 */
export function reproducibleSkipped(
  run: Pick<RunPlan, 'reproducible' | 'sourceDateEpoch' | 'dockerfile'>,
): string | null {
  if (run.dockerfile.kind === 'generated') return null;
  if (run.reproducible.reproducible || run.sourceDateEpoch === null) return null;
  return `reproducible export skipped: ${run.reproducible.why}`;
}
