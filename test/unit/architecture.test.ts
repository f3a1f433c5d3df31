// The shape the README describes, checked on the imports themselves so it cannot drift: the
// pipeline is imported by the entries only, plan alone reads the raw inputs, the shared Python
// packaging code depends on no phase, and report sits after every phase.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Each file's imports, as paths relative to src/ (`lock/index.ts`), with the names it imports. */
const graph = sourceFiles(SRC).map((file) => {
  const text = readFileSync(file, 'utf8');
  const imports = [...text.matchAll(/^(?:import|export)\s+(?:type\s+)?([^;]*?)\s+from\s+'(\.[^']+)'/gms)].map(
    ([, names = '', target = '']) => ({
      names,
      target: relative(SRC, resolve(dirname(file), target)).replace(/\.js$/, '.ts'),
    }),
  );
  return { file: relative(SRC, file), imports };
});

const importersOf = (target: string, names?: RegExp) =>
  graph
    .filter(({ imports }) =>
      imports.some((entry) => entry.target === target && (!names || names.test(entry.names))),
    )
    .map(({ file }) => file)
    .sort();

describe('the import graph of src/', () => {
  it('has the entries alone import the pipeline', () => {
    expect(importersOf('pipeline.ts')).toEqual(['cli.ts', 'main.ts']);
  });

  it('has plan alone read the raw Inputs (the entries parse them, the pipeline hands them to plan)', () => {
    expect(importersOf('inputs.ts', /\bInputs\b/)).toContain('plan/run.ts');
    const readers = importersOf('inputs.ts', /\bInputs\b/).filter(
      (file) => !file.startsWith('plan/') && !['cli.ts', 'main.ts', 'pipeline.ts'].includes(file),
    );
    expect(readers).toEqual([]);
  });

  it('keeps the shared Python packaging and project code free of every phase', () => {
    const phases = /^(detect|plan|lock|render|image|smoke|publish|report|steps)\/|^pipeline\.ts$/;
    const offending = graph
      .filter(({ file }) => file.startsWith('python/') || file.startsWith('project/'))
      .flatMap(({ file, imports }) =>
        imports.filter((entry) => phases.test(entry.target)).map((entry) => `${file} → ${entry.target}`),
      );
    expect(offending).toEqual([]);
  });

  it('has no phase import the report, which comes after them all', () => {
    const importers = importersOf('report/run-report.ts').filter(
      (file) => !file.startsWith('report/') && !file.startsWith('steps/') && file !== 'pipeline.ts',
    );
    expect(importers).toEqual([]);
  });

  it('names no folder build/, which structure tools take for output', () => {
    expect(graph.some(({ file }) => file.startsWith('build/'))).toBe(false);
    expect(graph.some(({ file }) => file.startsWith('image/'))).toBe(true);
  });
});
