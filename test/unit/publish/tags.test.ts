import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { githubContext, localContext, type RunContext } from '../../../src/context.js';
import { type Inputs, parseInputs } from '../../../src/inputs.js';
import { computeTags, imageName, sanitizeTag } from '../../../src/publish/tags.js';

const defaults: Inputs = parseInputs(() => '');
const SHA = '9fceb02d0ae598e95dc970b74767f19372d61af8';
const IMAGE = 'ghcr.io/octo-org/iris-model';

/** A run in Octo-Org/Iris-Model on GitHub. */
const github = (overrides: Partial<RunContext>): RunContext => ({
  eventName: 'push',
  ref: null,
  sha: SHA,
  repository: 'Octo-Org/Iris-Model',
  serverUrl: 'https://github.com',
  pullRequest: null,
  commitTime: null,
  ...overrides,
});

const tagsFor = (context: RunContext, inputs: Inputs = defaults) => computeTags(inputs, context, 'iris');

/** What the Docker reference grammar allows in a tag and in one repository path component. */
const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REPOSITORY_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

describe('computeTags', () => {
  it('uses input tags as given, whatever the event', () => {
    const inputs = {
      ...defaults,
      tags: ['registry.example.com/iris:v7', 'registry.example.com/iris:stable'],
    };
    for (const context of [
      github({ eventName: 'pull_request', pullRequest: { number: 42, fromFork: false } }),
      github({ ref: 'refs/tags/v1.2.3' }),
      localContext(null, null),
    ]) {
      expect(tagsFor(context, inputs)).toEqual({
        tags: ['registry.example.com/iris:v7', 'registry.example.com/iris:stable'],
        why: "input 'tags'",
      });
    }
  });

  it.each(['pull_request', 'pull_request_target'])('tags a %s event pr-<number> only', (eventName) => {
    const context = github({
      eventName,
      ref: 'refs/pull/42/merge',
      pullRequest: { number: 42, fromFork: true },
    });
    expect(tagsFor(context)).toEqual({ tags: [`${IMAGE}:pr-42`], why: 'pull request #42' });
  });

  describe("docker/metadata-action's documented examples", () => {
    // Source: https://github.com/docker/metadata-action/blob/master/README.md, tables "Basic"
    // (default tags), "type=ref" and "Image name and tag sanitization", and "Latest tag"
    // (latest=auto adds latest for type=ref,event=tag, prereleases included).
    it.each([
      ['pull_request', 'refs/pull/2/merge', ['pr-2']],
      ['push', 'refs/heads/master', ['master']],
      ['push', 'refs/heads/releases/v1', ['releases-v1']],
      ['push', 'refs/heads/my/branch', ['my-branch']],
      ['push', 'refs/tags/v1.2.3', ['v1.2.3', 'latest']],
      ['push', 'refs/tags/v2.0.8-beta.67', ['v2.0.8-beta.67', 'latest']],
      ['workflow_dispatch', 'refs/heads/master', ['master']],
      // Its tests (schedule01): the schedule entry comes first, the branch entry still applies.
      ['schedule', 'refs/heads/master', ['nightly', 'master']],
    ])('%s %s → %j', (eventName, ref, expected) => {
      const pr = /^refs\/pull\/(\d+)\//.exec(ref);
      const context = github({
        eventName,
        ref,
        pullRequest: pr ? { number: Number(pr[1]), fromFork: false } : null,
      });
      expect(tagsFor(context).tags).toEqual(expected.map((tag) => `${IMAGE}:${tag}`));
    });
  });

  describe('tags', () => {
    it.each([
      ['v1.2.3', ['v1.2.3', 'latest']],
      ['1.2.3', ['1.2.3', 'latest']],
      ['v0.4.1', ['v0.4.1', 'latest']],
      ['v2.0.0-rc.1', ['v2.0.0-rc.1', 'latest']],
      ['v1.2.3+build.5', ['v1.2.3-build.5', 'latest']],
      ['nightly', ['nightly', 'latest']],
      ['release/2024 spring', ['release-2024-spring', 'latest']],
      ['latest', ['latest']],
    ])('%j → %j, never a sha tag', (name, expected) => {
      expect(tagsFor(github({ ref: `refs/tags/${name}` }))).toEqual({
        tags: expected.map((tag) => `${IMAGE}:${tag}`),
        why: `tag ${name}`,
      });
    });

    it('adds no latest when a schedule runs on a tag: the nightly entry decides latest', () => {
      expect(tagsFor(github({ eventName: 'schedule', ref: 'refs/tags/v1.2.3' })).tags).toEqual([
        `${IMAGE}:nightly`,
        `${IMAGE}:v1.2.3`,
      ]);
    });
  });

  describe('branches', () => {
    it.each([
      ['main', 'main'],
      ['feature/x', 'feature-x'],
      ['dependabot/pip/torch-2.3.0', 'dependabot-pip-torch-2.3.0'],
      ['Fix_Bug', 'Fix_Bug'],
    ])('%j → %j only', (branch, tag) => {
      expect(tagsFor(github({ ref: `refs/heads/${branch}` }))).toEqual({
        tags: [`${IMAGE}:${tag}`],
        why: `branch ${branch}`,
      });
    });
  });

  describe('schedule', () => {
    it('tags nightly and the branch', () => {
      expect(tagsFor(github({ eventName: 'schedule', ref: 'refs/heads/main' }))).toEqual({
        tags: [`${IMAGE}:nightly`, `${IMAGE}:main`],
        why: 'schedule on branch main',
      });
    });

    it('tags a branch called nightly once', () => {
      expect(tagsFor(github({ eventName: 'schedule', ref: 'refs/heads/nightly' })).tags).toEqual([
        `${IMAGE}:nightly`,
      ]);
    });

    it('tags nightly alone without a ref', () => {
      expect(tagsFor(github({ eventName: 'schedule', ref: null }))).toEqual({
        tags: [`${IMAGE}:nightly`],
        why: 'schedule',
      });
    });
  });

  it('suffixes every tag, latest included, for a variant', () => {
    const context = github({ ref: 'refs/tags/v1.2.3' });
    expect(computeTags(defaults, context, 'iris', { suffix: '-cpu', suffixInputTags: false })).toEqual({
      tags: [`${IMAGE}:v1.2.3-cpu`, `${IMAGE}:latest-cpu`],
      why: "tag v1.2.3, suffixed '-cpu' for the variant",
    });
  });

  it('tags a local run :local', () => {
    expect(tagsFor(localContext(SHA, null))).toEqual({
      tags: ['ml-container/iris:local'],
      why: 'local run (no GitHub event)',
    });
  });

  describe('from the recorded event payloads', () => {
    const event = (file: string, eventName: string, ref: string, sha: string) =>
      githubContext({
        GITHUB_EVENT_NAME: eventName,
        GITHUB_EVENT_PATH: fileURLToPath(new URL(`../../fixtures/events/${file}`, import.meta.url)),
        GITHUB_REF: ref,
        GITHUB_SHA: sha,
        GITHUB_REPOSITORY: 'Octo-Org/Iris-Model',
      });

    it.each([
      ['push-main.json', 'push', 'refs/heads/main', ['main']],
      ['push-tag.json', 'push', 'refs/tags/v1.2.3', ['v1.2.3', 'latest']],
      ['pull-request.json', 'pull_request', 'refs/pull/42/merge', ['pr-42']],
      ['pull-request-fork.json', 'pull_request', 'refs/pull/57/merge', ['pr-57']],
    ])('%s (%s %s) → %j', (file, eventName, ref, expected) => {
      const context = event(file, eventName, ref, '4b825dc642cb6eb9a060e54bf8d69288fbee4904');
      expect(tagsFor(context).tags).toEqual(expected.map((tag) => `${IMAGE}:${tag}`));
    });
  });

  it('keeps every computed tag within the Docker tag grammar, or refuses the ref', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom('refs/heads/', 'refs/tags/'),
        fc.constantFrom('push', 'schedule'),
        (name, prefix, eventName) => {
          const context = github({ eventName, ref: `${prefix}${name}` });
          // Refused exactly when the name holds none of the characters a tag keeps past its start.
          if (!/[A-Za-z0-9_]/.test(name)) {
            expect(() => tagsFor(context)).toThrow(/leaves no Docker tag/);
            return;
          }
          for (const reference of tagsFor(context).tags) {
            const [repository, tag] = reference.split(/:(?=[^:]*$)/);
            expect(repository).toBe(IMAGE);
            expect(tag).toMatch(DOCKER_TAG);
          }
        },
      ),
    );
  });
});

describe('imageName', () => {
  it.each([
    [
      'the input image, as given',
      { image: 'registry.example.com/Team/iris' },
      github({}),
      'registry.example.com/Team/iris',
    ],
    ['ghcr.io/<owner>/<repo>, lowercased, on GitHub', {}, github({}), 'ghcr.io/octo-org/iris-model'],
    ['ml-container/<folder> locally', {}, localContext(null, null), 'ml-container/iris'],
  ])('is %s', (_, inputs, context, expected) => {
    expect(imageName({ ...defaults, ...inputs }, context, 'iris')).toBe(expected);
  });

  it.each([
    ['sklearn-iris', 'ml-container/sklearn-iris'],
    ['My Model', 'ml-container/my-model'],
    ['iris_v2.1', 'ml-container/iris_v2.1'],
    ['Model (copy)', 'ml-container/model-copy'],
    ['_internal', 'ml-container/internal'],
    ['a.-b', 'ml-container/a-b'],
    ['模型', 'ml-container/image'],
  ])('makes folder %j a valid repository: %s', (folder, expected) => {
    expect(imageName(defaults, localContext(null, null), folder)).toBe(expected);
  });

  it('makes any folder name a valid repository path component', () => {
    fc.assert(
      fc.property(fc.string(), (folder) => {
        const name = imageName(defaults, localContext(null, null), folder);
        expect(name.slice('ml-container/'.length)).toMatch(REPOSITORY_COMPONENT);
      }),
    );
  });
});

describe('a ref that leaves no tag', () => {
  it.each([
    ['branch', 'refs/heads/模型'],
    ['tag', 'refs/tags/版本'],
    ['branch', 'refs/heads/...'],
  ])('is refused for a %s (%s), never tagged latest', (kind, ref) => {
    expect(() => tagsFor(github({ ref }))).toThrow(
      new RegExp(`^${kind} '.*' leaves no Docker tag .*; set input 'tags'`),
    );
  });

  it('is fine when the workflow gives the tags', () => {
    const inputs = { ...defaults, tags: ['r/iris:v1'] };
    expect(tagsFor(github({ ref: 'refs/heads/模型' }), inputs).tags).toEqual(['r/iris:v1']);
  });
});

describe('sanitizeTag', () => {
  it.each([
    ['keeps letters, digits, _ . -', 'Release_1.2-rc', 'Release_1.2-rc'],
    ['replaces a slash by a dash', 'feature/x', 'feature-x'],
    ['replaces a run of other characters by one dash', 'a // b', 'a-b'],
    ['replaces non-ASCII letters', 'café', 'caf-'],
    ['strips leading dots and dashes', '.-.hidden', 'hidden'],
    ['keeps a leading underscore', '_x', '_x'],
    ['cuts to 128 characters', 'a'.repeat(200), 'a'.repeat(128)],
    ['gives nothing when nothing is left', '///', null],
    ['gives nothing for the empty string', '', null],
  ])('%s: %j → %j', (_, name, expected) => {
    expect(sanitizeTag(name)).toBe(expected);
  });

  it('always returns a valid Docker tag', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (name) => {
        const tag = sanitizeTag(name);
        if (tag !== null) expect(tag).toMatch(DOCKER_TAG);
      }),
    );
  });
});
