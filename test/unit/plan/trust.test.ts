import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../../src/context.js';
import { trustPolicy } from '../../../src/plan/trust.js';

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
