// The dependency edges readUvLock records: each entry's `dependencies`, `optional-dependencies`
// (by extra) and, for the project, `dev-dependencies` (by group), with their markers, the extras
// they ask for and their lines; the roots come from the project's entry and the groups
// pyproject.toml installs by default.
import { describe, expect, it } from 'vitest';
import { memoryReader } from '../../../../src/project/reader.js';
import type { LockEdge, LockGraph } from '../../../../src/python/lockfiles/graph.js';
import { readUvLock } from '../../../../src/python/lockfiles/uv-lock.js';
import { UV_LOCK, UV_PYPROJECT } from './graph-fixtures.js';
import { userErrorOf } from './helpers.js';

function lineOf(text: string, needle: string, after = 1): number {
  const index = text.split('\n').findIndex((line, at) => at + 1 >= after && line.includes(needle));
  if (index < 0) throw new Error(`no line holds ${needle}`);
  return index + 1;
}

/** The line of an entry's own `name = "..."`, not of an edge to it. */
function entryLine(text: string, name: string): number {
  return text.split('\n').indexOf(`name = "${name}"`) + 1;
}

function graphOf(lock: string, pyproject: string | null = UV_PYPROJECT): LockGraph {
  const tree: Record<string, string> = { 'uv.lock': lock };
  if (pyproject !== null) tree['pyproject.toml'] = pyproject;
  const graph = readUvLock(memoryReader(tree), 'uv.lock').graph;
  if (!graph) throw new Error('no graph');
  return graph;
}

/** An edge as the tests compare it: the names of the entries it leads to instead of their indexes. */
function shown(graph: LockGraph, edge: LockEdge) {
  return {
    name: edge.name,
    marker: edge.marker,
    extras: edge.extras,
    to: edge.to.map((index) => graph.nodes[index]?.name),
    line: edge.source.line,
  };
}

function node(graph: LockGraph, name: string) {
  const found = graph.nodes.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no node ${name}`);
  return found;
}

describe('readUvLock: dependency graph', () => {
  const graph = graphOf(UV_LOCK);
  const project = entryLine(UV_LOCK, 'ml-serve');

  it("roots at the project's dependencies and its dev group, each at its line", () => {
    expect(graph.roots.map((edge) => shown(graph, edge))).toEqual([
      { name: 'click', marker: null, extras: [], to: ['click'], line: lineOf(UV_LOCK, '{ name = "click" }') },
      {
        name: 'portalocker',
        marker: null,
        extras: [],
        to: ['portalocker'],
        line: lineOf(UV_LOCK, '{ name = "portalocker" }'),
      },
      {
        name: 'requests',
        marker: null,
        extras: ['socks'],
        to: ['requests'],
        line: lineOf(UV_LOCK, '{ name = "requests", extra'),
      },
      { name: 'torch', marker: null, extras: [], to: ['torch'], line: lineOf(UV_LOCK, '{ name = "torch" }') },
      { name: 'tqdm', marker: null, extras: [], to: ['tqdm'], line: lineOf(UV_LOCK, '{ name = "tqdm" }') },
      {
        name: 'pytest',
        marker: null,
        extras: [],
        to: ['pytest'],
        line: lineOf(UV_LOCK, '{ name = "pytest" }', project),
      },
    ]);
    expect(graph.selected).toEqual(['group-8-ml-serve-dev']);
  });

  it('records the marker of each edge at its own line: colorama only for Windows', () => {
    const click = entryLine(UV_LOCK, 'click');
    expect(node(graph, 'click').dependencies.map((edge) => shown(graph, edge))).toEqual([
      {
        name: 'colorama',
        marker: "sys_platform == 'win32'",
        extras: [],
        to: ['colorama'],
        line: lineOf(UV_LOCK, '{ name = "colorama"', click),
      },
    ]);
    const pytest = entryLine(UV_LOCK, 'pytest');
    expect(
      node(graph, 'pytest').dependencies.map((edge) => [edge.name, edge.marker, edge.source.line]),
    ).toEqual([
      ['colorama', "sys_platform == 'win32'", pytest + 4],
      ['exceptiongroup', "python_full_version < '3.11'", pytest + 5],
      ['iniconfig', null, pytest + 6],
      ['packaging', null, pytest + 7],
      ['pluggy', null, pytest + 8],
      ['tomli', "python_full_version < '3.11'", pytest + 9],
    ]);
  });

  it('keeps optional dependencies by extra, and the project entry as a node that pins nothing', () => {
    const requests = node(graph, 'requests');
    expect([...requests.extras.keys()]).toEqual(['socks', 'use-chardet-on-py3']);
    expect(requests.extras.get('socks')?.map((edge) => shown(graph, edge).to)).toEqual([['pysocks']]);
    const root = node(graph, 'ml-serve');
    expect(root.package).toBeNull();
    expect(root.extras.get('plot')?.map((edge) => edge.name)).toEqual(['matplotlib']);
    expect(node(graph, 'torch').package).not.toBeNull();
  });

  it("lists pyproject.toml's dependencies, each at its line, for the lock to hold", () => {
    expect(graph.declared.map((edge) => [edge.name, edge.source])).toEqual([
      ['click', { file: 'pyproject.toml', line: 6 }],
      ['portalocker', { file: 'pyproject.toml', line: 7 }],
      ['requests', { file: 'pyproject.toml', line: 8 }],
      ['torch', { file: 'pyproject.toml', line: 9 }],
      ['tqdm', { file: 'pyproject.toml', line: 10 }],
    ]);
    expect(graph.relock).toBe('uv lock');
  });

  it('roots at the groups [tool.uv] default-groups names, or all of them', () => {
    const names = (pyproject: string) => graphOf(UV_LOCK, pyproject).roots.map((edge) => edge.name);
    expect(names(`${UV_PYPROJECT}\n[tool.uv]\ndefault-groups = ["lint"]\n`)).toEqual([
      'click',
      'portalocker',
      'requests',
      'torch',
      'tqdm',
      'ruff',
    ]);
    expect(names(`${UV_PYPROJECT}\n[tool.uv]\ndefault-groups = "all"\n`)).toEqual([
      'click',
      'portalocker',
      'requests',
      'torch',
      'tqdm',
      'pytest',
      'ruff',
    ]);
    expect(graphOf(UV_LOCK, `${UV_PYPROJECT}\n[tool.uv]\ndefault-groups = "all"\n`).selected).toEqual([
      'group-8-ml-serve-dev',
      'group-8-ml-serve-lint',
    ]);
  });

  it('refuses a default-groups that is neither a list of names nor "all", at its line', () => {
    const pyproject = `${UV_PYPROJECT}\n[tool.uv]\ndefault-groups = "dev"\n`;
    const error = userErrorOf(() => graphOf(UV_LOCK, pyproject));
    expect(error.message).toBe(`[tool.uv] default-groups must be a list of group names or "all"`);
    expect(error.source).toEqual({ file: 'pyproject.toml', line: lineOf(pyproject, 'default-groups') });
  });

  it('has no graph without a project entry: nothing says where installing starts', () => {
    const lock = readUvLock(
      memoryReader({
        'uv.lock':
          'version = 1\n\n[[package]]\nname = "six"\nversion = "1.17.0"\nsource = { registry = "https://pypi.org/simple" }\n',
      }),
      'uv.lock',
    );
    expect(lock.graph).toBeUndefined();
  });

  it('picks the entry an edge names by version where the lock holds a name twice', () => {
    const lock = `version = 1
requires-python = ">=3.10"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [
    { name = "numpy", version = "1.26.4", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version < '3.12'" },
    { name = "numpy", version = "2.1.3", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version >= '3.12'" },
]

[[package]]
name = "numpy"
version = "1.26.4"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "numpy"
version = "2.1.3"
source = { registry = "https://pypi.org/simple" }
`;
    const twice = graphOf(lock, null);
    expect(twice.roots.map((edge) => [edge.marker, edge.to])).toEqual([
      ["python_full_version < '3.12'", [1]],
      ["python_full_version >= '3.12'", [2]],
    ]);
    expect(twice.nodes.map((entry) => [entry.name, entry.package])).toEqual([
      ['app', null],
      ['numpy', 0],
      ['numpy', 1],
    ]);
  });

  it.each([
    ['dependencies = "click"', "package 'tqdm': 'dependencies' must be an array, found a string"],
    [
      'dependencies = [{ marker = "sys_platform == \'win32\'" }]',
      "package 'tqdm': a dependency has no 'name'",
    ],
    [
      'dependencies = [{ name = "colorama", marker = 3 }]',
      "package 'tqdm': dependency 'colorama': 'marker' must be a string, found a number",
    ],
    [
      'dependencies = [{ name = "colorama", extra = "x" }]',
      "package 'tqdm': dependency 'colorama': 'extra' must be an array, found a string",
    ],
  ])('refuses a malformed edge: %s', (edges, message) => {
    const tqdm = entryLine(UV_LOCK, 'tqdm');
    const lines = UV_LOCK.split('\n');
    // Replaces tqdm's three lines of dependencies with the malformed one.
    const broken = [...lines.slice(0, tqdm + 2), edges, ...lines.slice(tqdm + 5)].join('\n');
    expect(broken.split('\n')[tqdm + 2]).toBe(edges);
    const error = userErrorOf(() => graphOf(broken));
    expect(error.message).toBe(message);
    expect(error.source?.file).toBe('uv.lock');
  });
});
