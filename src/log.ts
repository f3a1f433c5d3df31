import { randomBytes } from 'node:crypto';
import type { SourceRef } from './source.js';
import { inertCommands } from './text.js';

/** Where the pipeline talks: folded groups in the Actions log, plain stderr lines in the CLI. */
export interface Logger {
  group<T>(title: string, body: () => Promise<T>): Promise<T>;
  info(message: string): void;
  warning(message: string, source?: SourceRef): void;
  /** Raw tool output (build logs), shown inside the current group. */
  output(chunk: string): void;
}

/**
 * Output no one vouches for (pip's stderr, a build script's lines, model code's prints), written so
 * the runner reads none of it as a workflow command. Raw text goes between `::stop-commands::TOKEN`
 * and `::TOKEN::`; `resume` must come before any line of the action's own, so every other log call
 * goes through it first.
 */
export interface UntrustedOutput {
  /** Streamed output: commands stop with the first line and stay stopped until `resume`. */
  raw(chunk: string): void;
  /** A whole block of output, then commands on again. */
  block(text: string): void;
  /** Commands on again, the line cut off by a chunk finished first. */
  resume(): void;
}

/** A partial line longer than this is broken, so a stream without newlines cannot fill memory. */
const MAX_PENDING = 64 * 1024;

/**
 * The output guard. `stopCommands: false` (the CLI outside Actions) writes the text as it comes and
 * only keeps the next line of the action's own from starting mid-line.
 */
export function untrustedOutput(
  write: (text: string) => void,
  options: { stopCommands?: boolean; token?: () => string } = {},
): UntrustedOutput {
  const stopCommands = options.stopCommands ?? true;
  // A fresh token for each stop: one seen in a live log is worth nothing to the next block.
  const newToken = options.token ?? (() => randomBytes(16).toString('hex'));
  let token: string | null = null;
  let pending = '';
  let midLine = false;

  const writeLines = (lines: string) => {
    if (token === null) {
      token = newToken();
      write(`::stop-commands::${token}\n`);
    }
    // The runner resumes on a command named after the token, in either syntax, anywhere it can
    // parse one; output that knows the token loses it.
    write(lines.replace(new RegExp(token, 'gi'), '[stop token]'));
  };

  const raw = (chunk: string) => {
    if (!stopCommands) {
      if (chunk === '') return;
      write(chunk);
      midLine = !chunk.endsWith('\n');
      return;
    }
    pending += chunk;
    // Whole lines only, so a token split across chunks is still seen in one piece.
    const end = pending.lastIndexOf('\n');
    if (end >= 0) {
      writeLines(pending.slice(0, end + 1));
      pending = pending.slice(end + 1);
    }
    if (pending.length > MAX_PENDING) {
      writeLines(`${pending}\n`);
      pending = '';
    }
  };

  const resume = () => {
    if (pending !== '') {
      writeLines(`${pending}\n`);
      pending = '';
    }
    if (midLine) {
      write('\n');
      midLine = false;
    }
    if (token !== null) {
      write(`::${token}::\n`);
      token = null;
    }
  };

  return {
    raw,
    block(text) {
      raw(text.endsWith('\n') ? text : `${text}\n`);
      resume();
    },
    resume,
  };
}

/**
 * A logger whose own lines are never read as commands from repository text (`inertCommands`) and
 * never fall inside a stretch of untrusted output, where commands are off: each call resumes them
 * first, and so does the end of each group, before the group's closing command.
 */
export function guardedLogger(own: Omit<Logger, 'output'>, untrusted: UntrustedOutput): Logger {
  return {
    group: (title, body) => {
      untrusted.resume();
      return own.group(title, async () => {
        try {
          return await body();
        } finally {
          untrusted.resume();
        }
      });
    },
    info: (message) => {
      untrusted.resume();
      own.info(inertCommands(message));
    },
    warning: (message, source) => {
      untrusted.resume();
      own.warning(inertCommands(message), source);
    },
    output: (chunk) => untrusted.raw(chunk),
  };
}
