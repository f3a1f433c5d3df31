import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ActionRun {
  workspace: string;
  exitCode: number;
  log: string;
  outputs: Record<string, string>;
  summary: string;
}

/**
 * Runs dist/index.js exactly as the Actions runner does: inputs as INPUT_* variables, the event
 * payload in a file, outputs and the job summary written to the files the runner names.
 */
export async function runAction(options: {
  workspace: string;
  eventName: string;
  event: Record<string, unknown>;
  ref: string;
  sha: string;
  repository: string;
  inputs: Record<string, string>;
  /** More of the runner's environment, e.g. the Actions cache service's URL and token. */
  env?: Record<string, string>;
}): Promise<ActionRun> {
  const runnerDir = mkdtempSync(join(tmpdir(), 'ml-container-runner-'));
  const files = {
    event: join(runnerDir, 'event.json'),
    output: join(runnerDir, 'output'),
    summary: join(runnerDir, 'summary.md'),
  };
  writeFileSync(files.event, JSON.stringify(options.event));
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DOCKER_CONFIG: process.env.DOCKER_CONFIG,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REF: options.ref,
    GITHUB_SHA: options.sha,
    GITHUB_REPOSITORY: options.repository,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: runnerDir,
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  const entry = resolve('dist/index.js');
  const { exitCode, log } = await new Promise<{ exitCode: number; log: string }>((done, fail) => {
    const child = spawn(process.execPath, [entry], {
      cwd: options.workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => done({ exitCode: code ?? 1, log }));
  });
  return {
    workspace: options.workspace,
    exitCode,
    log,
    outputs: parseOutputFile(readFileSync(files.output, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
  };
}

/** The runner's file command format: `name<<DELIMITER`, the value lines, then `DELIMITER`. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[index] ?? '');
    if (!match?.[1] || !match[2]) continue;
    const value: string[] = [];
    while (++index < lines.length && lines[index] !== match[2]) value.push(lines[index] ?? '');
    outputs[match[1]] = value.join('\n');
  }
  return outputs;
}
