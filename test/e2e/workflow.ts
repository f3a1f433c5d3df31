import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runAction } from './run-action.js';
import { testbed } from './testbed.js';

export const example = resolve('examples/sklearn-iris');
export const sha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
/** Keeps this run's registry repositories apart from any earlier run's. */
export const run = `${Date.now().toString(36)}-${process.pid}`;

/** The same inputs a workflow would give, plus only what differs on the test bed (base, index, network). */
export function inputs(repository: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    context: 'model',
    image: `${testbed.registry}/${repository}`,
    'base-image': testbed.baseImage,
    'index-url': testbed.indexUrl,
    network: testbed.network,
    'sbom-generator': testbed.sbomGenerator,
    'smoke-command': 'python predict.py 5.1 3.5 1.4 0.2',
    ...extra,
  };
}

/** A fresh checkout of the example in its own workspace, as actions/checkout would leave it. */
export function workspaceWithExample(change?: (modelDir: string) => void): string {
  const workspace = mkdtempSync(join(tmpdir(), 'ml-container-e2e-'));
  cpSync(example, join(workspace, 'model'), { recursive: true });
  change?.(join(workspace, 'model'));
  return workspace;
}

export const repositoryPayload = { full_name: 'acme/iris', name: 'iris', owner: { login: 'acme' } };
const forkPayload = { full_name: 'stranger/iris', name: 'iris', owner: { login: 'stranger' } };

/** The action on a push to `ref` (a branch or a tag) at the commit `sha`, as the runner starts it. */
export function runOnPush(
  ref: string,
  actionInputs: Record<string, string>,
  workspace = workspaceWithExample(),
  /** More of the runner's environment, e.g. DOCKER_HOST. */
  env?: Record<string, string>,
) {
  return runAction({
    workspace,
    env,
    eventName: 'push',
    ref,
    sha,
    repository: 'acme/iris',
    event: {
      ref,
      head_commit: { id: sha, timestamp: '2026-11-20T10:11:12Z' },
      repository: repositoryPayload,
    },
    inputs: actionInputs,
  });
}

/**
 * The action on a pull request's merge commit, as the runner starts it: from a branch of the
 * repository, or (`fork`) from a stranger's fork, under `pull_request` or `pull_request_target`.
 */
export function runOnPullRequest(
  number: number,
  actionInputs: Record<string, string>,
  env?: Record<string, string>,
  options: { workspace?: string; fork?: boolean; eventName?: 'pull_request' | 'pull_request_target' } = {},
) {
  const head = options.fork ? forkPayload : repositoryPayload;
  return runAction({
    workspace: options.workspace ?? workspaceWithExample(),
    eventName: options.eventName ?? 'pull_request',
    ref: `refs/pull/${number}/merge`,
    sha,
    repository: 'acme/iris',
    event: {
      action: 'opened',
      number,
      pull_request: { number, head: { sha, repo: head }, base: { repo: repositoryPayload } },
      repository: repositoryPayload,
    },
    inputs: actionInputs,
    env,
  });
}
