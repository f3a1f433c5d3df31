import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pipeline } from '../../src/pipeline.js';
import { summaryMarkdown } from '../../src/report/summary.js';
import { fakeDocker } from './fake-docker.js';
import { githubRun, inputsWith, testLogger } from './helpers.js';

const SECRET = 'ghp_pipelineSECRET0123456789';
const lines: string[] = [];
const logger = testLogger({ info: lines, warning: lines });
const context = githubRun();

describe.skipIf(process.platform === 'win32')(
  'pipeline: generated files and models under the file rule',
  () => {
    let project: string;
    let outside: string;

    beforeEach(() => {
      lines.length = 0;
      project = mkdtempSync(join(tmpdir(), 'ml-container-pipeline-links-'));
      outside = mkdtempSync(join(tmpdir(), 'ml-container-outside-'));
      cpSync(resolve('examples/sklearn-iris'), project, { recursive: true });
      writeFileSync(join(outside, 'config.json'), `{"auth":"${SECRET}"}\n`);
    });
    afterEach(() => {
      rmSync(project, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    });

    const run = (values: Record<string, string>, until?: 'render') =>
      pipeline(inputsWith({ context: project, ...values }), context, { docker: fakeDocker(), logger, until });

    it('write-generated replaces a committed link instead of writing the file outside', async () => {
      mkdirSync(join(project, '.ml-container'));
      symlinkSync(join(outside, 'config.json'), join(project, '.ml-container', 'plan.json'));
      const report = await run({ 'write-generated': '.ml-container' }, 'render');
      expect(report.error).toBeUndefined();
      expect(readFileSync(join(outside, 'config.json'), 'utf8')).toContain(SECRET);
      expect(readFileSync(join(project, '.ml-container', 'plan.json'), 'utf8')).toContain('"variant"');
    });

    it('write-generated refuses a folder outside the context', async () => {
      symlinkSync(outside, join(project, '.ml-container'));
      const linked = await run({ 'write-generated': '.ml-container' }, 'render');
      expect(linked.error?.located).toBe(
        '.ml-container: .ml-container links to a folder outside the project; links may only point inside it',
      );
      // A folder named outside is refused with the inputs, before anything runs.
      expect(() => inputsWith({ context: project, 'write-generated': '../generated' })).toThrow(
        "input 'write-generated': '../generated' leaves 'context'; the folder must be inside it",
      );
      expect(readdirSync(outside)).toEqual(['config.json']);
    });

    it('check-generated refuses committed links out without their contents in the log or summary', async () => {
      mkdirSync(join(project, '.ml-container'));
      symlinkSync(join(outside, 'config.json'), join(project, '.ml-container', 'requirements.lock'));
      const report = await run({ 'check-generated': 'true' }, 'render');
      expect(report.error?.message).toBe(
        '.ml-container/requirements.lock links to a file outside the project; links may only point inside it',
      );
      const everything = [
        report.error?.located,
        report.error?.detail,
        summaryMarkdown(report),
        ...lines,
      ].join('\n');
      expect(everything).not.toContain(SECRET);
    });

    it('labels each model with the sha256 of its bytes, streamed', async () => {
      const report = await run({});
      expect(report.error).toBeUndefined();
      const digest = createHash('sha256')
        .update(readFileSync(join(project, 'model.joblib')))
        .digest('hex');
      expect(report.variants[0]?.labels?.['io.github.ml-container.models']).toBe(
        `model.joblib=sha256:${digest}`,
      );
    });
  },
);
