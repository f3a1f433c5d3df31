import { describe, expect, it } from 'vitest';
import { smokeArgs, smokeRequest } from '../../../src/smoke/args.js';
import { irisLock, irisPlan } from '../helpers.js';

describe('smoke', () => {
  it('asks the harness to import each framework at its locked version and load each model', () => {
    expect(smokeRequest(irisPlan(), irisLock(), 'python predict.py', 60)).toEqual({
      frameworks: [{ name: 'scikit-learn', import: 'sklearn', version: '1.6.1' }],
      models: [{ path: 'model.joblib', format: 'joblib' }],
      command: 'python predict.py',
      commandTimeout: 60,
      timeout: 60,
      gpu: null,
    });
  });

  it('runs the local image offline, read-only, without capabilities, as the non-root user, within limits', () => {
    const request = smokeRequest(irisPlan(), irisLock(), null, 60);
    expect(
      smokeArgs(irisPlan(), {
        image: 'r/iris:pr-1',
        containerName: 'smoke-1',
        memory: '2g',
        script: 'HARNESS',
        request,
      }),
    ).toEqual([
      'run',
      '--rm',
      '--interactive',
      '--init=false',
      '--pull=never',
      '--name',
      'smoke-1',
      '--network=none',
      '--read-only',
      '--tmpfs',
      '/tmp:rw,exec,nosuid,nodev,size=1g',
      '--cap-drop=ALL',
      '--security-opt=no-new-privileges',
      '--memory',
      '2g',
      '--memory-swap',
      '2g',
      '--pids-limit',
      '4096',
      '--ulimit',
      'nproc=8192:8192',
      '--ulimit',
      'nofile=8192:8192',
      '--user',
      '10001:10001',
      '--workdir',
      '/app',
      '--entrypoint',
      '/opt/venv/bin/python',
      'r/iris:pr-1',
      '-I',
      '-S',
      '-c',
      'HARNESS',
      JSON.stringify(request),
    ]);
  });

  it('asks a GPU variant for its CUDA build checks, and passes the GPU through only when the runner has one', () => {
    const gpuPlan = {
      ...irisPlan(),
      variant: 'gpu' as const,
      strategy: 'pip-cuda' as const,
      cuda: { version: '12.4', source: 'x' },
    };
    const request = smokeRequest(gpuPlan, irisLock(), null, 60);
    expect(request.gpu).toEqual({ cuda: '12.4', strategy: 'pip-cuda' });
    const options = { image: 'i', containerName: 'c', memory: '2g', script: 'S', request };
    expect(smokeArgs(gpuPlan, options)).not.toContain('--gpus');
    expect(smokeArgs(gpuPlan, { ...options, gpus: true })).toEqual(expect.arrayContaining(['--gpus', 'all']));
    expect(smokeArgs(irisPlan(), { ...options, gpus: true })).not.toContain('--gpus');
  });
});
