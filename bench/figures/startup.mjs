// Figure 5: action start-up, from spawning `node dist/index.js` as the runner does to the first
// phase starting (its `::group::Detect the environment` line), and the bundle's size.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median } from '../lib.mjs';

function timeToFirstPhase(entry, env) {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = false;
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (!seen && output.includes('::group::Detect the environment')) {
        seen = true;
        done(Number(process.hrtime.bigint() - started) / 1e9);
        child.kill();
      }
    });
    child.on('error', fail);
    child.on('close', () => {
      if (!seen) fail(new Error(`no phase started:\n${output}`));
    });
  });
}

export async function startup(runs) {
  const runner = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  for (const name of ['output', 'summary', 'event.json'])
    writeFileSync(join(runner, name), name === 'event.json' ? '{}' : '');
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: join(runner, 'event.json'),
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: '0'.repeat(40),
    GITHUB_REPOSITORY: 'acme/iris',
    GITHUB_OUTPUT: join(runner, 'output'),
    GITHUB_STEP_SUMMARY: join(runner, 'summary'),
    INPUT_CONTEXT: resolve('examples/sklearn-iris'),
    'INPUT_PLAN-ONLY': 'true',
  };
  const entry = resolve('dist/index.js');
  const seconds = [];
  for (let index = 0; index < runs; index++) seconds.push(await timeToFirstPhase(entry, env));
  const dist = readdirSync('dist', { recursive: true })
    .map((name) => join('dist', name))
    .filter((path) => statSync(path).isFile());
  return {
    runs,
    medianSeconds: median(seconds),
    seconds,
    bundleBytes: statSync('dist/index.js').size,
    distBytes: dist.reduce((sum, path) => sum + statSync(path).size, 0),
  };
}
