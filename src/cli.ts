#!/usr/bin/env node
import { realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pkg from '../package.json' with { type: 'json' };
import { dockerCli } from './adapters/docker.js';
import { commitFacts } from './adapters/git.js';
import { commandUsage, isCommand, parseCommandLine, USAGE, UsageError } from './cli-usage.js';
import { localContext } from './context.js';
import { detect } from './detect/index.js';
import { specContract } from './detect/spec.js';
import { isBadInput, UserError } from './errors.js';
import { type InputName, parseInputs } from './inputs.js';
import { guardedLogger, type Logger, type UntrustedOutput, untrustedOutput } from './log.js';
import { pipeline } from './pipeline.js';
import { directoryReader } from './project/reader.js';
import { metadata, servedDigest } from './report/outputs.js';
import { summaryMarkdown } from './report/summary.js';
import { inertCommands, inertJson, logLine } from './text.js';

/** Runs one command line and returns its exit code; every bad flag or path is 2, never an internal error. */
export async function cli(argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${inertCommands(error.message)}\n\n${error.usage}\n`);
      return 2;
    }
    if (error instanceof UserError) {
      process.stderr.write(`${inertCommands(error.located)}\n`);
      return isBadInput(error) ? 2 : 1;
    }
    process.stderr.write(`internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V' || command === 'version') {
    if (rest.length) throw new UsageError(`'${command}' takes no arguments`, USAGE);
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    const [topic, ...more] = rest;
    if (more.length) throw new UsageError(`'${command}' takes one command, got ${rest.join(' ')}`, USAGE);
    if (topic !== undefined && !isCommand(topic)) throw new UsageError(`unknown command '${topic}'`, USAGE);
    process.stdout.write(`${topic ? commandUsage[topic] : USAGE}\n`);
    return 0;
  }
  if (command === undefined) throw new UsageError('missing command', USAGE);
  if (!isCommand(command)) throw new UsageError(`unknown command '${command}'`, USAGE);
  const usage = commandUsage[command];
  const { flags, positionals } = parseCommandLine(command, rest);
  if (flags.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (positionals.length > 1)
    throw new UsageError(
      `'${command}' takes one DIR, got ${positionals.length}: ${positionals.join(' ')}`,
      usage,
    );
  const dir = positionals[0] ?? (flags.context as string | undefined) ?? '.';
  checkFolder(positionals[0] !== undefined ? 'DIR' : '--context', dir);
  const out = flags.out as string | undefined;
  const summary = flags.summary as string | undefined;
  if (command === 'plan' && !out) throw new UsageError("'plan' needs --out OUT", usage);
  if (out) checkWritable('--out', out, 'folder');
  if (summary) checkWritable('--summary', summary, 'file');
  if (command === 'detect') {
    const dependencyFile = ((flags['dependency-file'] as string | undefined) ?? '').trim() || null;
    const spec = detect(directoryReader(resolve(dir)), { dependencyFile });
    process.stdout.write(flags.json ? json(specContract(spec)) : describe(specContract(spec)));
    return 0;
  }
  const inputs = parseInputs((name: InputName) =>
    name === 'context' ? dir : ((flags[name] as string | undefined) ?? ''),
  );
  const git = await commitFacts(resolve(dir));
  // In a workflow step the runner reads stderr for commands too.
  const untrusted = untrustedOutput((text) => process.stderr.write(text), {
    stopCommands: process.env.GITHUB_ACTIONS === 'true',
  });
  const report = await pipeline(inputs, localContext(git.sha, git.time), {
    docker: dockerCli(),
    logger: stderrLogger(untrusted),
    workDir: out ? resolve(out) : undefined,
    until: command === 'plan' ? 'render' : undefined,
    lockCache: {},
  });
  if (summary) writeFileSync(summary, summaryMarkdown(report));
  untrusted.resume();
  if (flags.json) process.stdout.write(json(metadata(report)));
  if (report.error) {
    process.stderr.write('\n');
    if (report.error.detail) {
      untrusted.block(report.error.detail);
      process.stderr.write('\n');
    }
    process.stderr.write(`error: ${inertCommands(report.error.located)}\n`);
    return isBadInput(report.error) ? 2 : 1;
  }
  for (const variant of report.variants) {
    const pushed = variant.publish?.pushed ?? [];
    process.stderr.write(
      command === 'plan' || inputs.planOnly
        ? `\nplanned ${variant.plan.variant}: ${variant.generatedDir ?? '(plan only)'}\n`
        : `\n✔ ${variant.plan.variant}: ${variant.tags?.tags[0]} ${servedDigest(variant)} — smoke passed; ${pushed.length ? `pushed ${pushed.join(', ')}` : `not pushed (${variant.publish?.why})`}\n`,
    );
  }
  return 0;
}

/** DIR (or --context) must be a folder that is there: a typo would otherwise read as an empty project. */
function checkFolder(what: string, path: string): void {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new UserError(`${what} '${path}' does not exist`, 'inputs');
  if (!stat.isDirectory()) throw new UserError(`${what} '${path}' is not a directory`, 'inputs');
}

/** Checked before the run, so a mistyped path fails in a second rather than after a build. */
function checkWritable(flag: string, path: string, kind: 'file' | 'folder'): void {
  const parent = dirname(resolve(path));
  const parentStat = statSync(parent, { throwIfNoEntry: false });
  if (!parentStat?.isDirectory())
    throw new UserError(`${flag} '${path}': folder '${parent}' does not exist`, 'inputs');
  const stat = statSync(path, { throwIfNoEntry: false });
  if (kind === 'folder' && stat && !stat.isDirectory())
    throw new UserError(`${flag} '${path}' is not a directory`, 'inputs');
  if (kind === 'file' && stat?.isDirectory())
    throw new UserError(`${flag} '${path}' is a directory`, 'inputs');
}

function stderrLogger(untrusted: UntrustedOutput): Logger {
  const logger = guardedLogger(
    {
      group: async (title, body) => {
        process.stderr.write(`\n== ${title}\n`);
        return body();
      },
      info: (message) => process.stderr.write(`${message}\n`),
      warning: (message) => process.stderr.write(`warning: ${message}\n`),
    },
    untrusted,
  );
  return {
    ...logger,
    output: (chunk) => {
      if (process.env.ML_CONTAINER_VERBOSE) logger.output(chunk);
    },
  };
}

/** JSON for stdout, which a workflow step's log also shows. */
function json(value: unknown): string {
  return `${inertJson(JSON.stringify(value, null, 2))}\n`;
}

function describe(contract: ReturnType<typeof specContract>): string {
  const lines = [
    `python      ${contract.python.version}  (${contract.python.source})`,
    `format      ${contract.dependencies.format}  (${contract.dependencies.files.join(', ')})`,
    ...contract.frameworks.map(
      (framework) => `framework   ${framework.name} ${framework.spec || '*'}  (${framework.source})`,
    ),
    `accelerator ${contract.accelerator}`,
    ...contract.models.map((model) => `model       ${model}`),
    `entrypoint  ${contract.entrypoint ?? '(none)'}`,
    ...(contract.server
      ? [`server      ${contract.server.command}  (${contract.server.source ?? contract.server.runner})`]
      : []),
    ...contract.warnings.map(
      (warning) => `warning     ${warning.message}${warning.source ? ` (${warning.source})` : ''}`,
    ),
  ];
  // Model paths, specs and sources are the repository's.
  return `${lines.map(logLine).join('\n')}\n`;
}

// Run only as the entry (node dist/cli/index.js, or the npm bin link to it), not when a test imports cli().
if (isEntry(process.argv[1])) {
  cli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

function isEntry(path: string | undefined): boolean {
  try {
    return path !== undefined && import.meta.url === pathToFileURL(realpathSync(path)).href;
  } catch {
    return false;
  }
}
