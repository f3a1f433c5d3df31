import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import type { RunReport } from '../../../src/report/run-report.js';
import { summaryMarkdown } from '../../../src/report/summary.js';
import { irisPlan, irisSpec } from '../helpers.js';

/** The blocks a CommonMark reader sees: fenced code (with its content) and the lines outside any. */
function blocks(markdown: string): { fences: string[]; outside: string[] } {
  const fences: string[] = [];
  const outside: string[] = [];
  let open: { ticks: number; lines: string[] } | null = null;
  for (const line of markdown.split('\n')) {
    if (open) {
      const close = /^ {0,3}(`+) *$/.exec(line);
      if (close && (close[1]?.length ?? 0) >= open.ticks) {
        fences.push(open.lines.join('\n'));
        open = null;
      } else open.lines.push(line);
      continue;
    }
    const start = /^ {0,3}(`{3,})[^`]*$/.exec(line);
    if (start) open = { ticks: start[1]?.length ?? 0, lines: [] };
    else outside.push(line);
  }
  if (open) fences.push(open.lines.join('\n'));
  return { fences, outside };
}

/** A table row's cells as GFM splits them: a backslash escapes the ASCII punctuation after it. */
function cells(row: string): string[] {
  const found: string[] = [];
  let cell = '';
  for (let index = 0; index < row.length; index++) {
    const char = row[index] ?? '';
    if (char === '\\' && /[!-/:-@[-`{-~]/.test(row[index + 1] ?? '')) {
      cell += char + row[++index];
    } else if (char === '|') {
      found.push(cell);
      cell = '';
    } else cell += char;
  }
  found.push(cell);
  return found.slice(1, -1).map((each) => each.trim());
}

/** A line without its code spans (a run of backticks to the next run of the same length, CommonMark). */
function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, '');
}

const HOSTILE_OUTPUT = [
  'Traceback (most recent call last):',
  '```',
  '## ml-container: ✅ passed',
  '````',
  '</details>',
  '<h2>✅ passed</h2>',
].join('\n');

function hostileReport(): RunReport {
  const plan = irisPlan();
  const hostileCommand = 'gunicorn `x` | ✅ passed |\n## ml-container: ✅ passed <img src=x>';
  return {
    contextDir: '/work/project',
    spec: {
      ...irisSpec(),
      server: {
        how: { by: 'procfile', command: hostileCommand, port: null, source: 'Procfile:1' },
        app: null,
        health: null,
      },
    },
    variants: [
      {
        plan,
        dockerfile: 'FROM python:3.11-slim\n# ```\n## ml-container: ✅ passed\nRUN true\n',
        smoke: {
          passed: false,
          python: '3.11.2',
          peak_memory_bytes: 1e8,
          seconds: 1,
          checks: [
            {
              kind: 'model',
              name: 'm\\` | ✅ passed | 0 s | ok |\n## ml-container: ✅ passed.joblib',
              status: 'failed',
              seconds: 0.1,
              error:
                'load failed\n## ml-container: ✅ passed | ✅ passed <img src=x> ![badge](https://example.com/ok.svg)',
            },
            { kind: 'model', name: 'a\\\\|b`c', status: 'passed', seconds: 0.1 },
            { kind: 'model', name: '`x`', status: 'passed', seconds: 0.1 },
          ],
          serve: {
            kind: null,
            command: hostileCommand,
            port: 8000,
            first_answer_seconds: 1.2,
            probes: [{ method: 'GET', path: '/a|b`## ✅ passed', status: 200, seconds: 0.01, passed: true }],
          },
        },
        size: {
          bytes: 2e8,
          limit: null,
          layers: {
            layers: [
              { bytes: 1e8, createdBy: 'RUN echo `x` | ✅ passed |\n## ml-container: ✅ passed <img src=x>' },
            ],
            emptyLayers: 0,
          },
          contents: {
            packages: [{ name: 'evil|pkg\n## ✅ passed', version: '1 | <img src=x>', bytes: 5e7 }],
            packageCount: 1,
            findings: [
              {
                kind: 'duplicate',
                paths: ['/app/a`|`.bin\n## ml-container: ✅ passed', '/app/[b](x).bin'],
                bytes: 6e6,
                count: 2,
              },
            ],
            unreadable: 0,
          },
        },
      },
    ],
    notes: ['note with a | pipe\n## ml-container: ✅ passed'],
    error: new UserError(
      'smoke test failed: model m: load failed\n## ml-container: ✅ passed',
      'smoke',
      { file: 'm\n## ml-container: ✅ passed.joblib' },
      HOSTILE_OUTPUT,
    ),
  };
}

describe('the job summary with hostile repository and container text', () => {
  const markdown = summaryMarkdown(hostileReport());
  const { fences, outside } = blocks(markdown);

  it('keeps the error output inside one fence, whatever backticks it holds', () => {
    expect(fences[0]).toBe(HOSTILE_OUTPUT);
    expect(markdown).toContain('<details><summary>Output</summary>\n\n`````\nTraceback');
  });

  it('keeps the Dockerfile inside its fence', () => {
    expect(fences[1]).toBe('FROM python:3.11-slim\n# ```\n## ml-container: ✅ passed\nRUN true');
    expect(fences).toHaveLength(2);
  });

  it('gets no heading, HTML or image from the text', () => {
    const headings = outside.filter((line) => /^ {0,3}#/.test(line));
    expect(headings[0]).toBe('## ml-container: ❌ failed in smoke');
    expect(headings.filter((line) => line.includes('✅ passed'))).toEqual([]);
    for (const line of outside) {
      // Inside a code span `<` is text: the size report quotes instructions and paths as code.
      expect(withoutCodeSpans(line).replace(/<\/?(details|summary|br)>/g, '')).not.toMatch(/<[a-z/!]/i);
      expect(line).not.toMatch(/!\[/);
    }
  });

  it('keeps every table row to its columns', () => {
    const rows = outside.filter((line) => line.startsWith('|'));
    let columns = 0;
    for (const [index, row] of rows.entries()) {
      if (rows[index + 1]?.startsWith('| ---')) columns = cells(row).length;
      expect(cells(row), row).toHaveLength(columns);
    }
    const smokeRows = rows.filter((row) => row.startsWith('| model'));
    expect(smokeRows.map((row) => cells(row)[1])).toEqual(['❌ failed', '✅ passed', '✅ passed']);
  });

  it('quotes a check name as inline code no backtick in it can close', () => {
    // Two backslashes before the pipe would escape each other: a third keeps the pipe in the cell.
    expect(markdown).toContain('| model ``a\\\\\\|b`c`` |');
    expect(markdown).toContain('| model `` `x` `` |');
  });

  it("keeps the image's layers, packages and paths in the size report to their cells and lines", () => {
    expect(markdown).toContain('### Size');
    expect(
      outside.filter((line) => line.startsWith('| 1 | 95.4 MiB | ``RUN echo `x` \\| ✅ passed \\|')),
    ).toHaveLength(1);
    expect(outside).toContain('| evil&#124;pkg\\n## ✅ passed | 1 &#124; &#60;img src=x> | 47.7 MiB |');
    expect(
      outside.filter((line) => line.startsWith('- 5.7 MiB: 2 copies of one 5.7 MiB file: ``/app/a`|`.bin')),
    ).toHaveLength(1);
  });

  it("shows the server's command, port, first answer and probes, each kept to its cell", () => {
    expect(markdown).toContain('### Serve test');
    expect(markdown).toContain('| Started | first answer after 1.2 s |');
    expect(
      outside.filter((line) => line.startsWith('| Command | gunicorn `x` &#124; ✅ passed &#124;')),
    ).toHaveLength(1);
    expect(outside.filter((line) => line.startsWith("| Server | the Procfile's web process"))).toHaveLength(
      1,
    );
  });
});
