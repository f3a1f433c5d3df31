import { readFileSync } from 'node:fs';

/** What the run was triggered by: the GitHub event on a runner, or a local checkout for the CLI. */
export interface RunContext {
  eventName: string;
  ref: string | null;
  sha: string | null;
  repository: string | null;
  serverUrl: string;
  pullRequest: { number: number; fromFork: boolean } | null;
  /** ISO time of the commit, for `org.opencontainers.image.created`; never the wall clock. */
  commitTime: string | null;
  /** The repository's description and SPDX license, as docker/metadata-action labels them. */
  description?: string | null;
  license?: string | null;
}

interface EventPayload {
  pull_request?: { number?: number; head?: { repo?: { full_name?: string } | null } };
  repository?: { full_name?: string; description?: string | null; license?: { spdx_id?: string } | null };
  head_commit?: { timestamp?: string } | null;
  commits?: { timestamp?: string }[];
}

export function githubContext(env: NodeJS.ProcessEnv): RunContext {
  const event = readEvent(env.GITHUB_EVENT_PATH);
  const eventName = env.GITHUB_EVENT_NAME ?? 'local';
  const pr = event.pull_request;
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

export function isPullRequestEvent(context: RunContext): boolean {
  return context.eventName === 'pull_request' || context.eventName === 'pull_request_target';
}
