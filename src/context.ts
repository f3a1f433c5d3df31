import { readFileSync } from 'node:fs';

/** What the run was triggered by: the GitHub event on a runner, or a local checkout for the CLI. */
export interface RunContext {
  eventName: string;
  ref: string | null;
  sha: string | null;
  repository: string | null;
  serverUrl: string;
  pullRequest: { number: number; fromFork: boolean } | null;
  /**
   * Events other than pull requests that still build a pull request's code: a `workflow_run` of
   * a fork's run, an `issue_comment` on a pull request (whose head the payload does not name).
   * Absent means no such event.
   */
  foreignCode?: string;
  /** ISO time of the commit, for `org.opencontainers.image.created`; never the wall clock. */
  commitTime: string | null;
  /** The repository's description and SPDX license, as docker/metadata-action labels them. */
  description?: string | null;
  license?: string | null;
}

interface EventPayload {
  pull_request?: { number?: number; head?: { repo?: { full_name?: string } | null } };
  workflow_run?: { event?: string; head_repository?: { full_name?: string } | null };
  issue?: { number?: number; pull_request?: unknown };
  repository?: { full_name?: string; description?: string | null; license?: { spdx_id?: string } | null };
  head_commit?: { timestamp?: string } | null;
  commits?: { timestamp?: string }[];
}

export function githubContext(env: NodeJS.ProcessEnv): RunContext {
  const event = readEvent(env.GITHUB_EVENT_PATH);
  const eventName = env.GITHUB_EVENT_NAME ?? 'local';
  const pr = event.pull_request;
  const foreignCode = foreignCodeOf(eventName, event);
  return {
    eventName,
    ref: env.GITHUB_REF ?? null,
    sha: env.GITHUB_SHA ?? null,
    repository: env.GITHUB_REPOSITORY ?? null,
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    pullRequest:
      pr && typeof pr.number === 'number'
        ? {
            number: pr.number,
            fromFork: (pr.head?.repo?.full_name ?? null) !== (event.repository?.full_name ?? null),
          }
        : null,
    ...(foreignCode ? { foreignCode } : {}),
    commitTime: event.head_commit?.timestamp ?? event.commits?.at(-1)?.timestamp ?? null,
    description: event.repository?.description ?? null,
    // GitHub says NOASSERTION when it cannot tell the license: that is no license to label.
    license:
      event.repository?.license?.spdx_id && event.repository.license.spdx_id !== 'NOASSERTION'
        ? event.repository.license.spdx_id
        : null,
  };
}

/**
 * Fills the commit time from the checkout when the event has none (release, workflow_dispatch,
 * schedule, a tag push without head_commit), so that every event of one commit gets the same
 * SOURCE_DATE_EPOCH, image digest and `created` label. `lookup` asks git for a commit's time.
 */
export async function withCommitTime(
  context: RunContext,
  lookup: (sha: string) => Promise<string | null>,
): Promise<RunContext> {
  if (context.commitTime || !context.sha) return context;
  return { ...context, commitTime: await lookup(context.sha) };
}

export function localContext(sha: string | null, commitTime: string | null): RunContext {
  return {
    eventName: 'local',
    ref: null,
    sha,
    repository: null,
    serverUrl: 'https://github.com',
    pullRequest: null,
    commitTime,
  };
}

function readEvent(path: string | undefined): EventPayload {
  if (!path) return {};
  try {
    const payload: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof payload === 'object' && payload !== null ? (payload as EventPayload) : {};
  } catch {
    return {};
  }
}

/** The events whose payload is a pull request: they build its code, and never push. */
const PULL_REQUEST_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
]);

export function isPullRequestEvent(context: RunContext): boolean {
  return PULL_REQUEST_EVENTS.has(context.eventName);
}

function foreignCodeOf(eventName: string, event: EventPayload): string | undefined {
  const run = event.workflow_run;
  if (eventName === 'workflow_run' && run) {
    const head = run.head_repository?.full_name ?? null;
    if (head !== (event.repository?.full_name ?? null)) {
      return `the workflow run it follows built ${head ?? 'a deleted repository'}'s code`;
    }
  }
  if (eventName === 'issue_comment' && event.issue?.pull_request) {
    return `a comment on pull request #${event.issue.number ?? '?'}, whose head the event does not name`;
  }
  return undefined;
}

/**
 * Why the code this run builds comes from outside the repository (a fork), or null: such a run
 * writes no cache, gets no credentials and pushes nothing. A pull request event whose payload
 * names no head repository (a deleted fork) counts as a fork: a missing fact must not make the
 * run more trusting.
 */
export function forkOrigin(context: RunContext): string | null {
  if (isPullRequestEvent(context)) {
    if (context.pullRequest && !context.pullRequest.fromFork) return null;
    return `${context.pullRequest ? `pull request #${context.pullRequest.number}` : 'the pull request'} comes from a fork`;
  }
  return context.foreignCode ?? null;
}
