import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../src/context.js';
import { pipeline } from '../../src/pipeline.js';
import { fakeDocker } from './fake-docker.js';
import { inputsWith, pullRequestRun, testLogger } from './helpers.js';

const SECRET = 's3cret-token';
const example = resolve('examples/sklearn-iris');

const pullRequest = (eventName: string, fromFork: boolean) => pullRequestRun(7, fromFork, eventName);

/** Runs the pipeline with a private index and every cache option, recording what reached Docker. */
async function runWith(context: RunContext, extra: Record<string, string> = {}) {
  const docker = fakeDocker();
  const handed: string[] = [];
  const exec = docker.exec.bind(docker);
  docker.exec = async (args, options) => {
    // What a container or BuildKit could read: the resolver's environment and the pip.conf secret.
    if (options?.env?.ML_CONTAINER_INDEXES) handed.push(options.env.ML_CONTAINER_INDEXES);
    const secret = args
      .find((arg) => arg.startsWith('id=pip-config,src='))
      ?.slice('id=pip-config,src='.length);
    if (secret && existsSync(secret)) handed.push(readFileSync(secret, 'utf8'));
    return exec(args, options);
  };
  const warnings: string[] = [];
  const logger = testLogger({ warning: warnings });
  const report = await pipeline(
    inputsWith({
      context: example,
      image: 'r/iris',
      cache: 'gha',
      'cache-to': 'type=registry,ref=r/iris:shared',
      'index-url': `https://ci:${SECRET}@pypi.internal.example/simple`,
      ...extra,
    }),
    context,
    { docker, logger },
  );
  const build = docker.calls.find((call) => call[0] === 'buildx' && call[1] === 'build') ?? [];
  return { report, build, handed, warnings };
}

describe("an untrusted pull request's run", () => {
  it('from a fork: writes no cache and hands no credentials to the resolver or the build, and says so', async () => {
    const { report, build, handed, warnings } = await runWith(pullRequest('pull_request', true));
    expect(report.error).toBeUndefined();
    expect(build).not.toContain('--cache-to');
    expect(build).toContain('--cache-from');
    expect(handed.length).toBeGreaterThan(0);
    expect(handed.join('\n')).not.toContain(SECRET);
    expect(warnings.join('\n')).toContain(
      'credentials for https://pypi.internal.example/simple withheld from the resolver and the build: pull request #7 comes from a fork',
    );
    expect(warnings.join('\n')).toContain('no build cache is written: pull request #7 comes from a fork');
    expect(report.notes.join('\n')).toContain('allow-fork-credentials: true');
  });

  it("from a fork with 'allow-fork-credentials': the credentials reach pip, still no cache is written", async () => {
    const { build, handed } = await runWith(pullRequest('pull_request', true), {
      'allow-fork-credentials': 'true',
    });
    expect(build).not.toContain('--cache-to');
    expect(handed.join('\n')).toContain(SECRET);
  });

  it('under pull_request_target from a branch of the repository: credentials reach pip, no cache is written', async () => {
    const { build, handed, warnings } = await runWith(pullRequest('pull_request_target', false));
    expect(build).not.toContain('--cache-to');
    expect(handed.join('\n')).toContain(SECRET);
    expect(warnings.join('\n')).toContain("pull_request_target would write the base branch's caches");
  });

  it('from a branch of the repository: the Actions cache is written and credentials reach pip', async () => {
    const { build, handed, warnings } = await runWith(pullRequest('pull_request', false));
    expect(build[build.indexOf('--cache-to') + 1]).toMatch(/^type=gha,scope=ml-container-cpu,mode=max/);
    expect(handed.join('\n')).toContain(SECRET);
    expect(warnings.join('\n')).not.toContain('withheld');
  });
});
