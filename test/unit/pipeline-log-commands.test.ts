import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../src/context.js';
import type { Logger } from '../../src/log.js';
import { pipeline } from '../../src/pipeline.js';
import { inputsWith } from './helpers.js';
import { hostileDocker } from './hostile-docker.js';

const prContext: RunContext = {
  eventName: 'pull_request',
  ref: 'refs/pull/7/merge',
  sha: '0123456789abcdef0123456789abcdef01234567',
  repository: 'acme/iris',
  serverUrl: 'https://github.com',
  pullRequest: { number: 7, fromFork: true },
  commitTime: '2026-11-20T10:00:00Z',
};

describe('pipeline log lines with a hostile model', () => {
  it('logs each smoke check on one line, whatever the model file is named and its code raises', async () => {
    const infos: string[] = [];
    const logger: Logger = {
      group: (_title, body) => body(),
      info: (message) => infos.push(message),
      warning: (message) => infos.push(message),
      output: () => {},
    };
    const report = await pipeline(inputsWith({ context: resolve('examples/sklearn-iris') }), prContext, {
      docker: hostileDocker(),
      logger,
    });
    expect(report.error?.phase).toBe('smoke');
    const checkLine = infos.find((line) => line.startsWith('failed  model'));
    expect(checkLine).toBe(
      'failed  model m\\n::error title=x::injected.joblib: RuntimeError: load failed\\n::warning title=injected::from the pickle\\n::add-mask::passed\\n##[warning]legacy',
    );
    for (const line of infos) {
      expect(line.split(/\r\n|\r|\n/)).toHaveLength(1);
      expect(line.trimStart().startsWith('::')).toBe(false);
    }
    // The file name in `file:line` convention is one line too: the CLI prints it, annotations cite it.
    expect(report.error?.located.startsWith('m\\n::error title=x::injected.joblib: smoke test failed')).toBe(
      true,
    );
  });
});
