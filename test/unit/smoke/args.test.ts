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
    });
  });

  it('runs offline, read-only, without capabilities, as the non-root user, with a memory limit', () => {
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
      '--user',
      '10001:10001',
      '--workdir',
      '/app',
      '--entrypoint',
      '/opt/venv/bin/python',
      'r/iris:pr-1',
      '-c',
      'HARNESS',
      JSON.stringify(request),
    ]);
  });
});
