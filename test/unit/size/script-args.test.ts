import { describe, expect, it } from 'vitest';
import { scriptArgs } from '../../../src/smoke/args.js';
import { irisPlan } from '../helpers.js';

describe('scriptArgs (the size listing in the image)', () => {
  const options = {
    image: 'r/iris:pr-7',
    containerName: 'ml-container-size-1',
    memory: '4g',
    script: 'print(1)',
    argument: '{}',
  };

  it("runs the generated image's venv Python as its user, confined as the smoke test, with no GPU or input", () => {
    expect(scriptArgs(irisPlan({ variant: 'cpu' }), options)).toEqual([
      'run',
      '--rm',
      '--pull=never',
      '--name',
      'ml-container-size-1',
      '--network=none',
      '--read-only',
      '--tmpfs',
      '/tmp:rw,exec,nosuid,nodev,size=1g',
      '--cap-drop=ALL',
      '--security-opt=no-new-privileges',
      '--memory',
      '4g',
      '--memory-swap',
      '4g',
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
      'r/iris:pr-7',
      '-I',
      '-S',
      '-c',
      'print(1)',
      '{}',
    ]);
  });

  it("runs a project's own image without a USER as nobody, with the python3 its PATH finds", () => {
    const plan = { ...irisPlan(), dockerfile: { kind: 'project', path: 'Dockerfile' } } as ReturnType<
      typeof irisPlan
    >;
    const args = scriptArgs(plan, { ...options, imageUser: '' });
    expect(args.slice(args.indexOf('--ulimit') + 4, args.indexOf('r/iris:pr-7'))).toEqual([
      '--user',
      '65534:65534',
      '--entrypoint',
      'python3',
    ]);
  });
});
