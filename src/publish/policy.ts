import { forkOrigin, isPullRequestEvent, type RunContext } from '../context.js';
import type { Inputs } from '../inputs.js';

export interface PushDecision {
  push: boolean;
  why: string;
}

/** Push only what passed, and never from a pull request or a fork's code, which nobody has reviewed yet. */
export function pushDecision(inputs: Inputs, context: RunContext, smokePassed: boolean): PushDecision {
  if (!inputs.push) return { push: false, why: "input 'push' is false" };
  if (isPullRequestEvent(context)) {
    return {
      push: false,
      why: `${context.eventName} events never push: the image was built and smoke-tested only`,
    };
  }
  const fork = forkOrigin(context);
  if (fork) return { push: false, why: `${fork}: its image is built and smoke-tested only` };
  if (!smokePassed) return { push: false, why: 'the smoke test failed' };
  return { push: true, why: "input 'push' is true and the smoke test passed" };
}
