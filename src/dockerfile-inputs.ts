import { Build } from '@docker/actions-toolkit/lib/buildx/build.js';
import { Util } from '@docker/actions-toolkit/lib/util.js';
import { projectFolderPath } from './adapters/project-folder.js';
import { UserError } from './errors.js';
import { oneLine } from './text.js';

/** A build argument (input 'build-args'); BuildKit records it in the provenance attestation. */
export interface BuildArg {
  name: string;
  value: string;
}

/** A build secret (input 'secrets'): its value goes to BuildKit as a file, never in an argument. */
export interface BuildSecret {
  id: string;
  value: string;
}

/** The inputs for a project's own Dockerfile, read with docker/build-push-action's list syntax. */
export interface DockerfileInputs {
  /** Relative to `context`; null builds the generated Dockerfile. */
  file: string | null;
  target: string | null;
  buildArgs: BuildArg[];
  secrets: BuildSecret[];
}

/** SOURCE_DATE_EPOCH is the commit time the action passes itself, for reproducible layers. */
const RESERVED_BUILD_ARGS = ['SOURCE_DATE_EPOCH'];

/**
 * An input read as a list the way docker/build-push-action reads it (CSV with quotes, for values
 * with commas or line breaks), a quote left open being the workflow's typo, not an internal error.
 * The parser's own message is dropped: it can quote a character of the input, a secret's included.
 */
export function inputList(
  name: string,
  value: string,
  options: { ignoreComma: boolean; comment?: string; commentNoInfix?: boolean },
): string[] {
  try {
    return Util.getList(value, options);
  } catch {
    throw new UserError(
      `input '${name}' has a quote that is not closed, or text after a closing quote: quote a whole item ("KEY=a value, with commas")`,
      'inputs',
    );
  }
}

export function parseDockerfileInputs(
  read: (name: 'file' | 'target' | 'build-args' | 'secrets') => string,
): DockerfileInputs {
  const file = read('file').trim();
  return {
    // Refused here when absolute or leaving `context`; read later through the project-file rule.
    file: file ? dockerfilePath(file) : null,
    target: parseName('target', read('target').trim(), 'build stage name'),
    buildArgs: inputList('build-args', read('build-args'), { ignoreComma: true }).map(parseBuildArg),
    secrets: inputList('secrets', read('secrets'), { ignoreComma: true }).map(parseSecret),
  };
}

function dockerfilePath(input: string): string {
  const path = projectFolderPath(input, 'file');
  if (path === '.') throw new UserError("input 'file' names the project folder, not a Dockerfile", 'inputs');
  return path;
}

/**
 * A name as buildx takes a builder's and the Dockerfile frontend a stage's (`FROM … AS <name>`):
 * a letter or digit, then letters, digits, '.', '_' or '-', 128 at most. null when empty.
 */
export function parseName(input: string, value: string, what: string): string | null {
  if (value === '') return null;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(value)) {
    throw new UserError(
      `input '${input}' must be a ${what} (letters, digits, '.', '_', '-'), got '${oneLine(value)}'`,
      'inputs',
    );
  }
  return value;
}

function parseBuildArg(line: string): BuildArg {
  const equals = line.indexOf('=');
  const name = equals < 0 ? line.trim() : line.slice(0, equals).trim();
  if (equals < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new UserError(
      `input 'build-args': '${oneLine(name || line)}' is not KEY=value with KEY a variable name`,
      'inputs',
    );
  }
  if (RESERVED_BUILD_ARGS.includes(name)) {
    throw new UserError(
      `input 'build-args': ${name} is set by the action (the commit time, for reproducible layers)`,
      'inputs',
    );
  }
  return { name, value: line.slice(equals + 1) };
}

/**
 * build-push-action's `id=value` (actions-toolkit parses it, unmasked: the action masks each value
 * itself, since the CLI must not print the mask command). The id reaches buildx's `--secret`
 * attribute list, where a comma or `=` would add attributes of its own. An error names the entry by number, not its text: unquoted, each further line of a multi-line
 * value is an entry of its own, and what precedes its first `=` is a piece of the secret.
 */
function parseSecret(line: string, index: number): BuildSecret {
  const equals = line.indexOf('=');
  const entry = `input 'secrets': entry ${index + 1}`;
  if (equals <= 0) throw new UserError(`${entry} is not id=value${QUOTE_HINT}`, 'inputs');
  const id = line.slice(0, equals);
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(id)) {
    throw new UserError(
      `${entry}'s id may hold only letters, digits, '.', '_' and '-'${QUOTE_HINT}`,
      'inputs',
    );
  }
  try {
    const [, value] = Build.parseSecretKvp(line, false);
    return { id, value };
  } catch {
    throw new UserError(`input 'secrets': secret '${id}' has an empty value`, 'inputs');
  }
}

const QUOTE_HINT = ' (a value with line breaks is quoted whole: "id=line one\\nline two")';
