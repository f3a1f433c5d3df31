import type { SourceRef } from '../source.js';
import type { LockGraph } from './lockfiles/graph.js';

/** One PEP 508 requirement as written, with where it was written. */
export interface Requirement {
  name: string;
  extras: string[];
  /** PEP 440, as pip reads it. */
  specifier: string;
  /** The constraint as the user wrote it, where that was not PEP 440 (poetry's `^2.1`). */
  written?: string;
  marker: string | null;
  url: string | null;
  hashes: string[];
  source: SourceRef;
  /**
   * The named index this requirement must come from, as its tool binds it: poetry `source = "…"`,
   * a `[tool.uv.sources]` entry that applies, pipenv `index = "…"`, a pdm source's
   * `include_packages`. Absent: any index the project searches.
   */
  index?: string;
  /** The dependency group it was listed in (uv's default groups), for sources scoped to a group. */
  group?: string;
}

/** A package index a manifest names; `/whl/cuXXX` ones are CUDA hints too. */
export interface IndexRef {
  url: string;
  name: string | null;
  source: SourceRef;
  /**
   * pip's `--extra-index-url`: searched beside the main index, never instead of it. A manifest whose
   * indexes are all extra keeps PyPI (or `index-url`) as its main index.
   */
  extra?: true;
  /**
   * Serves only the requirements bound to it by name (poetry `priority = "explicit"`, uv
   * `explicit = true`): never searched for anything else.
   */
  explicit?: true;
}

/**
 * What a file says about Python: `exact` for a pin (`.python-version`, cog `python_version`,
 * conda `python=3.10`), `range` for a specifier (`requires-python = ">=3.9"`).
 */
export interface PythonHint {
  kind: 'exact' | 'range';
  text: string;
  source: SourceRef;
}

export interface LockedPackage {
  name: string;
  version: string;
  /** `sha256:<hex>` for each artifact the lock lists (several wheels per package is normal). */
  hashes: string[];
  marker: string | null;
  source: SourceRef;
}

/** A lockfile, read statically. Its packages give frameworks their locked versions. */
export interface LockRead {
  /** The tool that wrote it, by the name the spec's dependency formats give it. */
  format: 'uv' | 'poetry' | 'pdm' | 'pipfile' | 'pylock';
  file: string;
  packages: LockedPackage[];
  python: PythonHint[];
  indexes: IndexRef[];
  /**
   * uv.lock and poetry.lock: who needs whom, from the project down, so a converted lock installs
   * what a path of edges reaches. Absent where neither the lock nor pyproject.toml says where
   * installing starts (pdm.lock, Pipfile.lock, pylock.toml, a poetry.lock without its project's
   * dependencies): then every package whose marker holds is installed.
   */
  graph?: LockGraph;
}
