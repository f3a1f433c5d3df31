import type { RunContext } from '../context.js';
import type { Inputs } from '../inputs.js';
import type { PushDecision } from '../publish/policy.js';

/** Whether the image takes the reproducible route (timestamps rewritten, an OCI export then loaded), and why. */
export interface ReproducibleRoute {
  reproducible: boolean;
  why: string;
}

/**
 * For a project's own Dockerfile, whose layers the action does not write: BuildKit rewriting every
 * layer's file times costs seconds per build even when nothing changed, so by default only an image
 * that will be published pays it; a pull request loads straight in. The generated Dockerfile's
 * layers are reproducible as built (render/clamp.ts) and never take this route.
 */
export function reproducibleRoute(wanted: Inputs['reproducible'], mayPush: PushDecision): ReproducibleRoute {
  if (wanted === 'true') return { reproducible: true, why: "input 'reproducible' is true" };
  if (wanted === 'false') return { reproducible: false, why: "input 'reproducible' is false" };
  return mayPush.push
    ? { reproducible: true, why: 'the image is pushed (reproducible: auto)' }
    : {
        reproducible: false,
        why: "nothing is pushed (reproducible: auto); set 'reproducible: true' to check it here",
      };
}

/** The commit time in seconds, for SOURCE_DATE_EPOCH; never the wall clock, which no rebuild could match. */
export function sourceDateEpoch(context: RunContext): number | null {
  const time = context.commitTime ? Date.parse(context.commitTime) : Number.NaN;
  return Number.isNaN(time) ? null : Math.floor(time / 1000);
}
