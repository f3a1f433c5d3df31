#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dockerCli } from './adapters/docker.js';
import { commitFacts } from './adapters/git.js';
import { localContext } from './context.js';
import { detect } from './detect/index.js';
import { specContract } from './detect/spec.js';
import { isBadInput, UserError } from './errors.js';
import { type InputName, inputTable, parseInputs } from './inputs.js';
import { guardedLogger, type Logger, type UntrustedOutput, untrustedOutput } from './log.js';
import { pipeline } from './pipeline.js';
import { directoryReader } from './project/reader.js';
import { metadata, servedDigest } from './report/outputs.js';
import { summaryMarkdown } from './report/summary.js';
import { inertCommands, inertJson, logLine } from './text.js';

const USAGE = `ml-container — turn an ML repository into a tested, reproducible container image

usage:
  ml-container run [DIR] [--INPUT VALUE ...] [--summary FILE] [--json]
      detect, plan, lock, build, smoke-test and (with --push true) push; DIR defaults to .
  ml-container plan [DIR] --out OUT [--INPUT VALUE ...]
      stop after render: write Dockerfile, requirements.lock and plan.json into OUT
  ml-container detect [DIR] [--dependency-file FILE] [--json]
      print what the project needs, with the file and line of each fact

Every action input is a flag of the same name (see action.yml), e.g. --base-image, --index-url,
--network host, --push true, --tags a,b. Exit 0 on success, 1 when a phase fails, 2 on bad input.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const inputOptions = Object.fromEntries(
    inputTable.map((input) => [input.name, { type: 'string' as const }]),
  );
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      ...inputOptions,
      json: { type: 'boolean' },
      out: { type: 'string' },
      summary: { type: 'string' },
    },
  });
  const flags = values as Record<string, string | boolean | undefined>;
  const dir = positionals[0] ?? (flags.context as string | undefined) ?? '.';
  if (command === 'detect') {
    const dependencyFile = ((flags['dependency-file'] as string | undefined) ?? '').trim() || null;
    const spec = detect(directoryReader(resolve(dir)), { dependencyFile });
    process.stdout.write(values.json ? json(specContract(spec)) : describe(specContract(spec)));
    return 0;
  }
  if (command !== 'run' && command !== 'plan')
    throw new UserError(`unknown command '${command}'\n\n${USAGE}`, 'inputs');
  if (command === 'plan' && !values.out) throw new UserError("'plan' needs --out OUT", 'inputs');
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
    workDir: values.out ? resolve(values.out as string) : undefined,
    until: command === 'plan' ? 'render' : undefined,
  });
  if (values.summary) writeFileSync(values.summary as string, summaryMarkdown(report));
  untrusted.resume();
  if (values.json) process.stdout.write(json(metadata(report)));
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
    ...contract.warnings.map(
      (warning) => `warning     ${warning.message}${warning.source ? ` (${warning.source})` : ''}`,
    ),
  ];
  // Model paths, specs and sources are the repository's.
  return `${lines.map(logLine).join('\n')}\n`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UserError) {
      process.stderr.write(`${inertCommands(error.located)}\n`);
      process.exitCode = 2;
    } else if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`internal error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
