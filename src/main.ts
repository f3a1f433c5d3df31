import { relative, resolve } from 'node:path';
import * as core from '@actions/core';
import { actionsCacheStore } from './adapters/actions-cache.js';
import { dockerCli } from './adapters/docker.js';
import { commitFacts } from './adapters/git.js';
import { githubContext, withCommitTime } from './context.js';
import { UserError } from './errors.js';
import { parseInputs } from './inputs.js';
import type { Logger } from './log.js';
import { pipeline } from './pipeline.js';
import { credentialsOf, inputIndexUrls, secretsOf } from './plan/credentials.js';
import { outputs } from './report/outputs.js';
import { summaryMarkdown } from './report/summary.js';
import type { SourceRef } from './source.js';

/** The action: inputs from the runner, the one pipeline, then outputs, a job summary and annotations. */
export async function run(): Promise<void> {
  try {
    const inputs = parseInputs((name) => core.getInput(name));
    // Index credentials never reach the log, whatever prints them.
    for (const secret of secretsOf(credentialsOf(inputIndexUrls(inputs)))) core.setSecret(secret);
    if (inputs.githubToken) core.setSecret(inputs.githubToken);
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
    const annotate = (source?: SourceRef): core.AnnotationProperties | undefined =>
      source
        ? {
            file: relative(workspace, resolve(inputs.context, source.file)),
            startLine: source.line,
            startColumn: source.column,
          }
        : undefined;
    const logger: Logger = {
      group: (title, body) => core.group(title, body),
      info: (message) => core.info(message),
      warning: (message, source) => core.warning(message, annotate(source)),
      output: (chunk) => process.stdout.write(chunk),
    };
    const context = await withCommitTime(
      githubContext(process.env),
      async (sha) => (await commitFacts(resolve(inputs.context), sha)).time,
    );
    const report = await pipeline(inputs, context, {
      docker: dockerCli(),
      logger,
      cacheStore: inputs.cache === 'local' ? actionsCacheStore() : undefined,
      until: inputs.planOnly ? 'plan' : undefined,
    });
    for (const [name, value] of Object.entries(outputs(report))) core.setOutput(name, value);
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summaryMarkdown(report)).write();
    if (report.error) {
      if (report.error.detail) core.info(report.error.detail);
      core.error(report.error.message, {
        title: `ml-container: ${report.error.phase} failed`,
        ...annotate(report.error.source),
      });
      core.setFailed(report.error.located);
    }
  } catch (error) {
    core.setFailed(
      error instanceof UserError ? error.located : error instanceof Error ? error.message : String(error),
    );
  }
}
