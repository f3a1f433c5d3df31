import { UserError } from '../errors.js';
import type { LockEdge, LockGraph, LockNode } from '../python/lockfiles/graph.js';
import type { MarkerEnvironment } from '../python/markers.js';
import type { LockedPackage, LockRead } from '../python/types.js';
import { formatSource, type SourceRef } from '../source.js';
import { evaluateWithExtras } from './extras.js';

/**
 * The packages of `read` that installing its project reaches in `env`, in the lock's order: a
 * package is reached when a path of edges from `graph.roots` leads to it with every edge's marker
 * true and every package on the way (itself included) applying, its own marker true. `extra` in
 * an edge's marker means the extras the package holding the edge was asked for, and uv's
 * `selected` groups; an entry's extras are followed only when some edge asks for them.
 *
 * A dependency pyproject.toml declares, whose marker holds here, that the lock does not hold at
 * all is an error: the lock is older than the manifest, and the image would lack it.
 */
export function reachable(read: LockRead, graph: LockGraph, env: MarkerEnvironment): LockedPackage[] {
  const selected = new Set(graph.selected);
  requireDeclared(read, graph, env);

  const applies = new Map<number, boolean>();
  /** Whether the entry's own marker holds; the project and workspace members have none. */
  const appliesHere = ({ package: index }: LockNode): boolean => {
    const pkg = index === null ? undefined : read.packages[index];
    if (index === null || pkg === undefined || pkg.marker === null) return true;
    if (!applies.has(index)) applies.set(index, holds(pkg.marker, env, selected, label(pkg), pkg.source));
    return applies.get(index) === true;
  };

  const followed = new Map<number, ReadonlySet<string>>();
  const pending: { node: number; extras: readonly string[] }[] = [];
  const follow = (edges: readonly LockEdge[], active: ReadonlySet<string>, owner: string | null) => {
    for (const edge of edges) {
      const what = `${owner ? `${owner}: ` : ''}dependency ${edge.name}`;
      if (edge.marker !== null && !holds(edge.marker, env, active, what, edge.source)) continue;
      for (const node of edge.to) pending.push({ node, extras: edge.extras });
    }
  };

  follow(graph.roots, selected, null);
  // A stack, not recursion: a lock's chains of dependencies may be as long as it likes.
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const node = graph.nodes[next.node];
    if (!node || !appliesHere(node)) continue;
    const before = followed.get(next.node);
    if (before && next.extras.every((extra) => before.has(extra))) continue;
    const extras = new Set([...(before ?? []), ...next.extras]);
    followed.set(next.node, extras);
    const active = new Set([...extras, ...selected]);
    const pkg = node.package === null ? undefined : read.packages[node.package];
    const owner = pkg ? label(pkg) : node.name;
    follow(node.dependencies, active, owner);
    for (const extra of extras) follow(node.extras.get(extra) ?? [], active, owner);
  }

  const reached = new Set([...followed.keys()].map((index) => graph.nodes[index]?.package));
  return read.packages.filter((_, index) => reached.has(index));
}

/** `click 8.1.7`, as the other lock errors name a package. */
function label(pkg: LockedPackage): string {
  return `${pkg.name} ${pkg.version}`;
}

function requireDeclared(read: LockRead, graph: LockGraph, env: MarkerEnvironment): void {
  for (const edge of graph.declared) {
    if (edge.to.length > 0) continue;
    if (edge.marker !== null && !holds(edge.marker, env, new Set(), edge.name, edge.source)) continue;
    throw new UserError(
      `${read.file} does not lock ${edge.name}, which ${formatSource(edge.source)} needs: run \`${graph.relock}\``,
      'lock',
      { file: read.file },
    );
  }
}

function holds(
  marker: string,
  env: MarkerEnvironment,
  active: ReadonlySet<string>,
  what: string,
  source: SourceRef,
): boolean {
  try {
    return evaluateWithExtras(marker, env, active);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UserError(`${what}: ${message}`, 'lock', source);
  }
}
