import { writeFileSync } from 'node:fs';
import type { DockerCli } from '../../src/adapters/docker.js';
import type { ProcessResult } from '../../src/adapters/process.js';
import { BASE_DIGEST, irisReport } from './helpers.js';

export const BUILT = `sha256:${'d'.repeat(64)}`;
const ok = (stdout = ''): ProcessResult => ({ exitCode: 0, stdout, stderr: '', timedOut: false });

export interface FakeOptions {
  smokePassed?: boolean;
  pushFailures?: number;
  /** What `buildx inspect` says the node runs. */
  platforms?: string;
  /** The size listing exits without a result, as in an image without Python. */
  sizeListing?: 'fails';
  /** `docker history` fails, so the image's uncompressed size is unknown. */
  history?: 'fails';
}

/** The smoke test's request, when it asks the harness to run the size listing after its checks. */
export function sizeListingOf(args: readonly string[]): { script: string; timeout: number } | null {
  if (args[0] !== 'run') return null;
  try {
    const request = JSON.parse(args.at(-1) ?? '');
    return request?.after?.script?.includes('ML_CONTAINER_SIZE_LISTING') ? request.after : null;
  } catch {
    return null;
  }
}

/** `docker history` of an iris image on the test bed, newest first (Docker 26, containerd store), cut short. */
const HISTORY = [
  { CreatedBy: 'CMD ["python" "predict.py"]', Size: '0' },
  { CreatedBy: 'COPY . /app # buildkit', Size: '315392' },
  {
    CreatedBy:
      'RUN /bin/sh -c SOURCE_DATE_EPOCH=0 python3 -m venv /opt/venv     && /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/ml-container/requirements.lock # buildkit',
    Size: '130000000',
  },
  { CreatedBy: '', Size: '33000000' },
]
  .map((entry) => `${JSON.stringify({ Comment: 'buildkit.dockerfile.v0', ID: '<missing>', ...entry })}\n`)
  .join('');

const LISTING = {
  files: [['/opt/venv/lib/python3.11/site-packages/scipy.libs/libopenblas.so', 34000000, null]],
  packages: [
    ['scipy', '1.15.2', 110000000],
    ['scikit-learn', '1.6.1', 40000000],
    ['pip', '24.0', null],
  ],
  tests: [['/opt/venv/lib/python3.11/site-packages/scipy/tests', 2000000]],
  pycache: [9000000, 400],
  unreadable: 0,
};

/** A Docker CLI that answers as a real one did on the test bed, and records every call. */
export function fakeDocker(options: FakeOptions = {}): DockerCli & { calls: string[][] } {
  const calls: string[][] = [];
  let pushFailures = options.pushFailures ?? 0;
  return {
    calls,
    async exec(args, execOptions) {
      calls.push([...args]);
      const [first, second] = args;
      if (first === 'buildx' && second === 'imagetools') {
        return ok(JSON.stringify({ digest: args[2]?.includes('python') ? BASE_DIGEST : BUILT }));
      }
      if (first === 'buildx' && second === 'inspect') {
        return ok(
          `Name: default\nDriver: docker\n\nNodes:\nPlatforms: ${options.platforms ?? 'linux/amd64'}\n`,
        );
      }
      if (first === 'info')
        return ok(
          '[["driver-type","io.containerd.snapshotter.v1"]]\n[{"Name":"buildx","Version":"0.13.1+ds1"}]\n',
        );
      if (first === 'buildx' && second === 'build') {
        const metadata = args[args.indexOf('--metadata-file') + 1] ?? '';
        writeFileSync(metadata, JSON.stringify({ 'containerimage.digest': BUILT }));
        return ok();
      }
      if (first === 'image') {
        const format = args[args.indexOf('--format') + 1] ?? '';
        return ok(format.includes('.Id') ? `${BUILT} 164000000\n` : '164000000\n');
      }
      if (first === 'load' || first === 'tag') return ok();
      if (first === 'history') {
        if (options.history === 'fails')
          return { exitCode: 1, stdout: '', stderr: 'Error response from daemon', timedOut: false };
        return ok(HISTORY);
      }
      if (first === 'run' && args.includes('python3')) {
        return ok(`Looking in indexes\nML_CONTAINER_RESOLVE_REPORT ${JSON.stringify(irisReport())}\n`);
      }
      if (first === 'run') {
        const passed = options.smokePassed ?? true;
        const checks = [
          { kind: 'import', name: 'scikit-learn', status: 'passed', seconds: 0.9, version: '1.6.1' },
          passed
            ? {
                kind: 'model',
                name: 'model.joblib',
                status: 'passed',
                seconds: 0.05,
                first_prediction_seconds: 0.001,
              }
            : {
                kind: 'model',
                name: 'model.joblib',
                status: 'failed',
                seconds: 0.01,
                error: 'UnpicklingError: invalid load key',
              },
        ];
        // The harness runs the listing after its checks, when they passed, and reports what it printed.
        const after =
          sizeListingOf(args) && passed
            ? options.sizeListing === 'fails'
              ? { exit_code: 127, timed_out: false, stdout: '', stderr: 'no python', seconds: 0.01 }
              : {
                  exit_code: 0,
                  timed_out: false,
                  stdout: `ML_CONTAINER_SIZE_LISTING ${JSON.stringify(LISTING)}\n`,
                  stderr: '',
                  seconds: 0.2,
                }
            : undefined;
        // The harness signs its result with the nonce it reads on standard input.
        const nonce = execOptions?.input?.trim();
        return ok(
          `ML_CONTAINER_SMOKE_RESULT ${nonce} ${JSON.stringify({ passed, checks, python: '3.11.2', peak_memory_bytes: 2e8, after })}\n`,
        );
      }
      if (first === 'push') {
        if (pushFailures-- > 0)
          return { exitCode: 1, stdout: '', stderr: 'connection refused', timedOut: false };
        return ok();
      }
      throw new Error(`unexpected docker call: ${args.join(' ')}`);
    },
  };
}
