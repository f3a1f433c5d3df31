import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { dockerCli } from '../../src/adapters/docker.js';
import type { Lock } from '../../src/lock/report.js';
import { type SmokeCheck, smoke } from '../../src/smoke/index.js';
import { irisPlan } from '../unit/helpers.js';
import { testbed, unavailableReason } from './testbed.js';

const reason = unavailableReason();
const IMAGE = 'ml-container-harness-test';

/**
 * The smoke harness against one model of each format, written by the library that owns the format
 * inside the image (test/e2e/harness/make_models.py), and run exactly as the action runs it:
 * offline, read-only, as uid 10001, within limits; and against a model that tries to forge its result.
 */
describe.skipIf(reason !== null)('the smoke harness loads every model format it knows', () => {
  let checks: Map<string, SmokeCheck>;

  beforeAll(async () => {
    const built = spawnSync(
      'docker',
      [
        'buildx',
        'build',
        '--network=host',
        '--allow',
        'network.host',
        '--build-arg',
        `BASE=${testbed.baseImage}`,
        '--build-arg',
        `INDEX_URL=${testbed.indexUrl}`,
        '--build-arg',
        `TORCH_CPU_INDEX=${process.env.ML_CONTAINER_TEST_PYTORCH_INDEX}/cpu`,
        '--load',
        '--tag',
        IMAGE,
        'test/e2e/harness',
      ],
      { encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    expect(built.status, built.stderr.slice(-3000)).toBe(0);

    const plan = irisPlan();
    plan.layout = { ...plan.layout, venv: '/opt/venv', workdir: '/models' };
    plan.frameworks = [
      { ...plan.frameworks[0], name: 'lightgbm', importName: 'lightgbm', locked: '4.7.0' },
      { ...plan.frameworks[0], name: 'tensorflow-cpu', importName: 'tensorflow', locked: '2.21.0' },
      { ...plan.frameworks[0], name: 'keras', importName: 'keras', locked: '2.0.0' },
    ] as typeof plan.frameworks;
    plan.models = [
      ['lightgbm.txt', 'lightgbm'],
      ['forged.joblib', 'joblib'],
      ['truncated.keras', 'keras'],
      ['classifier.keras', 'keras'],
      ['legacy.h5', 'h5'],
      ['data.h5', 'h5'],
      ['savedmodel', 'savedmodel'],
      ['bert-tiny', 'huggingface'],
      ['state.pt', 'torch'],
      ['scripted.pt', 'torch'],
      ['sklearn.joblib', 'joblib'],
    ].map(([path, format]) => ({
      path,
      format,
      bytes: 1,
      lfsPointers: [],
      missingShards: [],
    })) as typeof plan.models;
    const lock: Lock = { packages: [], text: '', sha256: '', environment: {} };
    const result = await smoke(plan, lock, {
      docker: dockerCli(),
      image: IMAGE,
      command: null,
      timeoutSeconds: 300,
      memory: '3g',
    });
    checks = new Map(result.checks.map((check) => [`${check.kind} ${check.name}`, check]));
    expect(result.passed).toBe(false);
    expect(result.peak_memory_bytes).toBeGreaterThan(50 << 20);
  }, 1_200_000);

  it('imports each framework and names a version the lock does not hold', () => {
    expect(checks.get('import lightgbm')).toMatchObject({ status: 'passed', version: '4.7.0' });
    expect(checks.get('import tensorflow-cpu')).toMatchObject({ status: 'passed', version: '2.21.0' });
    expect(checks.get('import keras')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/keras 3\.\d+\.\d+ is installed but the lock says 2\.0\.0/),
    });
  });

  it.each([
    ['lightgbm.txt', [1]],
    ['classifier.keras', [1, 2]],
    ['legacy.h5', [1, 2]],
    ['sklearn.joblib', undefined],
  ])('predicts once with %s on a zero input of its shape', (path, outputShape) => {
    const check = checks.get(`model ${path}`);
    expect(check, JSON.stringify(check)).toMatchObject({ status: 'passed' });
    expect(check?.first_prediction_seconds).toBeGreaterThan(0);
    if (outputShape) expect((check as { output_shape?: number[] }).output_shape).toEqual(outputShape);
  });

  it('calls a SavedModel through its serving signature and a Hugging Face folder with its dummy input', () => {
    expect(checks.get('model savedmodel')).toMatchObject({
      status: 'passed',
      type: 'SavedModel serving_default',
      first_prediction_seconds: expect.any(Number),
    });
    expect(checks.get('model bert-tiny')).toMatchObject({
      status: 'passed',
      type: 'transformers BertModel',
      first_prediction_seconds: expect.any(Number),
    });
  });

  it('loads TorchScript and a state dict', () => {
    expect(checks.get('model scripted.pt')).toMatchObject({ status: 'passed', type: 'TorchScript' });
    expect(checks.get('model state.pt')).toMatchObject({ status: 'passed', detail: 'loaded 2 entries' });
  });

  it('fails a model that forges a pass, which reaches neither the supervisor nor a later check', () => {
    const forged = checks.get('model forged.joblib');
    expect(forged).toMatchObject({
      status: 'failed',
      error: 'the check did not report: model code exited the harness?',
    });
    // Undumpable, the supervisor (PID 1) keeps its memory, its nonce and its standard output to itself.
    const probe = /probe: (.*)/.exec(forged?.trace ?? '')?.[1];
    expect(probe).toBe(
      [
        '/proc/1/environ: PermissionError',
        '/proc/1/maps: PermissionError',
        '/proc/1/mem: PermissionError',
        '/proc/1/fd/0: PermissionError',
        '/proc/1/fd/1: PermissionError',
      ].join('; '),
    );
    // The process it left behind was ended before the next check started.
    expect(checks.get('model truncated.keras')).toMatchObject({ status: 'failed' });
    for (const check of checks.values()) expect(check.detail).not.toBe('forged by a leftover');
  });

  it('skips an HDF5 data file, saying why, and fails a truncated model', () => {
    expect(checks.get('model data.h5')).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/no Keras model_config/),
    });
    expect(checks.get('model truncated.keras')).toMatchObject({ status: 'failed' });
  });
});
