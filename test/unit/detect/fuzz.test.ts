import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FuzzCase, fuzzCases, restoreModes, SECRET, writeCase } from './fuzz-cases.js';

/**
 * `ml-container detect DIR --json` on adversarial folders (issue #13): each must end in exit 0 with
 * JSON, or exit 2 with an error naming a path of the case, within the time and memory bounds.
 * Exit 1 (an internal error), a signal, a timeout or more memory fail, with the case and seed.
 * CI builds dist/ first; ML_CONTAINER_FUZZ_CLI runs another build, ML_CONTAINER_FUZZ_SEED other cases.
 */
const CLI = resolve(process.env.ML_CONTAINER_FUZZ_CLI ?? 'dist/cli/index.js');
const SEED = Number(process.env.ML_CONTAINER_FUZZ_SEED ?? 20_251_301);
const COUNT = 250;
const CONCURRENCY = 3;
const WALL_LIMIT_MS = 20_000;
const RSS_LIMIT_KB = 1024 * 1024;
/** As root (CI), the CLI runs as nobody, so that a file made unreadable is unreadable to it. */
const NOBODY = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  maxRssKb: number | null;
}

/** Writes the peak memory of the process to fd 3 as it exits, for the test to read. */
const PRELOAD = `process.on('exit', () => {
  try { require('node:fs').writeSync(3, String(process.resourceUsage().maxRSS)); } catch {}
});
`;

function runDetect(preload: string, folder: string): Promise<Outcome> {
  return new Promise((done) => {
    const start = performance.now();
    const child = spawn(process.execPath, ['--require', preload, CLI, 'detect', folder, '--json'], {
      cwd: tmpdir(),
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      timeout: WALL_LIMIT_MS + 5_000,
      killSignal: 'SIGKILL',
      ...NOBODY,
    });
    const chunks: Record<'stdout' | 'stderr' | 'rss', string> = { stdout: '', stderr: '', rss: '' };
    const collect = (name: keyof typeof chunks) => (chunk: Buffer) => {
      // Enough to judge the output, never the whole of a runaway one.
      if (chunks[name].length < 4 << 20) chunks[name] += chunk.toString('utf8');
    };
    child.stdout?.on('data', collect('stdout'));
    child.stderr?.on('data', collect('stderr'));
    child.stdio[3]?.on('data', collect('rss'));
    child.on('close', (code, signal) => {
      done({
        code,
        signal,
        stdout: chunks.stdout,
        stderr: chunks.stderr,
        wallMs: performance.now() - start,
        maxRssKb: chunks.rss ? Number(chunks.rss) : null,
      });
    });
  });
}

/** The paths an error may name for this case: its entries, the folders above them, and '.'. */
function namesOf(fuzzCase: FuzzCase): Set<string> {
  const names = new Set(['.']);
  for (const path of fuzzCase.entries.keys()) {
    for (let end = path.length; end > 0; end = path.lastIndexOf('/', end - 1)) names.add(path.slice(0, end));
  }
  return names;
}

/** Why the outcome breaks the contract, or null when it keeps it. */
function verdict(fuzzCase: FuzzCase, outcome: Outcome): string | null {
  if (outcome.signal) return `killed by ${outcome.signal} after ${Math.round(outcome.wallMs)} ms`;
  if (outcome.wallMs > WALL_LIMIT_MS) return `took ${Math.round(outcome.wallMs)} ms`;
  if (outcome.maxRssKb === null) return 'exited without reporting its memory';
  if (outcome.maxRssKb > RSS_LIMIT_KB) return `used ${outcome.maxRssKb >> 10} MiB`;
  if (outcome.stdout.includes(SECRET) || outcome.stderr.includes(SECRET))
    return 'printed a file from outside the project';
  if (outcome.code === 0) {
    try {
      const parsed = JSON.parse(outcome.stdout) as { dependencies?: unknown };
      return parsed.dependencies ? null : 'printed JSON without dependencies';
    } catch {
      return 'exit 0 without JSON on stdout';
    }
  }
  if (outcome.code === 2) {
    const [first = ''] = outcome.stderr.split('\n');
    const named = [...namesOf(fuzzCase)].some((name) => first.startsWith(`${name}:`));
    return named ? null : 'exit 2 without naming a path of the case';
  }
  return `exit ${outcome.code}`;
}

async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

describe.skipIf(process.platform === 'win32' || !existsSync(CLI))('detect on adversarial folders', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'ml-container-fuzz-'));
    mkdirSync(join(root, 'outside'));
    writeFileSync(join(root, 'outside', 'secret.txt'), `${SECRET}\n`);
    writeFileSync(join(root, 'preload.cjs'), PRELOAD);
    // mkdtemp makes it private, and the umask may too; the CLI may run as nobody.
    for (const folder of [root, join(root, 'outside')]) chmodSync(folder, 0o755);
    for (const file of ['outside/secret.txt', 'preload.cjs']) chmodSync(join(root, file), 0o644);
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it(`ends each of ${COUNT} cases in JSON or a named error, in bounds (seed ${SEED})`, async () => {
    const cases = fuzzCases(SEED, COUNT);
    const failures: string[] = [];
    await pool(cases, CONCURRENCY, async (fuzzCase) => {
      const folder = join(root, `case-${fuzzCase.id}`);
      mkdirSync(folder);
      writeCase(folder, fuzzCase, join(root, 'outside'));
      const outcome = await runDetect(join(root, 'preload.cjs'), folder);
      restoreModes(folder, fuzzCase);
      rmSync(folder, { recursive: true, force: true });
      const why = verdict(fuzzCase, outcome);
      if (why) {
        failures.push(
          `case ${fuzzCase.id} (${fuzzCase.description}): ${why}\n  stderr: ${outcome.stderr.slice(0, 300)}`,
        );
      }
    });
    expect(failures, `ML_CONTAINER_FUZZ_SEED=${SEED}\n${failures.join('\n')}`).toEqual([]);
  }, 600_000);
});
