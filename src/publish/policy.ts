import { forkOrigin, isPullRequestEvent, type RunContext } from '../context.js';

export interface PushDecision {
  push: boolean;
  why: string;
}

/** Whether the workflow asks for a push at all (input 'push'). */
export interface PushRequest {
  push: boolean;
}

/** Push only what passed, and never from a pull request or a fork's code, which nobody has reviewed yet. */
export function pushDecision(request: PushRequest, context: RunContext, smokePassed: boolean): PushDecision {
  if (!request.push) return { push: false, why: "input 'push' is false" };
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
