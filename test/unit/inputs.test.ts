import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { type InputName, type InputSource, parseInputs } from '../../src/inputs.js';

/** An input source as the runner gives it: every input not named reads as the empty string. */
const source =
  (values: Partial<Record<InputName, string>>): InputSource =>
  (name) =>
    values[name] ?? '';

const parse = (values: Partial<Record<InputName, string>>) => parseInputs(source(values));

/** The UserError parseInputs throws for these values; fails the test when it does not throw one. */
function failure(values: Partial<Record<InputName, string>>): UserError {
  try {
    parse(values);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).phase).toBe('inputs');
    return error as UserError;
  }
  throw new Error(`parseInputs accepted ${JSON.stringify(values)}`);
}

describe('parseInputs', () => {
  describe('with every input empty', () => {
    it('gives the defaults', () => {
      expect(parse({})).toEqual({
        context: '.',
        dependencyFile: null,
        image: null,
        tags: [],
        labels: {},
        push: false,
        variant: 'auto',
        pythonVersion: null,
        baseImage: null,
        systemPackages: [],
        indexUrl: null,
        extraIndexUrls: [],
        pytorchIndexUrl: 'https://download.pytorch.org/whl',
        network: 'default',
        smokeCommand: null,
        smokeTimeoutSeconds: 300,
        smokeMemory: '4g',
        smokeExpected: null,
        smokeServe: 'auto',
        smokeHttpPath: null,
        smokeRequest: null,
        maxImageSize: null,
        reproducible: 'auto',
        provenance: true,
        sbom: true,
        sbomGenerator: 'docker/buildkit-syft-scanner:stable-1',
        builder: null,
        planOnly: false,
        cache: 'none',
        cacheFrom: [],
        cacheTo: [],
        platforms: [],
        githubToken: null,
        allowLfsPointers: false,
        allowForkCredentials: false,
        writeGenerated: null,
        checkGenerated: false,
        file: null,
        target: null,
        buildArgs: [],
        secrets: [],
      });
    });

    it('treats whitespace-only values as empty', () => {
      expect(parse({ context: '  ', push: ' \n', 'smoke-timeout': '\t' })).toMatchObject({
        context: '.',
        push: false,
        smokeTimeoutSeconds: 300,
      });
    });
  });

  describe('plain string inputs', () => {
    it.each([
      ['context', 'models/iris', { context: 'models/iris' }],
      ['image', 'ghcr.io/octo/iris', { image: 'ghcr.io/octo/iris' }],
      ['base-image', 'python:3.11-slim', { baseImage: 'python:3.11-slim' }],
      ['index-url', 'https://pypi.example.com/simple', { indexUrl: 'https://pypi.example.com/simple' }],
      ['smoke-command', 'python predict.py --self-test', { smokeCommand: 'python predict.py --self-test' }],
      ['smoke-memory', '512m', { smokeMemory: '512m' }],
      ['github-token', 'ghs_abc', { githubToken: 'ghs_abc' }],
      [
        'platforms',
        'linux/amd64,linux/arm64\nlinux/arm/v7',
        { platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'] },
      ],
      // The CLI reads action.yml's default as it is written: no runner expanded it.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an Actions expression, as action.yml has it
      ['github-token', '${{ github.token }}', { githubToken: null }],
    ] as const)('%s = %j', (name, value, expected) => {
      expect(parse({ [name]: value })).toMatchObject(expected);
    });

    it('trims the value', () => {
      expect(parse({ image: '  ghcr.io/octo/iris \n' }).image).toBe('ghcr.io/octo/iris');
    });
  });

  describe('booleans (push, provenance)', () => {
    it.each([
      ['true', true],
      ['True', true],
      ['TRUE', true],
      ['false', false],
      ['False', false],
      ['FALSE', false],
    ])('%j reads as %s', (value, expected) => {
      expect(parse({ push: value, provenance: value })).toMatchObject({
        push: expected,
        provenance: expected,
      });
    });

    it.each([
      ['push', 'yes'],
      ['push', 'no'],
      ['push', '1'],
      ['push', 'tRuE'],
      ['provenance', 'yes'],
      ['provenance', 'on'],
    ] as const)('%s = %j is rejected with a message naming the input', (name, value) => {
      expect(failure({ [name]: value }).message).toBe(
        `input '${name}' must be true or false, got '${value}'`,
      );
    });
  });

  describe('choices', () => {
    it.each(['auto', 'cpu', 'gpu'] as const)('variant %j is accepted', (variant) => {
      expect(parse({ variant }).variant).toBe(variant);
    });

    it.each(['default', 'host', 'none'] as const)('network %j is accepted', (network) => {
      expect(parse({ network }).network).toBe(network);
    });

    it.each([
      ['variant', 'tpu', 'auto, cpu, gpu'],
      ['variant', 'GPU', 'auto, cpu, gpu'],
      ['network', 'bridge', 'default, host, none'],
    ] as const)('%s = %j is rejected with a message listing %s', (name, value, choices) => {
      expect(failure({ [name]: value }).message).toBe(
        `input '${name}' must be one of ${choices}, got '${value}'`,
      );
    });
  });

  describe('python-version', () => {
    it.each(['3.8', '3.11', '3.13'])('%j is accepted', (version) => {
      expect(parse({ 'python-version': version }).pythonVersion).toBe(version);
    });

    it.each(['3', '3.11.4', '2.7', '3.x', 'python3.11', '3.100'])('%j is rejected', (version) => {
      expect(failure({ 'python-version': version }).message).toBe(
        `input 'python-version' must be major.minor such as 3.11, got '${version}'`,
      );
    });
  });

  describe('smoke-timeout and smoke-memory', () => {
    it.each([
      ['1', 1],
      ['600', 600],
    ])('smoke-timeout %j is %i seconds', (value, seconds) => {
      expect(parse({ 'smoke-timeout': value }).smokeTimeoutSeconds).toBe(seconds);
    });

    it.each(['0', '-5', '1.5', 'ten', '30s'])('smoke-timeout %j is rejected', (value) => {
      expect(failure({ 'smoke-timeout': value }).message).toMatch(
        /^input 'smoke-timeout' must be a positive whole number/,
      );
    });

    it.each(['2g', '512m', '1024', '4G'])('smoke-memory %j is accepted', (value) => {
      expect(parse({ 'smoke-memory': value }).smokeMemory).toBe(value);
    });

    it.each(['lots', '2gb', '1.5g', '-1g'])('smoke-memory %j is rejected', (value) => {
      expect(failure({ 'smoke-memory': value }).message).toMatch(/^input 'smoke-memory' must be a size/);
    });
  });

  describe('tags', () => {
    it.each([
      ['one tag', 'ghcr.io/o/r:1', ['ghcr.io/o/r:1']],
      ['one per line', 'ghcr.io/o/r:1\nghcr.io/o/r:latest\n', ['ghcr.io/o/r:1', 'ghcr.io/o/r:latest']],
      ['comma-separated', 'ghcr.io/o/r:1,ghcr.io/o/r:latest', ['ghcr.io/o/r:1', 'ghcr.io/o/r:latest']],
      ['commas with spaces', 'ghcr.io/o/r:1 , ghcr.io/o/r:2', ['ghcr.io/o/r:1', 'ghcr.io/o/r:2']],
      ['lines and commas mixed', 'a:1\nb:2,c:3\n\n  d:4  ', ['a:1', 'b:2', 'c:3', 'd:4']],
    ])('%s', (_, value, expected) => {
      expect(parse({ tags: value }).tags).toEqual(expected);
    });
  });

  describe('system-packages', () => {
    it.each([
      ['one per line', 'ffmpeg\nlibsndfile1\n', ['ffmpeg', 'libsndfile1']],
      ['comma-separated', 'ffmpeg, libsndfile1', ['ffmpeg', 'libsndfile1']],
      ['with comment lines', '# audio\nffmpeg\n\nlibgl1', ['ffmpeg', 'libgl1']],
    ])('%s', (_, value, expected) => {
      expect(parse({ 'system-packages': value }).systemPackages).toEqual(expected);
    });
  });

  describe('labels', () => {
    it('reads key=value per line, trimming around the key and the value', () => {
      expect(parse({ labels: 'team=ml\n  owner = mona  \n' }).labels).toEqual({ team: 'ml', owner: 'mona' });
    });

    it('skips comment lines and blank lines', () => {
      expect(parse({ labels: '# who runs it\nteam=ml\n\n# done' }).labels).toEqual({ team: 'ml' });
    });

    it("splits at the first '=' only, so a value may contain '='", () => {
      expect(parse({ labels: 'query=a=1&b=2' }).labels).toEqual({ query: 'a=1&b=2' });
    });

    it("keeps '#' and ',' inside a value", () => {
      expect(
        parse({
          labels: 'org.opencontainers.image.documentation=https://x.io/docs#usage\ndesc=Model #1, small',
        }).labels,
      ).toEqual({
        'org.opencontainers.image.documentation': 'https://x.io/docs#usage',
        desc: 'Model #1, small',
      });
    });

    it('lets a later line override an earlier one', () => {
      expect(parse({ labels: 'team=ml\nteam=infra' }).labels).toEqual({ team: 'infra' });
    });

    it.each([
      ['a line without =', 'team=ml\njust-a-word', 'just-a-word'],
      ['a line with an empty key', '=value', '=value'],
    ])('rejects %s', (_, value, line) => {
      expect(failure({ labels: value }).message).toBe(`input 'labels': '${line}' is not key=value`);
    });
  });

  describe('platforms and smoke-expected', () => {
    it.each(['darwin/arm64', 'linux', 'linux/arm64/8'])(
      'rejects the platform %s, naming the form it wants',
      (value) => {
        expect(failure({ platforms: value }).message).toBe(
          `input 'platforms' has '${value}': expected linux/<arch>[/<variant>], e.g. linux/arm64`,
        );
      },
    );

    it('rejects smoke-expected without a smoke-command to compare', () => {
      expect(failure({ 'smoke-expected': 'golden.yml' }).message).toBe(
        "input 'smoke-expected' compares the output of 'smoke-command', which is not set",
      );
    });
  });
});
