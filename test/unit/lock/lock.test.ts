import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DockerCli } from '../../../src/adapters/docker.js';
import type { ProcessOptions } from '../../../src/adapters/process.js';
import { detect } from '../../../src/detect/index.js';
import { isUserError } from '../../../src/errors.js';
import { resolverArgs } from '../../../src/lock/args.js';
import { lock, RESOLVE_TIMEOUT_SECONDS } from '../../../src/lock/index.js';
import { lockFromReport } from '../../../src/lock/report.js';
import { plan } from '../../../src/plan/index.js';
import { baseOf } from '../../../src/plan/types.js';
import { memoryReader } from '../../../src/project/reader.js';
import { BASE_DIGEST, inputsWith, irisPlan, irisReport, irisSpec, irisTree } from '../helpers.js';

describe('lockFromReport', () => {
  it('pins every resolved package with the sha256 the index published, sorted by name', () => {
    const lock = lockFromReport(irisReport(), ['header line']);
    expect(lock.packages.map((pkg) => `${pkg.name}==${pkg.version}`)).toEqual([
      'cloudpickle==3.1.2',
      'joblib==1.6.0',
      'numpy==2.4.6',
      'scikit-learn==1.6.1',
      'scipy==1.17.1',
      'threadpoolctl==3.7.0',
    ]);
    const lines = lock.text.trimEnd().split('\n');
    expect(lines[0]).toBe('# header line');
    expect(lines[4]).toBe(
      'scikit-learn==1.6.1 --hash=sha256:25fc636bdaf1cc2f4a124a116312d837148b5e10872147bdaf4887926b8c03d8',
    );
    for (const line of lines.slice(1)) expect(line).toMatch(/^[a-z0-9-]+==\S+ --hash=sha256:[0-9a-f]{64}$/);
    expect(lock.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(lock.environment.python_version).toBe('3.11');
  });

  it('gives the same bytes for the same report, whatever order pip listed the packages in', () => {
    const report = irisReport();
    const reversed = { ...report, install: [...report.install].reverse() };
    expect(lockFromReport(reversed, ['h']).text).toBe(lockFromReport(report, ['h']).text);
  });

  it('writes direct URL requirements as name @ url with their hash', () => {
    const report = irisReport();
    const first = report.install[0];
    if (!first) throw new Error('fixture is empty');
    const direct = { ...first, is_direct: true };
    const lock = lockFromReport({ ...report, install: [direct] }, []);
    expect(lock.text).toBe(
      `scikit-learn @ ${first.download_info.url} --hash=sha256:${first.download_info.archive_info?.hashes?.sha256}\n`,
    );
  });

  it('refuses a package whose index published no sha256, naming it', () => {
    const report = irisReport();
    const first = report.install[0];
    if (!first) throw new Error('fixture is empty');
    const unhashed = { ...first, download_info: { url: 'https://corp.example/x.whl' } };
    expect(() => lockFromReport({ ...report, install: [unhashed] }, [])).toThrow(
      /the index gave no sha256 for scikit-learn 1\.6\.1 \(https:\/\/corp\.example\/x\.whl\)/,
    );
  });
});

describe('resolverArgs', () => {
  it('resolves inside the pinned base, limited, unprivileged, the project sent on stdin into an empty folder, as an argument array', () => {
    const args = resolverArgs(
      irisPlan({ 'index-url': 'http://127.0.0.1:3141/simple', network: 'host' }),
      'SCRIPT',
      { containerName: 'resolve-1' },
    );
    expect(args).toEqual([
      'run',
      '--rm',
      '--interactive',
      '--name',
      'resolve-1',
      '--network',
      'host',
      '--cap-drop=ALL',
      '--security-opt=no-new-privileges',
      '--memory',
      '4g',
      '--memory-swap',
      '4g',
      '--pids-limit',
      '1024',
      '--ulimit',
      'nofile=8192:8192',
      '--user',
      '65534:65534',
      '--env',
      'HOME=/tmp',
      '--tmpfs',
      '/project:rw,nosuid,nodev,noexec,size=512m,uid=65534,gid=65534,mode=0700',
      '--workdir',
      '/project',
      '--entrypoint',
      'python3',
      `docker.io/library/python:3.11-slim-bookworm@${BASE_DIGEST}`,
      '-c',
      'SCRIPT',
      '{"requirements":"requirements.txt","lines":null,"indexUrl":"http://127.0.0.1:3141/simple","extraIndexUrls":[],"cpuTorch":null}',
    ]);
  });

  /** The JSON request resolve.py reads: the last argument. */
  const requestOf = (args: string[]) => JSON.parse(args.at(-1) ?? '{}');

  it('sends the CPU variant of a plain-torch project to the +cpu builds of the CPU index, with every index', () => {
    const spec = detect(
      memoryReader({
        'requirements.txt':
          '--index-url https://mirror.example/simple\n--extra-index-url https://more.example/simple\ntorch>=2.13\nnumpy\n',
        'predict.py': 'print(1)\n',
      }),
    );
    const plans = plan(spec, inputsWith({ 'pytorch-index-url': 'http://127.0.0.1:3141/whl' }), {
      hasDockerignore: false,
    });
    const cpu = plans.find((candidate) => candidate.variant === 'cpu');
    if (!cpu) throw new Error('no CPU plan');
    baseOf(cpu).digest = BASE_DIGEST;
    expect(requestOf(resolverArgs(cpu, 'S'))).toEqual({
      requirements: 'requirements.txt',
      lines: null,
      indexUrl: 'https://mirror.example/simple',
      extraIndexUrls: ['https://more.example/simple'],
      cpuTorch: {
        indexUrl: 'http://127.0.0.1:3141/whl/cpu',
        packages: [{ name: 'torch', specifier: '>=2.13' }],
      },
    });
    const gpu = plans.find((candidate) => candidate.variant === 'gpu');
    if (!gpu) throw new Error('no GPU plan');
    baseOf(gpu).digest = BASE_DIGEST;
    expect(requestOf(resolverArgs(gpu, 'S')).cpuTorch).toBeNull();
  });

  it('keeps credentials out of the request: they travel by name in the environment', () => {
    const args = resolverArgs(
      irisPlan({
        'index-url': 'https://user:s3cret@private.example/simple',
        'extra-index-urls': 'https://token:other-s3cret@more.example/simple',
      }),
      'S',
    );
    expect(args.join(' ')).not.toMatch(/s3cret|user:|token:/);
    expect(requestOf(args)).toMatchObject({
      indexUrl: 'https://private.example/simple',
      extraIndexUrls: ['https://more.example/simple'],
    });
    expect(args).toContain('ML_CONTAINER_INDEXES');
  });

  it('leaves the network to Docker by default, and pulling the pinned base too', () => {
    const args = resolverArgs(irisPlan(), 'S');
    expect(args).not.toContain('--network');
    expect(args.join(' ')).not.toContain('--pull');
  });

  it('runs on the platform it resolves for', () => {
    expect(resolverArgs(irisPlan(), 'S', { platform: 'linux/arm64' })).toEqual(
      expect.arrayContaining(['--platform', 'linux/arm64']),
    );
  });
});

describe('lock', () => {
  it('kills a resolve that runs past its timeout, by the container name, and says so', async () => {
    const calls: { args: readonly string[]; options?: ProcessOptions }[] = [];
    const docker: DockerCli = {
      async exec(args, options) {
        calls.push({ args, options });
        if (args[0] === 'kill') return { exitCode: 0, stdout: '', stderr: '', timedOut: false };
        await options?.onTimeout?.();
        return { exitCode: 137, stdout: '', stderr: 'Collecting torch', timedOut: true };
      },
    };
    const error = await lock(irisPlan(), irisSpec(), '/w', docker, memoryReader(irisTree)).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(isUserError(error) && error.message).toMatch(
      /could not resolve requirements\.txt in .*: pip did not finish within 30 minutes/,
    );
    const [resolve, kill] = calls;
    expect(resolve?.options?.timeoutMs).toBe(RESOLVE_TIMEOUT_SECONDS * 1000);
    const name = resolve?.args[resolve.args.indexOf('--name') + 1];
    expect(name).toMatch(/^ml-container-resolve-[0-9a-f]{12}$/);
    expect(kill?.args).toEqual(['kill', name]);
  });

  it('runs pip as nobody and sends it the requirements on stdin, mounting nothing: the engine may be another machine', async () => {
    const project = mkdtempSync(join(tmpdir(), 'ml-container-private-')); // mode 0700
    writeFileSync(join(project, 'requirements.txt'), 'scikit-learn==1.6.1\n');
    let call: { args: readonly string[]; input?: string } | undefined;
    const docker: DockerCli = {
      async exec(args, options) {
        call = { args, input: options?.input };
        return { exitCode: 1, stdout: '', stderr: 'ERROR: stop here', timedOut: false };
      },
    };
    await lock(irisPlan(), irisSpec(), project, docker, memoryReader(irisTree)).catch(() => null);
    expect(call?.args[call.args.indexOf('--user') + 1]).toBe('65534:65534');
    expect(call?.args).not.toContain('--volume');
    expect(call?.args.join(' ')).not.toContain(project);
    const sent = JSON.parse(call?.input ?? '{}') as Record<string, string>;
    expect(Object.keys(sent)).toEqual(['requirements.txt']);
    expect(Buffer.from(sent['requirements.txt'] ?? '', 'base64').toString()).toBe('scikit-learn==1.6.1\n');
  });
});
