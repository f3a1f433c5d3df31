import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubContext, type RunContext } from '../../../src/context.js';
import { parseInputs } from '../../../src/inputs.js';
import { trustPolicy } from '../../../src/plan/trust.js';
import { pushDecision } from '../../../src/publish/policy.js';

const context = (eventName: string, pullRequest: RunContext['pullRequest']): RunContext => ({
  eventName,
  ref: null,
  sha: null,
  repository: 'acme/iris',
  serverUrl: 'https://github.com',
  pullRequest,
  commitTime: null,
});
const allow = { allowForkCredentials: false };

describe('trustPolicy', () => {
  it('trusts a push, a release and a pull request from a branch of the repository itself', () => {
    for (const run of [
      context('push', null),
      context('release', null),
      context('pull_request', { number: 3, fromFork: false }),
    ]) {
      expect(trustPolicy(run, allow)).toEqual({ cacheWithheld: null, credentialsWithheld: null });
    }
  });

  it("withholds cache writes and credentials from a fork's pull request", () => {
    expect(trustPolicy(context('pull_request', { number: 7, fromFork: true }), allow)).toEqual({
      cacheWithheld: 'pull request #7 comes from a fork',
      credentialsWithheld: 'pull request #7 comes from a fork',
    });
  });

  it('hands credentials over only when the workflow opts in, and still writes no cache', () => {
    expect(
      trustPolicy(context('pull_request_target', { number: 7, fromFork: true }), {
        allowForkCredentials: true,
      }),
    ).toEqual({ cacheWithheld: 'pull request #7 comes from a fork', credentialsWithheld: null });
  });

  it("writes no cache under pull_request_target even from the repository's own branch", () => {
    expect(trustPolicy(context('pull_request_target', { number: 9, fromFork: false }), allow)).toEqual({
      cacheWithheld: "pull_request_target would write the base branch's caches",
      credentialsWithheld: null,
    });
  });

  it('counts a pull request event whose payload names no head repository as a fork', () => {
    expect(trustPolicy(context('pull_request', null), allow)).toEqual({
      cacheWithheld: 'the pull request comes from a fork',
      credentialsWithheld: 'the pull request comes from a fork',
    });
  });
});

describe('events that build code from outside the repository', () => {
  const write = (event: Record<string, unknown>): string => {
    const path = join(mkdtempSync(join(tmpdir(), 'ml-container-event-')), 'event.json');
    writeFileSync(path, JSON.stringify({ repository: { full_name: 'acme/iris' }, ...event }));
    return path;
  };
  const contextOf = (eventName: string, event: Record<string, unknown>) =>
    githubContext({
      GITHUB_EVENT_NAME: eventName,
      GITHUB_EVENT_PATH: write(event),
      GITHUB_REPOSITORY: 'acme/iris',
    });
  const push = (context: RunContext) =>
    pushDecision(
      parseInputs((name) => (name === 'push' ? 'true' : '')),
      context,
      true,
    );

  it("treats a workflow_run of a fork's run as a fork: no cache, no credentials, no push", () => {
    const context = contextOf('workflow_run', {
      workflow_run: { event: 'pull_request', head_repository: { full_name: 'stranger/iris' } },
    });
    const why = "the workflow run it follows built stranger/iris's code";
    expect(trustPolicy(context, allow)).toEqual({ cacheWithheld: why, credentialsWithheld: why });
    expect(push(context)).toEqual({ push: false, why: `${why}: its image is built and smoke-tested only` });
  });

  it("trusts a workflow_run of the repository's own run", () => {
    const context = contextOf('workflow_run', {
      workflow_run: { event: 'push', head_repository: { full_name: 'acme/iris' } },
    });
    expect(trustPolicy(context, allow)).toEqual({ cacheWithheld: null, credentialsWithheld: null });
    expect(push(context).push).toBe(true);
  });

  it('treats a comment on a pull request as a fork, since the event names no head', () => {
    const context = contextOf('issue_comment', { issue: { number: 5, pull_request: { url: 'x' } } });
    expect(trustPolicy(context, allow).credentialsWithheld).toBe(
      'a comment on pull request #5, whose head the event does not name',
    );
    expect(push(context).push).toBe(false);
    // A comment on an issue builds nothing of a pull request's.
    expect(trustPolicy(contextOf('issue_comment', { issue: { number: 6 } }), allow).cacheWithheld).toBeNull();
  });

  it("treats a review of a fork's pull request as that pull request: never pushes", () => {
    const context = contextOf('pull_request_review', {
      pull_request: { number: 8, head: { repo: { full_name: 'stranger/iris' } } },
    });
    expect(trustPolicy(context, allow).credentialsWithheld).toBe('pull request #8 comes from a fork');
    expect(push(context).push).toBe(false);
  });
});
