// What every figure of the benchmark shares: the test bed's addresses, timed processes, the built
// CLI run on a copy of an example, and a description of the machine the figures were measured on.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, homedir, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

export const CLI = resolve('dist/cli/index.js');

/** The test bed (scripts/testbed.sh env); every build figure needs it. */
export function testbed() {
  const env = process.env;
  const missing = [
    'ML_CONTAINER_TEST_REGISTRY',
    'ML_CONTAINER_TEST_BASE_IMAGE',
    'ML_CONTAINER_TEST_INDEX_URL',
    'ML_CONTAINER_TEST_PYTORCH_INDEX',
    'ML_CONTAINER_TEST_NETWORK',
  ].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} not set: start the test bed with \`bash scripts/testbed.sh up\` and \`eval "$(bash scripts/testbed.sh env)"\``,
    );
  }
  return {
    registry: env.ML_CONTAINER_TEST_REGISTRY,
    baseImage: env.ML_CONTAINER_TEST_BASE_IMAGE,
    indexUrl: env.ML_CONTAINER_TEST_INDEX_URL,
    pytorchIndex: env.ML_CONTAINER_TEST_PYTORCH_INDEX,
    network: env.ML_CONTAINER_TEST_NETWORK,
  };
}

/** Runs a command, failing loudly; returns its output and wall seconds. */
export function run(command, args, options = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 << 20, ...options });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0 && !options.allowFailure) {
    // The CLI says why on stderr and prints its JSON on stdout: keep the end of each.
    const last = (text, lines) => (text ?? '').trimEnd().split('\n').slice(-lines).join('\n');
    const tail = `${last(result.stderr, 40)}\n--- stdout (end) ---\n${last(result.stdout, 10)}`;
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${tail}`);
  }
  return { ...result, seconds };
}

/** An empty BuildKit cache, cache mounts included, and no lock kept: what a fresh runner starts with. */
export function emptyBuildCache() {
  run('docker', ['buildx', 'prune', '--all', '--force']);
  rmSync(join(homedir(), '.cache', 'ml-container', 'locks'), { recursive: true, force: true });
}

/**
 * A copy of an example as a one-commit git repository, so the CLI takes SOURCE_DATE_EPOCH from the
 * commit time exactly as the action takes it from the event. `commit` adds a commit after a change.
 */
export function checkout(example) {
  const dir = mkdtempSync(join(tmpdir(), `bench-${example}-`));
  cpSync(resolve('examples', example), dir, { recursive: true });
  const git = (...args) =>
    run('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', ...args], {
      cwd: dir,
      env: {
        ...process.env,
        GIT_COMMITTER_DATE: '2026-11-20T10:00:00Z',
        GIT_AUTHOR_DATE: '2026-11-20T10:00:00Z',
      },
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'example');
  return {
    dir,
    commit(message) {
      git('add', '-A');
      git('commit', '-qm', message);
    },
  };
}

/**
 * `ml-container run` on a project with the test bed's base, index and network, no push and no SBOM
 * (the generator cannot run here); returns the metadata JSON and the run's wall seconds.
 */
export function buildWithCli(dir, name, extra = []) {
  const bed = testbed();
  const result = run(process.execPath, [
    CLI,
    'run',
    dir,
    '--image',
    `${bed.registry}/bench/${name}`,
    '--base-image',
    bed.baseImage,
    '--index-url',
    bed.indexUrl,
    '--pytorch-index-url',
    bed.pytorchIndex,
    '--network',
    bed.network,
    '--sbom',
    'false',
    '--json',
    ...extra,
  ]);
  const metadata = JSON.parse(result.stdout);
  const [variant] = metadata.variants;
  if (!variant?.smoke?.passed) throw new Error(`${name}: the smoke test did not pass:\n${result.stdout}`);
  return { metadata, variant, wallSeconds: result.seconds };
}

export function imageSize(reference) {
  return Number(run('docker', ['image', 'inspect', '--format', '{{.Size}}', reference]).stdout.trim());
}

export function machine() {
  const docker = run('docker', ['version', '--format', '{{.Server.Version}}'], { allowFailure: true });
  const buildx = run('docker', ['buildx', 'version'], { allowFailure: true });
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    totalMemoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${process.platform} ${release()} ${process.arch}`,
    docker: docker.status === 0 ? docker.stdout.trim() : null,
    buildx: buildx.status === 0 ? buildx.stdout.trim().split(' ')[1] : null,
    index: 'a PEP 503 index on 127.0.0.1 (the on-disk mirror): downloads cost loopback, not internet, time',
  };
}

export const median = (numbers) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

export function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}
