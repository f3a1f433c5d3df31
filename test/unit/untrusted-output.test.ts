import { describe, expect, it } from 'vitest';
import { guardedLogger, type Logger, untrustedOutput } from '../../src/log.js';
import { runnerCommands } from './workflow-commands.js';

/** A log as the runner gets it, and a logger writing the action's own commands as @actions/core does. */
function fakeLog(options: { token?: () => string; stopCommands?: boolean } = {}) {
  let text = '';
  const write = (chunk: string) => {
    text += chunk;
  };
  const untrusted = untrustedOutput(write, options);
  const logger: Logger = guardedLogger(
    {
      group: async (title, body) => {
        write(`::group::${title}\n`);
        try {
          return await body();
        } finally {
          write('::endgroup::\n');
        }
      },
      info: (message) => write(`${message}\n`),
      warning: (message) => write(`::warning::${message.replace(/\n/g, '%0A')}\n`),
    },
    untrusted,
  );
  return { untrusted, logger, text: () => text };
}

const HOSTILE = '::warning title=injected::x\n##[error]y\n  ::add-mask::passed\n';

describe('untrusted output in the Actions log', () => {
  it('runs none of a build’s commands, streamed in chunks that split lines, and resumes for the action’s own', async () => {
    const log = fakeLog();
    await log.logger.group('Build', async () => {
      log.logger.output('#5 RUN pip install .\n#5 0.1 ');
      log.logger.output(HOSTILE);
      log.logger.output('#5 0.2 ::err');
      log.logger.output('or::split across chunks\n#5 0.3 no newline at the end ::add-mask::x');
    });
    log.logger.info('built');
    log.logger.warning('a warning of the action’s own');

    const reading = runnerCommands(log.text());
    expect(reading.commands.map((command) => command.name)).toEqual(['group', 'endgroup', 'warning']);
    expect(reading.commands[2]?.data).toBe('a warning of the action’s own');
    expect(reading.stops).toBe(1);
    expect(reading.stoppedAtEnd).toBe(false);
    // Every byte of the output is still shown, and the action's next line starts a line of its own.
    expect(log.text()).toContain('#5 0.2 ::error::split across chunks\n');
    expect(log.text()).toMatch(
      /no newline at the end ::add-mask::x\n::[0-9a-f]{32}::\n::endgroup::\nbuilt\n/,
    );
  });

  it('keeps commands off when the output knows the token, in either syntax, any case, split across chunks', () => {
    const log = fakeLog({ token: () => 'feedc0de' });
    log.untrusted.raw('start\n');
    log.untrusted.raw('::feed');
    log.untrusted.raw('c0de::\n::warning::after a forged resume\n');
    log.untrusted.raw('x ##[FEEDC0DE]\n::add-mask::passed\n  ::FeedC0de::\n::error::again\n');
    log.untrusted.resume();
    log.logger.info('after');

    expect(runnerCommands(log.text()).commands).toEqual([]);
    expect(runnerCommands(log.text()).stoppedAtEnd).toBe(false);
    expect(log.text().match(/feedc0de/gi)).toHaveLength(2);
    expect(log.text()).toContain('::[stop token]::\n::warning::after a forged resume\n');
  });

  it('stops with a fresh random token each time', () => {
    const log = fakeLog();
    log.untrusted.block('one');
    log.untrusted.block('two\n');
    const tokens = [...log.text().matchAll(/^::stop-commands::([0-9a-f]+)$/gm)].map((match) => match[1]);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(tokens[0]).not.toBe(tokens[1]);
    expect(log.text()).toBe(
      `::stop-commands::${tokens[0]}\none\n::${tokens[0]}::\n::stop-commands::${tokens[1]}\ntwo\n::${tokens[1]}::\n`,
    );
  });

  it('writes a block of output as it is, with commands off around it', () => {
    const log = fakeLog({ token: () => 'abc123' });
    log.untrusted.block(`pip said:\n${HOSTILE}last line`);
    expect(log.text()).toBe(`::stop-commands::abc123\npip said:\n${HOSTILE}last line\n::abc123::\n`);
    expect(runnerCommands(log.text()).commands).toEqual([]);
  });

  it('stops nothing, and writes nothing, before the first output', () => {
    const log = fakeLog();
    log.untrusted.resume();
    log.untrusted.raw('');
    log.untrusted.resume();
    expect(log.text()).toBe('');
  });

  it('breaks a line without end, so the stream never piles up and the token cannot hide across the break', () => {
    const log = fakeLog({ token: () => 'abc123' });
    log.untrusted.raw('x'.repeat(200_000));
    expect(log.text().length).toBeGreaterThan(150_000);
    log.untrusted.raw('::abc123::\n::warning::x\n');
    log.untrusted.resume();
    expect(runnerCommands(log.text()).commands).toEqual([]);
  });

  it('outside Actions (the CLI in a terminal) writes the output unchanged and ends its last line', () => {
    const log = fakeLog({ stopCommands: false });
    log.logger.output('::warning::shown as it is\npartial');
    log.logger.info('next');
    log.logger.output('whole\n');
    log.logger.info('last');
    expect(log.text()).toBe('::warning::shown as it is\npartial\nnext\nwhole\nlast\n');
  });

  it('makes the action’s own lines inert when they quote repository text', () => {
    const log = fakeLog();
    log.logger.info('model m\n::error title=x::injected.joblib ##[add-mask]passed');
    expect(runnerCommands(log.text()).commands).toEqual([]);
  });
});
