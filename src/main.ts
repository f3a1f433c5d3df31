import { relative, resolve } from 'node:path';
import * as core from '@actions/core';
import { actionsCacheStore } from './adapters/actions-cache.js';
import { dockerCli } from './adapters/docker.js';
import { commitFacts } from './adapters/git.js';
import { githubContext, withCommitTime } from './context.js';
import { UserError } from './errors.js';
import { parseInputs } from './inputs.js';
import { guardedLogger, untrustedOutput } from './log.js';
import { pipeline } from './pipeline.js';
import { credentialsOf, inputIndexUrls, secretsOf } from './plan/credentials.js';
import { outputs } from './report/outputs.js';
import { summaryMarkdown } from './report/summary.js';
import type { SourceRef } from './source.js';
import { hasControlCharacters } from './text.js';

/** The action: inputs from the runner, the one pipeline, then outputs, a job summary and annotations. */
export async function run(): Promise<void> {
  const untrusted = untrustedOutput((text) => process.stdout.write(text));
  try {
    const inputs = parseInputs((name) => core.getInput(name));
    // Index credentials never reach the log, whatever prints them.
    for (const secret of secretsOf(credentialsOf(inputIndexUrls(inputs)))) core.setSecret(secret);
    if (inputs.githubToken) core.setSecret(inputs.githubToken);
    // Masked here, not where they are parsed: the CLI must not print the runner's mask command.
    // The runner masks a registered value line by line only when each line is registered.
    for (const secret of inputs.secrets)
      for (const part of [secret.value, ...secret.value.split(/\r?\n/)])
        if (part.trim()) core.setSecret(part);
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
    // A file name with a line break names no file an annotation could point at.
    const annotate = (source?: SourceRef): core.AnnotationProperties | undefined =>
      source && !hasControlCharacters(source.file)
        ? {
            file: relative(workspace, resolve(inputs.context, source.file)),
            startLine: source.line,
            startColumn: source.column,
          }
        : undefined;
    const logger = guardedLogger(
      {
        group: (title, body) => core.group(title, body),
        info: (message) => core.info(message),
        warning: (message, source) => core.warning(message, annotate(source)),
      },
      untrusted,
    );
    const context = await withCommitTime(
      githubContext(process.env),
      async (sha) => (await commitFacts(resolve(inputs.context), sha)).time,
    );
    const report = await pipeline(inputs, context, {
      docker: dockerCli(),
      logger,
      cacheStore: inputs.cache === 'local' ? actionsCacheStore() : undefined,
      lockCache: { store: actionsCacheStore() },
    });
    untrusted.resume();
    for (const [name, value] of Object.entries(outputs(report))) core.setOutput(name, value);
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summaryMarkdown(report)).write();
    if (report.error) {
      if (report.error.detail) untrusted.block(report.error.detail);
      core.error(report.error.message, {
        title: `ml-container: ${report.error.phase} failed`,
        ...annotate(report.error.source),
      });
      core.setFailed(report.error.located);
    }
  } catch (error) {
    untrusted.resume();
    core.setFailed(
      error instanceof UserError ? error.located : error instanceof Error ? error.message : String(error),
    );
  }
}
