import { describe, expect, it } from 'vitest';
import { localContext, type RunContext } from '../../../src/context.js';
import { type Inputs, parseInputs } from '../../../src/inputs.js';
import { computeLabels as labelsOf } from '../../../src/publish/labels.js';

const defaults: Inputs = parseInputs(() => '');
const SHA = '9fceb02d0ae598e95dc970b74767f19372d61af8';

const release: RunContext = {
  eventName: 'push',
  ref: 'refs/tags/v1.2.3',
  sha: SHA,
  repository: 'Octo-Org/Iris-Model',
  serverUrl: 'https://github.com',
  pullRequest: null,
  commitTime: '2024-05-14T10:21:33+02:00',
};

const facts = { title: 'Iris-Model', version: '1.2.3', modelDigests: {} as Record<string, string> };

/** The input labels, the plan's title and version, and the model digests read at build time, in one call. */
const computeLabels = (
  inputs: Inputs,
  context: RunContext,
  known: { title: string; version: string | null; modelDigests: Record<string, string> },
) =>
  labelsOf(
    { title: known.title, version: known.version, own: {}, extra: inputs.labels },
    context,
    known.modelDigests,
  );

describe('computeLabels', () => {
  it('gives the OCI labels of a release', () => {
    expect(computeLabels(defaults, release, facts)).toEqual({
      'org.opencontainers.image.title': 'Iris-Model',
      'org.opencontainers.image.source': 'https://github.com/Octo-Org/Iris-Model',
      'org.opencontainers.image.url': 'https://github.com/Octo-Org/Iris-Model',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.created': '2024-05-14T08:21:33.000Z',
      'org.opencontainers.image.version': '1.2.3',
    });
  });

  it.each([
    ['an offset time', '2024-05-14T10:21:33+02:00', '2024-05-14T08:21:33.000Z'],
    ['a UTC time', '2024-06-01T12:00:00Z', '2024-06-01T12:00:00.000Z'],
    ['a negative offset', '2023-12-31T23:30:00-01:00', '2024-01-01T00:30:00.000Z'],
  ])('writes created as UTC ISO from %s', (_, commitTime, created) => {
    expect(
      computeLabels(defaults, { ...release, commitTime }, facts)['org.opencontainers.image.created'],
    ).toBe(created);
  });

  it("labels the repository's description and SPDX license, as docker/metadata-action does", () => {
    const labels = computeLabels(
      defaults,
      { ...release, description: 'Iris classifier', license: 'Apache-2.0' },
      facts,
    );
    expect(labels['org.opencontainers.image.description']).toBe('Iris classifier');
    expect(labels['org.opencontainers.image.licenses']).toBe('Apache-2.0');
  });

  it('links source and url to the GitHub Enterprise server the run came from', () => {
    const labels = computeLabels(defaults, { ...release, serverUrl: 'https://github.example.com' }, facts);
    expect(labels['org.opencontainers.image.source']).toBe('https://github.example.com/Octo-Org/Iris-Model');
    expect(labels['org.opencontainers.image.url']).toBe('https://github.example.com/Octo-Org/Iris-Model');
  });

  it.each([
    [
      'no repository',
      { repository: null },
      ['org.opencontainers.image.source', 'org.opencontainers.image.url'],
    ],
    ['no sha', { sha: null }, ['org.opencontainers.image.revision']],
    ['no commit time', { commitTime: null }, ['org.opencontainers.image.created']],
  ] as const)('leaves out what it cannot know: %s', (_, overrides, missing) => {
    const labels = computeLabels(defaults, { ...release, ...overrides }, facts);
    for (const key of missing) expect(labels).not.toHaveProperty(key);
    expect(labels['org.opencontainers.image.title']).toBe('Iris-Model');
  });

  it('has no version label without a version', () => {
    expect(computeLabels(defaults, release, { ...facts, version: null })).not.toHaveProperty(
      'org.opencontainers.image.version',
    );
  });

  it('labels a local run with title, revision and created only', () => {
    expect(
      computeLabels(defaults, localContext(SHA, '2024-05-14T10:21:33Z'), { ...facts, version: null }),
    ).toEqual({
      'org.opencontainers.image.title': 'Iris-Model',
      'org.opencontainers.image.revision': SHA,
      'org.opencontainers.image.created': '2024-05-14T10:21:33.000Z',
    });
  });

  describe('models', () => {
    it.each([
      ['no models: no label', {}, undefined],
      ['one model', { 'model.joblib': 'ab12' }, 'model.joblib=sha256:ab12'],
      [
        'several models, comma-separated',
        { 'models/a.pt': 'aa', 'models/b.onnx': 'bb' },
        'models/a.pt=sha256:aa,models/b.onnx=sha256:bb',
      ],
    ])('%s', (_, modelDigests, expected) => {
      expect(
        computeLabels(defaults, release, { ...facts, modelDigests })['io.github.ml-container.models'],
      ).toBe(expected);
    });
  });

  it('lets input labels override computed ones and adds the rest', () => {
    const inputs = {
      ...defaults,
      labels: {
        'org.opencontainers.image.title': 'Iris classifier',
        'org.opencontainers.image.vendor': 'Octo',
      },
    };
    expect(computeLabels(inputs, release, facts)).toMatchObject({
      'org.opencontainers.image.title': 'Iris classifier',
      'org.opencontainers.image.vendor': 'Octo',
      'org.opencontainers.image.revision': SHA,
    });
  });

  it('lets an input label override the created time too', () => {
    const inputs = { ...defaults, labels: { 'org.opencontainers.image.created': '1970-01-01T00:00:00Z' } };
    expect(computeLabels(inputs, release, facts)['org.opencontainers.image.created']).toBe(
      '1970-01-01T00:00:00Z',
    );
  });
});
