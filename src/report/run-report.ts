import type { EnvironmentSpec } from '../detect/spec.js';
import type { UserError } from '../errors.js';
import type { BuilderInfo } from '../image/builder.js';
import type { BuildResult } from '../image/index.js';
import type { Lock } from '../lock/report.js';
import type { BuildPlan } from '../plan/types.js';
import type { PushDecision } from '../publish/policy.js';
import type { TagPlan } from '../publish/tags.js';
import type { GeneratedFile } from '../render/generated.js';
import type { SizeReport } from '../size/index.js';
import type { SmokeResult } from '../smoke/index.js';

/** What each step of a variant's way through the run leaves, in order. */
export interface Locked {
  /** null for the project's own Dockerfile, which installs what it installs. */
  lock: Lock | null;
}

export interface Rendered {
  dockerfile: string;
  /** What render wrote for buildx; `write-generated` and `check-generated` use the same files. */
  files: GeneratedFile[];
  generatedDir: string;
}

export interface Labelled {
  tags: TagPlan;
  labels: Record<string, string>;
}

export interface Built {
  build: BuildResult;
}

export interface Smoked {
  smoke: SmokeResult;
}

/** What the tested image holds and takes; left out of a run that failed before measuring. */
export interface Sized {
  size: SizeReport;
}

/** The push decision and the tags the registry confirmed, filled as each is: exact even after a failure. */
/**
 * `digest`: what the registry serves for the pushed tags (the classic store makes a new manifest);
 * `manifestDigest`: the platform image manifest it serves, the one a rebuild of the commit matches.
 */
export type PushRecord = PushDecision & { pushed: string[]; digest?: string; manifestDigest?: string };

export interface Published {
  publish: PushRecord;
}

/** One variant's way through lock → render → build → smoke → size → publish: its plan and the steps it got through. */
export type VariantReport = { plan: BuildPlan } & Partial<
  Locked & Rendered & Labelled & Built & Smoked & Sized & Published
>;

/** Everything a run found and did, kept even when a phase fails, so the summary can show how far it got. */
export interface RunReport {
  contextDir: string;
  spec?: EnvironmentSpec;
  builder?: BuilderInfo;
  variants: VariantReport[];
  notes: string[];
  error?: UserError;
}
