import type { SourceRef } from '../../source.js';

/** One dependency a lock records: `name`, with `extras`, wherever `marker` holds. */
export interface LockEdge {
  /** Normalized (PEP 503). */
  name: string;
  marker: string | null;
  /** The extras asked of `name`, normalized (PEP 685). */
  extras: string[];
  /**
   * The entries of `LockGraph.nodes` it leads to: several where the lock holds the name more than
   * once and the edge does not say which (the entries' own markers decide), none where the lock
   * lacks the name.
   */
  to: number[];
  source: SourceRef;
}

/** One entry of the lock, with what installing it pulls in. */
export interface LockNode {
  name: string;
  /**
   * Its index in `LockRead.packages`; null for an entry that is pinned nowhere (the project itself,
   * a workspace member, a local source tree) but whose dependencies come with it.
   */
  package: number | null;
  dependencies: LockEdge[];
  /** By extra (normalized): followed only when the entry is asked for with that extra. */
  extras: Map<string, LockEdge[]>;
}

/**
 * Who needs whom in a uv.lock or poetry.lock, and where installing starts, so that a package is
 * installed only when some path from the project reaches it with every marker on the way true
 * (docs/detection.md, "Which packages a converted lock installs").
 */
export interface LockGraph {
  nodes: LockNode[];
  /** The project's own dependencies, and those of the groups installed with it. */
  roots: LockEdge[];
  /**
   * The project's extras and groups installed, as uv spells them in the markers it writes for
   * conflicting ones (`extra == 'group-8-ml-serve-dev'`): true for the whole walk.
   */
  selected: string[];
  /** The dependencies pyproject.toml declares: each must be locked wherever its marker holds. */
  declared: LockEdge[];
  /** The command that brings the lock up to date with pyproject.toml: `uv lock`. */
  relock: string;
}

/** An edge as a reader finds it, before it is linked to the entries it leads to. */
export interface FoundEdge extends Omit<LockEdge, 'to'> {
  /** uv names the version and source of the entry when it locks a name more than once. */
  version?: string;
  origin?: string;
}

export interface FoundNode extends Omit<LockNode, 'dependencies' | 'extras'> {
  version?: string;
  origin?: string;
  dependencies: FoundEdge[];
  extras: Map<string, FoundEdge[]>;
}

/** Links every edge to the entries of `nodes` it names. */
export function linkGraph(
  nodes: readonly FoundNode[],
  rest: { roots: FoundEdge[]; declared: FoundEdge[]; selected: string[]; relock: string },
): LockGraph {
  const byName = new Map<string, number[]>();
  nodes.forEach((node, index) => {
    byName.set(node.name, [...(byName.get(node.name) ?? []), index]);
  });
  const link = ({ version, origin, ...edge }: FoundEdge): LockEdge => {
    let to = byName.get(edge.name) ?? [];
    if (version !== undefined) to = narrow(to, (index) => nodes[index]?.version === version);
    if (origin !== undefined) to = narrow(to, (index) => nodes[index]?.origin === origin);
    return { ...edge, to };
  };
  const linkAll = (edges: readonly FoundEdge[]) => edges.map(link);
  return {
    nodes: nodes.map((node) => ({
      name: node.name,
      package: node.package,
      dependencies: linkAll(node.dependencies),
      extras: new Map([...node.extras].map(([extra, edges]) => [extra, linkAll(edges)])),
    })),
    roots: linkAll(rest.roots),
    selected: rest.selected,
    declared: linkAll(rest.declared),
    relock: rest.relock,
  };
}

/**
 * The candidates that pass, unless none does: an edge that names its entry in a way the entry
 * does not repeat still leads to every entry of that name, and their markers and the rule that
 * each package comes out once decide, loudly, rather than the package going missing.
 */
function narrow(candidates: readonly number[], test: (index: number) => boolean): number[] {
  const kept = candidates.filter(test);
  return kept.length > 0 ? kept : [...candidates];
}

/** Both markers, either of which may be absent. */
export function bothMarkers(first: string | null, second: string | null): string | null {
  if (first === null) return second;
  if (second === null) return first;
  return `(${first}) and (${second})`;
}
