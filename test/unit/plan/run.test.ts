import { describe, expect, it } from 'vitest';
import { localContext } from '../../../src/context.js';
import { variantGeneratedFolder } from '../../../src/plan/generated.js';
import { planRun, reproducibleSkipped } from '../../../src/plan/run.js';
import { githubRun, inputsWith, pullRequestRun } from '../helpers.js';

const release = githubRun({ ref: 'refs/tags/v1.0.0' });

describe('planRun', () => {
  it.each([
    // reproducible, push, event → route, why
    ['auto', 'true', release, true, 'the image is pushed (reproducible: auto)'],
    [
      'auto',
      'true',
      pullRequestRun(4, false),
      false,
      "nothing is pushed (reproducible: auto); set 'reproducible: true' to check it here",
    ],
    [
      'auto',
      'false',
      release,
      false,
      "nothing is pushed (reproducible: auto); set 'reproducible: true' to check it here",
    ],
    ['true', 'false', pullRequestRun(4, false), true, "input 'reproducible' is true"],
    ['false', 'true', release, false, "input 'reproducible' is false"],
  ] as const)('reproducible %s, push %s: route %s', (reproducible, push, context, expected, why) => {
    const run = planRun(inputsWith({ reproducible, push }), context);
    expect(run.reproducible).toEqual({ reproducible: expected, why });
    expect(run.builderWants.reproducible).toBe(expected);
  });

  it("says why a project Dockerfile's timestamp rewrite is skipped, only when a commit time would allow it", () => {
    const own = { file: 'Dockerfile' };
    expect(reproducibleSkipped(planRun(inputsWith({ ...own, reproducible: 'false' }), release))).toBe(
      "reproducible export skipped: input 'reproducible' is false",
    );
    expect(reproducibleSkipped(planRun(inputsWith({ ...own, reproducible: 'true' }), release))).toBeNull();
    // The generated Dockerfile is reproducible as built: nothing is skipped, whatever the input says.
    expect(reproducibleSkipped(planRun(inputsWith({ reproducible: 'false' }), release))).toBeNull();
    const noCommitTime = planRun(inputsWith({ ...own, reproducible: 'false' }), localContext(null, null));
    expect(noCommitTime.sourceDateEpoch).toBeNull();
    expect(reproducibleSkipped(noCommitTime)).toBeNull();
  });

  it('decides may-push once, with the reason the publish step gives', () => {
    expect(planRun(inputsWith({ push: 'true' }), release).mayPush).toEqual({
      push: true,
      why: "input 'push' is true and the smoke test passed",
    });
    expect(planRun(inputsWith({ push: 'true' }), pullRequestRun(4, false)).mayPush).toEqual({
      push: false,
      why: 'pull_request events never push: the image was built and smoke-tested only',
    });
  });

  it("writes no cache from a fork's pull request, and says so only when the inputs would write one", () => {
    const fork = planRun(inputsWith({ cache: 'gha' }), pullRequestRun(7, true));
    expect(fork.cache.writes).toEqual({ write: false, why: 'pull request #7 comes from a fork' });
    expect(fork.cache.wouldWrite).toBe(true);
    expect(planRun(inputsWith(), pullRequestRun(7, true)).cache.wouldWrite).toBe(false);
    expect(planRun(inputsWith({ 'cache-to': 'type=local,dest=/c' }), release).cache).toMatchObject({
      writes: { write: true },
      wouldWrite: true,
    });
  });

  it('takes the smoke settings, the builder and the platforms from the inputs', () => {
    const run = planRun(
      inputsWith({
        'smoke-command': 'python predict.py',
        'smoke-expected': 'golden.json',
        'smoke-timeout': '60',
        builder: 'ci-builder',
        platforms: 'linux/amd64,linux/arm64',
      }),
      release,
    );
    expect(run.smoke).toEqual({
      command: 'python predict.py',
      timeoutSeconds: 60,
      memory: '4g',
      expectedFile: 'golden.json',
      requestFile: null,
    });
    expect(run.builder).toEqual({
      name: 'ci-builder',
      why: "input 'builder'",
      platforms: ['linux/amd64', 'linux/arm64'],
      inspectBeforeLock: true,
    });
    expect(planRun(inputsWith(), release).builder).toMatchObject({ name: null, inspectBeforeLock: false });
  });

  it("stops after plan for 'plan-only'", () => {
    expect(planRun(inputsWith({ 'plan-only': 'true' }), release).stopAfter).toBe('plan');
    expect(planRun(inputsWith(), release).stopAfter).toBeNull();
  });
});

describe('the generated-files folder', () => {
  it('is none unless write-generated or check-generated is set', () => {
    expect(planRun(inputsWith(), release).generated).toBeNull();
  });

  it.each([
    [
      { 'write-generated': 'gen' },
      {
        folder: 'gen',
        check: false,
        title: 'Write the generated files',
        regenerate: 'ml-container plan . --out gen',
      },
    ],
    [
      { 'check-generated': 'true', 'dependency-file': 'svc/requirements.txt' },
      {
        folder: '.ml-container',
        check: true,
        title: 'Check the committed generated files',
        regenerate: 'ml-container plan . --dependency-file svc/requirements.txt --out .ml-container',
      },
    ],
  ])('%j → %j', (values, expected) => {
    expect(planRun(inputsWith(values), release).generated).toEqual(expected);
  });

  it.each([
    ['.ml-container', false, '.ml-container'],
    ['.ml-container', true, '.ml-container/gpu'],
    ['.', true, 'gpu'],
  ])('keeps the gpu variant of %s (several: %s) in %s', (folder, several, expected) => {
    const kept = { folder, check: false, title: '', regenerate: '' };
    expect(variantGeneratedFolder(kept, 'gpu', several)).toBe(expected);
  });
});
