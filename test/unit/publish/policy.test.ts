import { describe, expect, it } from 'vitest';
import { localContext, type RunContext } from '../../../src/context.js';
import { type Inputs, parseInputs } from '../../../src/inputs.js';
import { pushDecision } from '../../../src/publish/policy.js';

const defaults: Inputs = parseInputs(() => '');

const on = (eventName: string): RunContext => ({
  eventName,
  ref: eventName.startsWith('pull_request') ? 'refs/pull/42/merge' : 'refs/heads/main',
  sha: '9fceb02d0ae598e95dc970b74767f19372d61af8',
  repository: 'Octo-Org/Iris-Model',
  serverUrl: 'https://github.com',
  pullRequest: eventName.startsWith('pull_request') ? { number: 42, fromFork: false } : null,
  commitTime: null,
});

describe('pushDecision', () => {
  it.each([
    // push input, event, smoke passed → pushed, why
    [false, 'push', true, false, "input 'push' is false"],
    [false, 'pull_request', true, false, "input 'push' is false"],
    [false, 'push', false, false, "input 'push' is false"],
    [
      true,
      'pull_request',
      true,
      false,
      'pull_request events never push: the image was built and smoke-tested only',
    ],
    [
      true,
      'pull_request_target',
      true,
      false,
      'pull_request_target events never push: the image was built and smoke-tested only',
    ],
    [
      true,
      'pull_request',
      false,
      false,
      'pull_request events never push: the image was built and smoke-tested only',
    ],
    [true, 'push', false, false, 'the smoke test failed'],
    [true, 'push', true, true, "input 'push' is true and the smoke test passed"],
    [true, 'workflow_dispatch', true, true, "input 'push' is true and the smoke test passed"],
    [true, 'release', true, true, "input 'push' is true and the smoke test passed"],
  ])('push=%s on %s, smoke passed=%s → pushed=%s (%s)', (push, eventName, smokePassed, pushed, why) => {
    expect(pushDecision({ ...defaults, push }, on(eventName), smokePassed)).toEqual({ push: pushed, why });
  });

  it('never pushes from a fork', () => {
    const fork = { ...on('pull_request'), pullRequest: { number: 57, fromFork: true } };
    expect(pushDecision({ ...defaults, push: true }, fork, true).push).toBe(false);
  });

  it('pushes a local run when asked and the smoke test passed', () => {
    expect(pushDecision({ ...defaults, push: true }, localContext(null, null), true).push).toBe(true);
  });

  it.each([
    [false, 'push', true],
    [true, 'pull_request', true],
    [true, 'push', false],
    [true, 'push', true],
  ])('explains itself in a sentence (push=%s, %s, smoke passed=%s)', (push, eventName, smokePassed) => {
    const { why } = pushDecision({ ...defaults, push }, on(eventName), smokePassed);
    expect(why).toMatch(/^[a-z'].* \S+/);
    expect(why).not.toMatch(/[.\s]$/);
  });
});
