import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { inputTable } from '../../src/inputs.js';
import { outputs } from '../../src/report/outputs.js';

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: unknown }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as ActionYml;

describe('action.yml', () => {
  it('lists exactly the inputs of inputTable, in the same order', () => {
    expect(Object.keys(action.inputs)).toEqual(inputTable.map((input) => input.name));
  });

  it.each(inputTable.map((input) => [input.name, input.default] as const))(
    'input %s defaults to the string %j',
    (name, value) => {
      expect(action.inputs[name]?.default).toBe(value);
    },
  );

  it.each(inputTable.map((input) => [input.name, input.description] as const))(
    'input %s is optional and described as in inputTable',
    (name, description) => {
      expect(action.inputs[name]?.required).toBe(false);
      expect(action.inputs[name]?.description.startsWith(description)).toBe(true);
    },
  );

  it('runs on node24 from dist/index.js', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('lists exactly the outputs the action sets', () => {
    const set = Object.keys(outputs({ contextDir: '/x', variants: [], notes: [] }));
    expect(Object.keys(action.outputs).sort()).toEqual([...set].sort());
  });

  it.each(Object.keys(action.outputs))('output %s has a description', (name) => {
    expect(action.outputs[name]?.description).toMatch(/\S/);
  });
});
