import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pipeline } from '../../src/pipeline.js';
import { inputsWith, pullRequestRun, testLogger } from './helpers.js';
import { hostileDocker } from './hostile-docker.js';

const prContext = pullRequestRun(7, true);

describe('pipeline log lines with a hostile model', () => {
  it('logs each smoke check on one line, whatever the model file is named and its code raises', async () => {
    const infos: string[] = [];
    const logger = testLogger({ info: infos, warning: infos });
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
