import { describe, expect, it } from 'vitest';
import type { BuilderInfo } from '../../../src/image/builder.js';
import { checkBuilderPushesTested, checkBuilderRunsPlatforms } from '../../../src/plan/builder-check.js';

const builder = (overrides: Partial<BuilderInfo>): BuilderInfo => ({
  name: 'default',
  driver: 'docker',
  route: 'store',
  buildxVersion: null,
  buildkitVersion: null,
  platforms: ['linux/amd64', 'linux/arm64'],
  containerdStore: true,
  canKeepProvenance: true,
  canExportCache: true,
  canExportOci: true,
  ...overrides,
});

describe('checkBuilderRunsPlatforms', () => {
  it('accepts a builder that runs every platform', () => {
    expect(() =>
      checkBuilderRunsPlatforms({ platforms: ['linux/amd64', 'linux/arm64'] }, builder({})),
    ).not.toThrow();
  });

  it("refuses several platforms on Docker's classic image store", () => {
    expect(() =>
      checkBuilderRunsPlatforms(
        { platforms: ['linux/amd64', 'linux/arm64'] },
        builder({ containerdStore: false }),
      ),
    ).toThrow(/^building linux\/amd64, linux\/arm64 needs Docker's containerd image store/);
  });

  it('refuses a platform the builder cannot run, naming those it runs', () => {
    expect(() =>
      checkBuilderRunsPlatforms({ platforms: ['linux/riscv64'] }, builder({ platforms: [] })),
    ).toThrow(/^this runner cannot run linux\/riscv64 \(the builder runs no platform it names\)/);
  });
});

describe('checkBuilderPushesTested', () => {
  const container = builder({ name: 'builder-3f1c', driver: 'docker-container', route: 'archive' });
  const pushing = { mayPush: { push: true } };

  it('refuses, before the build, a push re-exported by a builder outside the store without a commit time', () => {
    expect(() => checkBuilderPushesTested({ ...pushing, sourceDateEpoch: null }, container)).toThrow(
      /^pushing through the 'docker-container' builder exports the tested build again, .* knows no commit time/,
    );
  });

  it('lets it through with a commit time, when nothing is pushed, and on the docker driver', () => {
    expect(() =>
      checkBuilderPushesTested({ ...pushing, sourceDateEpoch: 1763633472 }, container),
    ).not.toThrow();
    expect(() =>
      checkBuilderPushesTested({ mayPush: { push: false }, sourceDateEpoch: null }, container),
    ).not.toThrow();
    expect(() => checkBuilderPushesTested({ ...pushing, sourceDateEpoch: null }, builder({}))).not.toThrow();
  });
});
