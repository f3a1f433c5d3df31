#!/usr/bin/env node
// How long `ml-container detect` takes as a repository grows. Generates synthetic monorepos of about
// 1,000, 10,000 and 100,000 files under the system temp folder, times the built CLI on each (spawned,
// so Node's start-up and loading the bundle are included), prints a Markdown table and writes JSON.
//
//   npm run build && npm run bench:detect               # 1k, 10k, 100k files; median of 3 runs each
//   npm run bench:detect -- --quick                     # 1k and 10k, one run each (for CI)
//   npm run bench:detect -- --out /tmp/detect.json      # where the JSON goes (bench/results/detect.json)
//   npm run bench:detect -- --cli path/to/cli/index.js  # another build of the CLI
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, freemem, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results/detect.json' },
    cli: { type: 'string', default: 'dist/cli/index.js' },
  },
});
const cli = resolve(values.cli);
if (!existsSync(cli)) {
  console.error(`${values.cli} is not there: run \`npm run build\` first`);
  process.exit(2);
}
const sizes = values.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
const runs = values.quick ? 1 : 3;

const scratch = mkdtempSync(join(tmpdir(), 'bench-detect-'));
const cleanUp = () => rmSync(scratch, { recursive: true, force: true });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

/**
 * A monorepo of about `target` files: a root project, sub-projects (alternately requirements.txt
 * and pyproject.toml) each with nested source packages, tests, a README and now and then a model
 * file or a .gitignore of its own; a data folder; and an `outputs/` folder, a fifth of all files,
 * that the root .gitignore ignores. The root .gitignore holds anchored rules, as most do (GitHub's
 * Python template has `docs/_build/` and `/site`), so every path is tested whole; the sub-projects'
 * hold only slash-free rules, which the reader tests once per name. Returns how many files it wrote
 * and how many detect should see.
 */
function generate(root, target) {
  let written = 0;
  let visible = 0;
  const made = new Set();
  const write = (path, text = '', seen = true) => {
    const folder = dirname(path);
    if (!made.has(folder)) {
      mkdirSync(join(root, folder), { recursive: true });
      made.add(folder);
    }
    writeFileSync(join(root, path), text);
    written++;
    if (seen) visible++;
  };
  write('requirements.txt', 'numpy==2.1.0\nscikit-learn>=1.5\ntorch==2.4.0\n');
  write('predict.py', 'import torch\n');
  write('README.md', '# monorepo\n');
  write('.gitignore', '# generated\n/outputs/\n*.log\n.env\ndocs/_build/\n/site\n');
  // Ignored: a large folder of run outputs, and stray logs.
  const ignored = Math.floor(target / 5);
  for (let i = 0; written < 4 + ignored; i++)
    write(`outputs/run-${i % 50}/step-${i}/metrics.json`, '{}', false);
  // Skipped: a data folder.
  for (let i = 0; i < 20; i++) write(`data/raw/part-${i}.csv`, 'a,b\n', false);
  let project = 0;
  while (written < target) {
    const base = `projects/p${project}`;
    if (project % 2 === 0) write(`${base}/requirements.txt`, 'requests==2.32.3\npandas\n');
    else write(`${base}/pyproject.toml`, `[project]\nname = "p${project}"\nversion = "0.1.0"\n`);
    write(`${base}/README.md`, `# p${project}\n`);
    if (project % 5 === 0) {
      write(`${base}/.gitignore`, 'scratch/\n*.tmp\n');
      for (let i = 0; i < 5; i++) write(`${base}/scratch/tmp-${i}.txt`, '', false);
      write(`${base}/notes.tmp`, '', false);
    }
    if (project % 10 === 0) write(`${base}/models/model.onnx`, 'onnx');
    if (project % 25 === 0) write(`${base}/checkpoints/last.pt`, 'pt');
    write(`${base}/train.log`, '', false);
    // Nested packages: src/p<n>/<a>/<b>/module_<k>.py, then tests.
    for (let a = 0; a < 3 && written < target; a++) {
      write(`${base}/src/p${project}/sub${a}/__init__.py`);
      for (let b = 0; b < 3 && written < target; b++) {
        for (let k = 0; k < 8 && written < target; k++) {
          write(`${base}/src/p${project}/sub${a}/leaf${b}/module_${k}.py`, 'def f():\n    return 1\n');
        }
      }
    }
    for (let k = 0; k < 10 && written < target; k++)
      write(`${base}/tests/test_${k}.py`, 'def test():\n    pass\n');
    project++;
  }
  return { written, visible, projects: project };
}

/**
 * The walk alone, in this process: src/project/reader.ts transpiled with the TypeScript compiler
 * (a dev dependency) into the scratch folder, its `ignore` import pointed at this checkout's copy.
 * Null, with why, when that cannot be done (no TypeScript, or the reader imports more than that).
 */
async function loadDirectoryReader() {
  try {
    const require = createRequire(resolve('package.json'));
    const ts = require('typescript');
    const source = readFileSync('src/project/reader.ts', 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    const ignoreUrl = pathToFileURL(require.resolve('ignore')).href;
    const file = join(scratch, 'reader.mjs');
    writeFileSync(file, outputText.replace(/from ['"]ignore['"]/, `from '${ignoreUrl}'`));
    const { directoryReader } = await import(pathToFileURL(file).href);
    return { directoryReader };
  } catch (error) {
    return { why: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}

/** Seconds one spawn takes, failing loudly when the command fails. */
function time(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) {
    throw new Error(`node ${args.join(' ')} exited ${result.status}:\n${result.stderr}${result.stdout}`);
  }
  return { seconds, stdout: result.stdout };
}

const median = (numbers) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Median seconds of `count` timed runs, after one untimed run that warms the file system cache. */
function measure(args, count) {
  const first = time(args);
  const seconds = Array.from({ length: count }, () => time(args).seconds);
  return { median: median(seconds), seconds, stdout: first.stdout };
}

try {
  const nodeFloor = measure(['-e', '0'], Math.max(runs, 3));
  const minimal = join(scratch, 'minimal');
  generate(minimal, 1);
  const cliFloor = measure([cli, 'detect', minimal, '--json'], Math.max(runs, 3));
  rmSync(minimal, { recursive: true, force: true });

  const inProcess = await loadDirectoryReader();
  if (!inProcess.directoryReader) process.stderr.write(`walk not timed in-process: ${inProcess.why}\n`);
  /** Median seconds of the walk alone, after one warm-up, with the number of files it lists. */
  const walk = (root) => {
    const listed = inProcess.directoryReader(root).files().length;
    const seconds = Array.from({ length: runs }, () => {
      const start = process.hrtime.bigint();
      inProcess.directoryReader(root).files();
      return Number(process.hrtime.bigint() - start) / 1e9;
    });
    return { median: median(seconds), seconds, listed };
  };

  const results = [];
  for (const size of sizes) {
    const root = join(scratch, `repo-${size}`);
    const started = process.hrtime.bigint();
    const tree = generate(root, size);
    const generateSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const run = measure([cli, 'detect', root, '--json'], runs);
    const spec = JSON.parse(run.stdout);
    const walked = inProcess.directoryReader ? walk(root) : null;
    if (walked && walked.listed !== tree.visible) {
      throw new Error(`the reader listed ${walked.listed} files of ${root}; ${tree.visible} are not ignored`);
    }
    rmSync(root, { recursive: true, force: true });
    results.push({
      files: tree.written,
      visibleFiles: tree.visible,
      projects: tree.projects,
      models: Array.isArray(spec.models) ? spec.models.length : null,
      medianSeconds: run.median,
      seconds: run.seconds,
      overCliFloorSeconds: run.median - cliFloor.median,
      filesPerSecond: tree.written / run.median,
      walkMedianSeconds: walked?.median ?? null,
      walkSeconds: walked?.seconds ?? null,
      generateSeconds,
    });
    process.stderr.write(`${size} files: ${run.median.toFixed(3)} s\n`);
  }
  const base = results[0].medianSeconds;
  for (const result of results) result.ratioToFirst = result.medianSeconds / base;

  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    totalMemoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    freeMemoryGiB: Number((freemem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${process.platform} ${release()} ${process.arch}`,
  };
  const report = {
    date: new Date().toISOString(),
    machine,
    cli: values.cli,
    quick: values.quick,
    runsPerSize: runs,
    walkInProcess: inProcess.directoryReader ? true : inProcess.why,
    floor: {
      nodeStartSeconds: nodeFloor.median,
      cliDetectMinimalSeconds: cliFloor.median,
    },
    results,
  };
  mkdirSync(dirname(resolve(values.out)), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);

  const fmt = (seconds) => seconds.toFixed(3);
  const lines = [
    `detect on ${machine.cpu} (${machine.cpus} CPUs, ${machine.totalMemoryGiB} GiB), Node ${machine.node};`,
    `median of ${runs} run${runs === 1 ? '' : 's'} after one warm-up. Start-up floor: \`node -e 0\` ${fmt(nodeFloor.median)} s,`,
    `\`detect\` on a one-file project ${fmt(cliFloor.median)} s.`,
    '',
    '| files | visible | median s | over floor s | files/s | × 1k time | walk alone s |',
    '|------:|--------:|---------:|-------------:|--------:|----------:|-------------:|',
    ...results.map(
      (r) =>
        `| ${r.files.toLocaleString('en-US')} | ${r.visibleFiles.toLocaleString('en-US')} | ${fmt(r.medianSeconds)} | ${fmt(r.overCliFloorSeconds)} | ${Math.round(r.filesPerSecond).toLocaleString('en-US')} | ${r.ratioToFirst.toFixed(2)} | ${r.walkMedianSeconds === null ? 'n/a' : fmt(r.walkMedianSeconds)} |`,
    ),
    '',
    '`files`: written to disk; `visible`: those not ignored or skipped. `median s`: the spawned',
    '`detect --json`, start-up included; `over floor s`: less the one-file `detect`. `walk alone s`:',
    '`directoryReader(dir).files()` in this process (warm JIT), when src/project/reader.ts transpiles.',
    '',
    `JSON: ${values.out}`,
  ];
  console.log(lines.join('\n'));
} finally {
  cleanUp();
}
