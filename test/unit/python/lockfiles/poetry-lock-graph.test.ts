// The dependency edges readPoetryLock records: `[package.dependencies]` (a constraint string, a
// table with `markers`, `extras` and `optional`, or a list of tables), optional ones under the
// extras `[package.extras]` lists them in; the roots are the main dependencies of pyproject.toml
// (`[tool.poetry.dependencies]`, or Poetry 2's `[project] dependencies`).
import { describe, expect, it } from 'vitest';
import { memoryReader } from '../../../../src/project/reader.js';
import type { LockGraph } from '../../../../src/python/lockfiles/graph.js';
import { readPoetryLock } from '../../../../src/python/lockfiles/poetry-lock.js';
import { POETRY_LOCK, POETRY_PEP621_PYPROJECT, POETRY_PYPROJECT } from './graph-fixtures.js';
import { userErrorOf } from './helpers.js';

function lineOf(text: string, needle: string, after = 1): number {
  const index = text.split('\n').findIndex((line, at) => at + 1 >= after && line.includes(needle));
  if (index < 0) throw new Error(`no line holds ${needle}`);
  return index + 1;
}

function graphOf(pyproject: string | null, lock = POETRY_LOCK): LockGraph | undefined {
  const tree: Record<string, string> = { 'poetry.lock': lock };
  if (pyproject !== null) tree['pyproject.toml'] = pyproject;
  return readPoetryLock(memoryReader(tree), 'poetry.lock').graph;
}

function required(graph: LockGraph | undefined): LockGraph {
  if (!graph) throw new Error('no graph');
  return graph;
}

function node(graph: LockGraph, name: string) {
  const found = graph.nodes.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no node ${name}`);
  return found;
}

describe('readPoetryLock: dependency graph', () => {
  const graph = required(graphOf(POETRY_PYPROJECT));

  it('roots at [tool.poetry.dependencies] less python and the optional ones, each at its line', () => {
    expect(
      graph.roots.map((edge) => ({
        name: edge.name,
        marker: edge.marker,
        extras: edge.extras,
        to: edge.to.map((index) => graph.nodes[index]?.name),
        source: edge.source,
      })),
    ).toEqual([
      { name: 'click', marker: null, extras: [], to: ['click'], source: { file: 'pyproject.toml', line: 9 } },
      {
        name: 'httpx',
        marker: null,
        extras: ['http2'],
        to: ['httpx'],
        source: { file: 'pyproject.toml', line: 10 },
      },
      {
        name: 'portalocker',
        marker: null,
        extras: [],
        to: ['portalocker'],
        source: { file: 'pyproject.toml', line: 11 },
      },
    ]);
    expect(graph.declared.map((edge) => edge.name)).toEqual(['click', 'httpx', 'portalocker']);
    expect(graph.selected).toEqual([]);
    expect(graph.relock).toBe('poetry lock');
  });

  it('roots at [project] dependencies for Poetry 2', () => {
    const pep621 = required(graphOf(POETRY_PEP621_PYPROJECT));
    expect(pep621.roots.map((edge) => [edge.name, edge.extras, edge.source.line])).toEqual([
      ['click', [], lineOf(POETRY_PEP621_PYPROJECT, '"click')],
      ['httpx', ['http2'], lineOf(POETRY_PEP621_PYPROJECT, '"httpx')],
      ['portalocker', [], lineOf(POETRY_PEP621_PYPROJECT, '"portalocker')],
    ]);
  });

  it('records table edges with their markers at their lines', () => {
    const click = lineOf(POETRY_LOCK, 'name = "click"');
    expect(node(graph, 'click').dependencies.map((edge) => [edge.name, edge.marker, edge.source])).toEqual([
      [
        'colorama',
        'platform_system == "Windows"',
        { file: 'poetry.lock', line: lineOf(POETRY_LOCK, 'colorama = {', click) },
      ],
    ]);
    expect(node(graph, 'httpcore').dependencies.map((edge) => [edge.name, edge.marker])).toEqual([
      ['certifi', null],
      ['h11', null],
    ]);
  });

  it('files optional edges under the extras that list them, leaving them out of the dependencies', () => {
    const httpx = node(graph, 'httpx');
    expect(httpx.dependencies.map((edge) => edge.name)).toEqual([
      'anyio',
      'certifi',
      'httpcore',
      'idna',
      'sniffio',
    ]);
    expect([...httpx.extras.keys()]).toEqual(['brotli', 'http2', 'socks']);
    expect(httpx.extras.get('http2')?.map((edge) => [edge.name, edge.marker])).toEqual([
      ['h2', 'extra == "http2"'],
    ]);
    // Neither is locked, so the edges lead nowhere; brotlicffi is listed under the extra only.
    expect(httpx.extras.get('brotli')?.map((edge) => [edge.name, edge.to])).toEqual([
      ['brotli', []],
      ['brotlicffi', []],
    ]);
    // socksio is listed under the extra only: the edge is read from there.
    expect(httpx.extras.get('socks')?.map((edge) => [edge.name, edge.to])).toEqual([['socksio', []]]);
  });

  it('reads a dependency locked under several constraints as one edge each', () => {
    const lock = POETRY_LOCK.replace(
      'typing-extensions = {version = ">=4.1", markers = "python_version < \\"3.11\\""}',
      `typing-extensions = [
    {version = ">=4.1", markers = "python_version < \\"3.11\\""},
    {version = ">=4.5", markers = "python_version >= \\"3.13\\"", extras = ["Extra_One"]},
]`,
    );
    expect(lock).not.toBe(POETRY_LOCK);
    const anyio = node(required(graphOf(POETRY_PYPROJECT, lock)), 'anyio');
    expect(anyio.dependencies.map((edge) => [edge.name, edge.marker, edge.extras])).toEqual([
      ['exceptiongroup', 'python_version < "3.11"', []],
      ['idna', null, []],
      ['sniffio', null, []],
      ['typing-extensions', 'python_version < "3.11"', []],
      ['typing-extensions', 'python_version >= "3.13"', ['extra-one']],
    ]);
  });

  it('has no graph without pyproject.toml, or when it names no dependencies', () => {
    expect(graphOf(null)).toBeUndefined();
    expect(graphOf('[tool.poetry]\nname = "ml-serve"\n')).toBeUndefined();
    expect(graphOf('[tool.poetry.dependencies]\npython = "^3.10"\n')).toBeUndefined();
  });

  it.each([
    [
      'colorama = 3',
      "package 'click': dependency 'colorama' must be a string, a table or a list of tables, found a number",
    ],
    [
      'colorama = {version = "*", markers = 3}',
      "package 'click': dependency 'colorama': 'markers' must be a string, found a number",
    ],
    [
      'colorama = {version = "*", extras = "x"}',
      "package 'click': dependency 'colorama': 'extras' must be an array, found a string",
    ],
  ])('refuses a malformed dependency: %s', (edge, message) => {
    const lock = POETRY_LOCK.replace(
      'colorama = {version = "*", markers = "platform_system == \\"Windows\\""}',
      edge,
    );
    expect(lock).not.toBe(POETRY_LOCK);
    const error = userErrorOf(() => graphOf(POETRY_PYPROJECT, lock));
    expect(error.message).toBe(message);
    expect(error.source?.file).toBe('poetry.lock');
  });
});
