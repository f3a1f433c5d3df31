/**
 * Git LFS pointers stop a run in detect, before plan's first Docker call; with
 * `allow-lfs-pointers: true` the run goes on and leaves those models out of the smoke test.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localContext } from '../../src/context.js';
import type { Logger } from '../../src/log.js';
import { pipeline } from '../../src/pipeline.js';
import { fakeDocker } from './fake-docker.js';
import { inputsWith } from './helpers.js';

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    group: (_title, body) => body(),
    info: () => {},
    warning: (message) => warnings.push(message),
    output: () => {},
  };
}

const POINTER = [
  'version https://git-lfs.github.com/spec/v1',
  'oid sha256:7c8ffa3d2c1ce7d9a1b8f54a9b0f5f12c0a7b2d41c8d5e9b4f7a5e6d8c9b0a1f',
  'size 267832558',
  '',
].join('\n');

/** examples/sklearn-iris with a Hugging Face folder whose weights are a Git LFS pointer. */
function projectWithPointer(): string {
  const project = mkdtempSync(join(tmpdir(), 'ml-container-lfs-'));
  cpSync(resolve('examples/sklearn-iris'), project, { recursive: true });
  mkdirSync(join(project, 'hf'));
  writeFileSync(join(project, 'hf', 'config.json'), '{"model_type": "distilbert"}\n');
  writeFileSync(join(project, 'hf', 'model.safetensors'), POINTER);
  return project;
}

describe('pipeline with Git LFS pointers', () => {
  it('fails in detect, naming the pointer and the fix, before any Docker call', async () => {
    const docker = fakeDocker();
    const report = await pipeline(inputsWith({ context: projectWithPointer() }), localContext(null, null), {
      docker,
      logger: recordingLogger(),
    });
    expect(report.error?.phase).toBe('detect');
    expect(report.error?.source).toEqual({ file: 'hf/model.safetensors' });
    expect(report.error?.message).toContain('hf/model.safetensors (Git LFS pointer)');
    expect(report.error?.message).toContain('`lfs: true`');
    expect(report.error?.message).toContain("'allow-lfs-pointers: true'");
    expect(report.variants).toEqual([]);
    expect(docker.calls).toEqual([]);
  });

  it('with allow-lfs-pointers builds and smoke-tests the image without those models, and warns', async () => {
    const docker = fakeDocker();
    const logger = recordingLogger();
    const report = await pipeline(
      inputsWith({ context: projectWithPointer(), 'allow-lfs-pointers': 'true' }),
      localContext(null, null),
      { docker, logger },
    );
    expect(report.error).toBeUndefined();
    const [variant] = report.variants;
    expect(variant?.plan.models.map((model) => model.path)).toEqual(['model.joblib']);
    expect(variant?.plan.decisions.find((decision) => decision.topic === 'models')?.why).toContain(
      "input 'allow-lfs-pointers'",
    );
    expect(variant?.smoke?.passed).toBe(true);
    const smokeRun = docker.calls.find((call) => call[0] === 'run' && !call.includes('python3')) ?? [];
    expect(JSON.parse(smokeRun.at(-1) ?? '{}').models).toEqual([{ path: 'model.joblib', format: 'joblib' }]);
    expect(logger.warnings).toContain(
      'allow-lfs-pointers: building without these weights, whose models are left out of the smoke test: hf/model.safetensors (Git LFS pointer)',
    );
  });
});
