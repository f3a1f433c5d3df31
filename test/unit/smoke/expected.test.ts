import { describe, expect, it } from 'vitest';
import { memoryReader } from '../../../src/project/reader.js';
import { compareOutput, type ExpectedOutput, readExpected } from '../../../src/smoke/expected.js';
import { userError } from '../helpers.js';

function golden(output: unknown, tolerance = 0, relativeTolerance = 0): ExpectedOutput {
  return { output, tolerance, relativeTolerance, source: { file: 'golden.yml', line: 1 } };
}

describe('smoke-expected file', () => {
  it('reads output and tolerances from YAML, citing the output line', () => {
    const reader = memoryReader({ 'golden.yml': '# iris\noutput: "class 0 (p=0.97)"\ntolerance: 0.01\n' });
    expect(readExpected(reader, 'golden.yml')).toEqual({
      output: 'class 0 (p=0.97)',
      tolerance: 0.01,
      relativeTolerance: 0,
      source: { file: 'golden.yml', line: 2 },
    });
  });

  it('reads a JSON file, whose output may be any JSON value', () => {
    const reader = memoryReader({ 'golden.json': '{"output": [[0.1, 0.9]], "relative-tolerance": 1e-3}' });
    expect(readExpected(reader, 'golden.json').output).toEqual([[0.1, 0.9]]);
    expect(readExpected(reader, 'golden.json').relativeTolerance).toBe(0.001);
  });

  it.each([
    ['tolerance: 1\noutput: x: y\n', /invalid YAML: Nested mappings/, 2],
    ['- 1\n- 2\n', /must be a mapping/, 1],
    ['tolerance: 0.1\n', /has no `output`/, 1],
    ['output: x\ntolerance: -1\n', /'tolerance' must be a number ≥ 0, got -1/, 2],
    ['output: x\nrelative-tolerance: lots\n', /'relative-tolerance' must be a number/, 2],
    ['output: x\natol: 1\n', /unknown key 'atol'/, 2],
  ])('rejects %j naming the file and line', (text, message, line) => {
    const error = userError(() => readExpected(memoryReader({ 'golden.yml': text }), 'golden.yml'));
    expect(error.message).toMatch(message);
    expect(error.source).toMatchObject({ file: 'golden.yml', line });
  });

  it('names a missing file', () => {
    expect(userError(() => readExpected(memoryReader({}), 'golden.yml')).message).toMatch(
      /cannot read 'golden.yml'/,
    );
  });
});

describe('comparing the smoke command output', () => {
  it('matches text with numbers inside the tolerance and whitespace as it comes', () => {
    expect(
      compareOutput('predicted: 0.9712\n  class  setosa\n', golden('predicted: 0.97 class setosa', 0.01)),
    ).toBeNull();
  });

  it('reports a number outside the tolerance with the difference', () => {
    expect(compareOutput('predicted: 0.90', golden('predicted: 0.97', 0.01))).toMatch(
      /^0.9 differs from 0.97 by 0.0700, more than the tolerance \(0.01 absolute, 0 relative\)$/,
    );
  });

  it('applies the relative tolerance to the expected value', () => {
    expect(compareOutput('1005', golden('1000', 0, 0.01))).toBeNull();
    expect(compareOutput('1011', golden('1000', 0, 0.01))).toMatch(/differs/);
  });

  it('compares words exactly, and digits inside words as text', () => {
    expect(compareOutput('class versicolor', golden('class setosa', 1))).toBe(
      "expected 'class setosa', got 'class versicolor'",
    );
    expect(compareOutput('model v3', golden('model v2', 5))).toMatch(/expected 'model v2', got 'model v3'/);
  });

  it('says when the output stops early or goes on', () => {
    expect(compareOutput('a 1', golden('a 1 b'))).toBe("the output ends before ' b'");
    expect(compareOutput('a 1 b', golden('a 1'))).toBe("the output goes on after the expected text: ' b'");
  });

  it('compares JSON structurally, on the last line when the command logs first', () => {
    const expected = golden({ label: 'setosa', probabilities: [0.97, 0.02, 0.01] }, 0.005);
    expect(
      compareOutput(
        'loading model...\n{"label": "setosa", "probabilities": [0.968, 0.021, 0.011]}\n',
        expected,
      ),
    ).toBeNull();
    expect(compareOutput('{"label": "setosa", "probabilities": [0.9, 0.02, 0.01]}', expected)).toMatch(
      /^\$\.probabilities\[0\]: 0.9 differs from 0.97/,
    );
    expect(compareOutput('{"label": "virginica", "probabilities": [0.97, 0.02, 0.01]}', expected)).toBe(
      '$.label: expected "setosa", got "virginica"',
    );
    expect(compareOutput('{"label": "setosa", "probabilities": [0.97, 0.02]}', expected)).toBe(
      '$.probabilities: expected 3 items, got 2',
    );
    expect(compareOutput('{"label": "setosa", "probabilities": [0.97, 0.02, 0.01], "x": 1}', expected)).toBe(
      "$: unexpected key 'x'",
    );
  });

  it('fails a JSON golden value when the command printed no JSON', () => {
    expect(compareOutput('setosa', golden([1]))).toMatch(/printed no JSON/);
  });
});
