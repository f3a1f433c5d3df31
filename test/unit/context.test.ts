import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commitFacts } from '../../src/adapters/git.js';
import {
  githubContext,
  isPullRequestEvent,
  localContext,
  type RunContext,
  withCommitTime,
} from '../../src/context.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/events/${name}`, import.meta.url));

/** The environment a runner sets for a workflow in Octo-Org/Iris-Model. */
const runnerEnv = (
  eventName: string,
  eventFile: string | undefined,
  ref: string,
  sha: string,
): NodeJS.ProcessEnv => ({
  GITHUB_EVENT_NAME: eventName,
  ...(eventFile === undefined ? {} : { GITHUB_EVENT_PATH: eventFile }),
  GITHUB_REF: ref,
  GITHUB_SHA: sha,
  GITHUB_REPOSITORY: 'Octo-Org/Iris-Model',
  GITHUB_SERVER_URL: 'https://github.com',
});

describe('githubContext', () => {
  it.each([
    [
      'a push to main',
      runnerEnv(
        'push',
        fixture('push-main.json'),
        'refs/heads/main',
        '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
      ),
      {
        eventName: 'push',
        ref: 'refs/heads/main',
        sha: '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
        repository: 'Octo-Org/Iris-Model',
        serverUrl: 'https://github.com',
        pullRequest: null,
        commitTime: '2024-05-14T10:21:33+02:00',
        description: null,
        license: null,
      },
    ],
    [
      'a push of tag v1.2.3',
      runnerEnv(
        'push',
        fixture('push-tag.json'),
        'refs/tags/v1.2.3',
        '9fceb02d0ae598e95dc970b74767f19372d61af8',
      ),
      {
        eventName: 'push',
        ref: 'refs/tags/v1.2.3',
        sha: '9fceb02d0ae598e95dc970b74767f19372d61af8',
        repository: 'Octo-Org/Iris-Model',
        serverUrl: 'https://github.com',
        pullRequest: null,
        commitTime: '2024-06-01T12:00:00Z',
        description: 'Iris species classifier, served as a container',
        license: 'Apache-2.0',
      },
    ],
    [
      'a pull request from a branch of the same repository',
      runnerEnv(
        'pull_request',
        fixture('pull-request.json'),
        'refs/pull/42/merge',
        'd6fde92930d4715a2b49857d24b940956b26d2d3',
      ),
      {
        eventName: 'pull_request',
        ref: 'refs/pull/42/merge',
        sha: 'd6fde92930d4715a2b49857d24b940956b26d2d3',
        repository: 'Octo-Org/Iris-Model',
        serverUrl: 'https://github.com',
        pullRequest: { number: 42, fromFork: false },
        commitTime: null,
        description: null,
        license: null,
      },
    ],
    [
      'a pull request from a fork',
      runnerEnv(
        'pull_request',
        fixture('pull-request-fork.json'),
        'refs/pull/57/merge',
        'b7e3f2a1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5',
      ),
      {
        eventName: 'pull_request',
        ref: 'refs/pull/57/merge',
        sha: 'b7e3f2a1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5',
        repository: 'Octo-Org/Iris-Model',
        serverUrl: 'https://github.com',
        pullRequest: { number: 57, fromFork: true },
        commitTime: null,
        description: null,
        license: null,
      },
    ],
  ])('reads %s', (_, env, expected) => {
    expect(githubContext(env)).toEqual(expected satisfies RunContext);
  });

  it("leaves GitHub's NOASSERTION out: no license is known", () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-container-event-'));
    const file = join(dir, 'event.json');
    writeFileSync(file, JSON.stringify({ repository: { license: { spdx_id: 'NOASSERTION' } } }));
    expect(githubContext(runnerEnv('push', file, 'refs/heads/main', 'x')).license).toBeNull();
  });

  it('takes the commit time from head_commit, not from the first of several commits', () => {
    const context = githubContext(runnerEnv('push', fixture('push-main.json'), 'refs/heads/main', 'x'));
    expect(context.commitTime).toBe('2024-05-14T10:21:33+02:00');
  });

  it('falls back to the last commit when the payload has no head_commit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-container-event-'));
    const file = join(dir, 'event.json');
    writeFileSync(
      file,
      JSON.stringify({
        head_commit: null,
        commits: [{ timestamp: '2024-01-01T00:00:00Z' }, { timestamp: '2024-01-02T00:00:00Z' }],
      }),
    );
    expect(githubContext(runnerEnv('push', file, 'refs/heads/main', 'x')).commitTime).toBe(
      '2024-01-02T00:00:00Z',
    );
  });

  it('counts a pull request whose head repository was deleted as from a fork', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-container-event-'));
    const file = join(dir, 'event.json');
    writeFileSync(
      file,
      JSON.stringify({
        pull_request: { number: 9, head: { repo: null } },
        repository: { full_name: 'Octo-Org/Iris-Model' },
      }),
    );
    expect(githubContext(runnerEnv('pull_request', file, 'refs/pull/9/merge', 'x')).pullRequest).toEqual({
      number: 9,
      fromFork: true,
    });
  });

  describe('an event file that cannot be read gives an empty payload, not a throw', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-container-event-'));
    const write = (name: string, text: string) => {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    };

    it.each([
      ['no GITHUB_EVENT_PATH', undefined],
      ['an empty GITHUB_EVENT_PATH', ''],
      ['a missing file', join(dir, 'does-not-exist.json')],
      ['a directory', dir],
      ['an empty file', write('empty.json', '')],
      ['garbled JSON', write('garbled.json', '{"pull_request": {"number": 4')],
      ['the JSON null', write('null.json', 'null')],
      ['a JSON number', write('number.json', '42')],
      ['a JSON string', write('string.json', '"push"')],
      ['a JSON array', write('array.json', '[1, 2]')],
    ])('%s', (_, eventFile) => {
      expect(githubContext(runnerEnv('pull_request', eventFile, 'refs/pull/3/merge', 'abc'))).toEqual({
        eventName: 'pull_request',
        ref: 'refs/pull/3/merge',
        sha: 'abc',
        repository: 'Octo-Org/Iris-Model',
        serverUrl: 'https://github.com',
        pullRequest: null,
        commitTime: null,
        description: null,
        license: null,
      });
    });
  });

  it('reads an empty environment as a local run on github.com', () => {
    expect(githubContext({})).toEqual({
      eventName: 'local',
      ref: null,
      sha: null,
      repository: null,
      serverUrl: 'https://github.com',
      pullRequest: null,
      commitTime: null,
      description: null,
      license: null,
    });
  });

  it('keeps the server URL of GitHub Enterprise Server', () => {
    expect(githubContext({ GITHUB_SERVER_URL: 'https://github.example.com' }).serverUrl).toBe(
      'https://github.example.com',
    );
  });
});

describe('localContext', () => {
  it('is a local event with the commit and its time and nothing else', () => {
    expect(localContext('0123456789abcdef', '2024-05-14T10:21:33+02:00')).toEqual({
      eventName: 'local',
      ref: null,
      sha: '0123456789abcdef',
      repository: null,
      serverUrl: 'https://github.com',
      pullRequest: null,
      commitTime: '2024-05-14T10:21:33+02:00',
    });
  });

  it('works outside a git checkout', () => {
    expect(localContext(null, null)).toMatchObject({ eventName: 'local', sha: null, commitTime: null });
  });
});

describe('isPullRequestEvent', () => {
  it.each([
    ['pull_request', true],
    ['pull_request_target', true],
    ['push', false],
    ['workflow_dispatch', false],
    ['release', false],
    ['local', false],
  ])('%s → %s', (eventName, expected) => {
    expect(isPullRequestEvent({ ...localContext(null, null), eventName })).toBe(expected);
  });
});

describe('withCommitTime', () => {
  const sha = 'c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffe';
  const release = () =>
    githubContext(runnerEnv('release', fixture('release-published.json'), 'refs/tags/v1.2.3', sha));

  it('asks the checkout for the time of GITHUB_SHA when the event has no head_commit (a release)', async () => {
    const asked: string[] = [];
    const context = await withCommitTime(release(), async (commit) => {
      asked.push(commit);
      return '2026-11-20T10:11:12+01:00';
    });
    expect(asked).toEqual([sha]);
    expect(context.commitTime).toBe('2026-11-20T10:11:12+01:00');
  });

  it("keeps the event's head_commit time without asking git", async () => {
    const push = githubContext(runnerEnv('push', fixture('push-tag.json'), 'refs/tags/v1.2.3', sha));
    expect(push.commitTime).not.toBeNull();
    const context = await withCommitTime(push, async () => {
      throw new Error('git must not be asked');
    });
    expect(context.commitTime).toBe(push.commitTime);
  });

  it('leaves the time unknown when git cannot tell (no checkout)', async () => {
    expect((await withCommitTime(release(), async () => null)).commitTime).toBeNull();
  });
});

describe('commitFacts', () => {
  const git = (dir: string, ...args: string[]) =>
    execFileSync('git', ['-C', dir, ...args], {
      env: {
        ...process.env,
        GIT_AUTHOR_DATE: '2026-11-20T10:11:12+01:00',
        GIT_COMMITTER_DATE: '2026-11-20T10:11:12+01:00',
        GIT_AUTHOR_NAME: 'a',
        GIT_AUTHOR_EMAIL: 'a@example.com',
        GIT_COMMITTER_NAME: 'a',
        GIT_COMMITTER_EMAIL: 'a@example.com',
      },
      encoding: 'utf8',
    }).trim();

  it('reads the committer time of a commit from the checkout holding the folder', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'ml-container-git-'));
    git(repo, 'init', '-q');
    mkdirSync(join(repo, 'model'));
    writeFileSync(join(repo, 'model', 'requirements.txt'), 'numpy\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'first');
    const head = git(repo, 'rev-parse', 'HEAD');
    expect(await commitFacts(join(repo, 'model'), head)).toEqual({
      sha: head,
      time: '2026-11-20T10:11:12+01:00',
    });
    expect(await commitFacts(join(repo, 'model'), '0'.repeat(40))).toEqual({ sha: null, time: null });
  });

  it('never hands git a revision it could read as an option', async () => {
    expect(await commitFacts(tmpdir(), '--output=/tmp/x')).toEqual({ sha: null, time: null });
  });
});

describe('commitFacts on a folder a pull request filled', () => {
  it('does not obey a bare repository planted in the project (a promisor remote with an sshCommand)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ml-container-git-hostile-'));
    const project = join(root, 'ctx');
    const witness = join(root, 'pwned');
    mkdirSync(join(project, 'objects'), { recursive: true });
    mkdirSync(join(project, 'refs'), { recursive: true });
    writeFileSync(join(project, 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(
      join(project, 'config'),
      [
        '[core]',
        '\trepositoryformatversion = 1',
        '\tbare = true',
        `\tsshCommand = "touch ${witness}; false"`,
        '[extensions]',
        '\tpartialClone = origin',
        '[remote "origin"]',
        '\turl = ssh://example.invalid/x',
        '\tpromisor = true',
        '',
      ].join('\n'),
    );
    expect(await commitFacts(project, 'c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffe')).toEqual({
      sha: null,
      time: null,
    });
    expect(await commitFacts(project)).toEqual({ sha: null, time: null });
    expect(existsSync(witness)).toBe(false);
  });
});
