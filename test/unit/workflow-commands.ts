/**
 * The Actions runner's reading of a step's log, after actions/runner's ActionCommandManager: each
 * line (split at \r and \n) is a command when, after leading blanks, it is `::name props::data`, or
 * when it holds `##[name props]data` anywhere; `::stop-commands::TOKEN` turns every command off
 * until one named TOKEN, in either syntax. Returns the commands the runner would run.
 */
const REGISTERED = [
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'stop-commands',
  'warning',
];

export interface Command {
  name: string;
  data: string;
  line: string;
}

export interface RunnerReading {
  commands: Command[];
  /** How many times commands were stopped, and whether they were on again at the end. */
  stops: number;
  stoppedAtEnd: boolean;
}

export function runnerCommands(log: string): RunnerReading {
  const commands: Command[] = [];
  let stopToken: string | null = null;
  let stops = 0;
  for (const line of log.split(/\r\n|\r|\n/)) {
    const known = new Set(stopToken === null ? REGISTERED : [...REGISTERED, stopToken]);
    const command = parse(line, known);
    if (!command) continue;
    if (stopToken !== null) {
      if (command.name === stopToken) stopToken = null;
      continue;
    }
    if (command.name === 'stop-commands') {
      stopToken = command.data.toLowerCase();
      stops++;
      continue;
    }
    commands.push(command);
  }
  return { commands, stops, stoppedAtEnd: stopToken !== null };
}

function parse(line: string, known: Set<string>): Command | null {
  const trimmed = line.trimStart();
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2);
    const name = end < 0 ? '' : (trimmed.slice(2, end).split(' ')[0] ?? '').toLowerCase();
    if (known.has(name)) return { name, data: trimmed.slice(end + 2), line };
  }
  const prefix = line.indexOf('##[');
  if (prefix >= 0) {
    const end = line.indexOf(']', prefix);
    const name = end < 0 ? '' : (line.slice(prefix + 3, end).split(' ')[0] ?? '').toLowerCase();
    if (known.has(name)) return { name, data: line.slice(end + 1), line };
  }
  return null;
}
