// The CLI's command line: the usage of each command, and its flags parsed strictly, so that every
// bad flag, value or command is a one-line UsageError (exit 2) that names it.
import { parseArgs } from 'node:util';
import { inputTable } from './inputs.js';

export type Command = 'run' | 'plan' | 'detect';

const EXIT = 'Exit 0 on success, 1 when a phase fails, 2 on bad input.';

/** Every input's flag, wrapped, so the usage cannot fall behind the table action.yml is checked against. */
const inputFlags = inputTable
  .map((input) => `--${input.name}`)
  .reduce<string[]>((lines, flag) => {
    const last = lines.at(-1);
    if (last !== undefined && last.length + flag.length < 96) lines[lines.length - 1] = `${last} ${flag}`;
    else lines.push(`  ${flag}`);
    return lines;
  }, [])
  .join('\n');

const INPUTS = `Every action input is a flag of the same name that takes a value (see action.yml), e.g.
--base-image IMAGE, --network host, --push true, --tags a,b; DIR is --context:
${inputFlags}`;

export const USAGE = `ml-container — turn an ML repository into a tested, reproducible container image

usage:
  ml-container run [DIR] [--INPUT VALUE ...] [--out OUT] [--summary FILE] [--json]
      detect, plan, lock, build, smoke-test and (with --push true) push; DIR defaults to .
  ml-container plan [DIR] --out OUT [--INPUT VALUE ...]
      stop after render: write Dockerfile, requirements.lock and plan.json into OUT
  ml-container detect [DIR] [--dependency-file FILE] [--json]
      print what the project needs, with the file and line of each fact
  ml-container help [COMMAND]    this text, or a command's flags (as COMMAND --help)
  ml-container --version         the version (also -V, version)

Every action input is a flag of the same name (see action.yml), e.g. --base-image, --index-url,
--network host, --push true, --tags a,b. ${EXIT}`;

const RUN_FLAGS = `  --summary FILE   write the job summary (Markdown) to FILE; its folder must exist
  --json           print the outputs (variants, tags, digests) as JSON on stdout
  -h, --help       print this text`;

export const commandUsage: Record<Command, string> = {
  run: `usage: ml-container run [DIR] [--INPUT VALUE ...] [--out OUT] [--summary FILE] [--json]

Detect, plan, lock, build, smoke-test and (with --push true) push the project in DIR (default .).

flags:
  --out OUT        keep the generated Dockerfile, requirements.lock and plan.json in OUT;
                   its parent folder must exist
${RUN_FLAGS}

${INPUTS}

${EXIT}`,
  plan: `usage: ml-container plan [DIR] --out OUT [--INPUT VALUE ...] [--summary FILE] [--json]

Stop after render: write the Dockerfile, requirements.lock and plan.json of the project in DIR
(default .) into OUT. Nothing is built.

flags:
  --out OUT        where the generated files go (required); its parent folder must exist
${RUN_FLAGS}

${INPUTS}

${EXIT}`,
  detect: `usage: ml-container detect [DIR] [--dependency-file FILE] [--json]

Print what the project in DIR (default .) needs, with the file and line of each fact.

flags:
  --dependency-file FILE  the dependency file to use, relative to DIR, when the project keeps several
  --context DIR           the same as DIR
  --json                  print the detect contract as JSON on stdout
  -h, --help              print this text

Exit 0 on success, 2 on bad input (the file and line at fault on stderr).`,
};

/** Bad usage (a flag, a positional, a command): exit 2 with the usage it broke. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

const inputOptions = Object.fromEntries(inputTable.map((input) => [input.name, { type: 'string' as const }]));
const help = { type: 'boolean', short: 'h' } as const;
const options = {
  detect: {
    context: { type: 'string' },
    'dependency-file': { type: 'string' },
    json: { type: 'boolean' },
    help,
  },
  run: {
    ...inputOptions,
    json: { type: 'boolean' },
    out: { type: 'string' },
    summary: { type: 'string' },
    help,
  },
} as const;

export function isCommand(name: string): name is Command {
  return Object.hasOwn(commandUsage, name);
}

/** A command's flags and positionals; parseArgs's errors said as one line that names the flag. */
export function parseCommandLine(command: Command, args: string[]) {
  const usage = commandUsage[command];
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: command === 'detect' ? options.detect : options.run,
    });
    return { flags: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    if (!code.startsWith('ERR_PARSE_ARGS')) throw error;
    const message = (error as Error).message;
    const flag = /'(-[^' ]*)/.exec(message)?.[1];
    if (flag && code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new UsageError(`unknown flag '${flag}'`, usage);
    if (flag && /does not take an argument/.test(message))
      throw new UsageError(`flag '${flag}' takes no value`, usage);
    if (flag && /argument missing|ambiguous/.test(message))
      throw new UsageError(
        `flag '${flag}' needs a value (--${flag.replace(/^-+/, '')}=VALUE if it starts with -)`,
        usage,
      );
    throw new UsageError(message.split('\n')[0] ?? message, usage);
  }
}
