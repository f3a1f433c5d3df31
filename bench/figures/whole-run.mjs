// Figure 8: the whole pull-request run as a user waits for it — `node dist/index.js` from start to
// its outputs (detect, plan, lock, build, smoke, the size report, cache restore and save), with
// `cache: local` and the Actions cache served on 127.0.0.1 by the same v1 protocol server the
// end-to-end tests use. Cold: nothing cached anywhere. Warm: after a one-line source change,
// committed. Two runners: a *fresh* one, as GitHub hosts them (empty BuildKit cache and home before
// every run: what the next run gets back is only what the Actions cache holds), and a *persistent*
// one (self-hosted: the BuildKit cache and ~/.cache stay).
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startActionsCacheServer } from '../../test/e2e/actions-cache-server.mjs';
import { checkout, emptyBuildCache, testbed } from '../lib.mjs';

/** dist/index.js as the runner starts it on a pull request from a branch of the repository. */
async function runAction(workspace, home, inputs, cacheUrl) {
  const runner = mkdtempSync(join(tmpdir(), 'bench-runner-'));
  const event = join(runner, 'event.json');
  const repository = { full_name: 'acme/bench', name: 'bench', owner: { login: 'acme' } };
  const sha = spawnSync('git', ['-C', workspace, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(
    event,
    JSON.stringify({
      number: 8,
      pull_request: { number: 8, head: { sha, repo: repository }, base: { repo: repository } },
      repository,
    }),
  );
  for (const file of ['output', 'summary.md']) writeFileSync(join(runner, file), '');
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    DOCKER_CONFIG: process.env.DOCKER_CONFIG ?? join(process.env.HOME ?? '', '.docker'),
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_REF: 'refs/pull/8/merge',
    GITHUB_SHA: sha,
    GITHUB_REPOSITORY: 'acme/bench',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: join(runner, 'output'),
    GITHUB_STEP_SUMMARY: join(runner, 'summary.md'),
    RUNNER_TEMP: runner,
    ACTIONS_CACHE_URL: cacheUrl,
    ACTIONS_RUNTIME_TOKEN: 'bench',
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const started = process.hrtime.bigint();
  // Not spawnSync: the Actions cache server answers from this process's event loop.
  const child = spawn(process.execPath, [resolve('dist/index.js')], { cwd: workspace, env });
  let log = '';
  child.stdout.on('data', (chunk) => {
    log += chunk;
  });
  child.stderr.on('data', (chunk) => {
    log += chunk;
  });
  const status = await new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', done);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(runner, { recursive: true, force: true });
  if (status !== 0) {
    throw new Error(`dist/index.js exited ${status}:\n${log.split('\n').slice(-40).join('\n')}`);
  }
  return { seconds, log };
}

export async function wholeRun(example, runner, extraInputs = {}) {
  const bed = testbed();
  const server = await startActionsCacheServer();
  const home = mkdtempSync(join(tmpdir(), 'bench-home-'));
  try {
    const project = checkout(example);
    const inputs = {
      image: `${bed.registry}/bench/${example}-whole`,
      'base-image': bed.baseImage,
      'index-url': bed.indexUrl,
      'pytorch-index-url': bed.pytorchIndex,
      network: bed.network,
      sbom: 'false',
      cache: 'local',
      ...extraInputs,
    };
    const fresh = () => {
      emptyBuildCache();
      rmSync(home, { recursive: true, force: true });
      mkdirSync(home);
    };
    fresh();
    const cold = await runAction(project.dir, home, inputs, server.url);
    appendFileSync(join(project.dir, 'predict.py'), '\n# a source-only change\n');
    project.commit('edit predict.py');
    if (runner === 'fresh') fresh();
    const warm = await runAction(project.dir, home, inputs, server.url);
    return {
      example,
      runner,
      coldSeconds: cold.seconds,
      warmSeconds: warm.seconds,
      ratio: warm.seconds / cold.seconds,
      goal: 0.15,
      warmResolvedLock: !/reused the lock resolved earlier today/.test(warm.log),
    };
  } finally {
    await server.close();
    rmSync(home, { recursive: true, force: true });
  }
}
