import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What detect may see of a repository. Detect is pure over this interface, so tests feed it an
 * in-memory tree and the action feeds it the checkout.
 */
export interface RepoReader {
  /** Project files, relative with '/' separators, sorted, excluding folders that never hold the project. */
  files(): readonly string[];
  readText(path: string): string | null;
  size(path: string): number | null;
}

/** Folders that hold tools, caches or environments rather than the project itself. */
export const skippedFolders: ReadonlySet<string> = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.ipynb_checkpoints',
  '.ml-container',
]);

export function memoryReader(tree: Record<string, string>): RepoReader {
  const paths = Object.keys(tree).sort();
  return {
    files: () => paths,
    // Own keys only: 'constructor' or '__proto__' named in a requirements file is no file of the tree.
    readText: (path) => (Object.hasOwn(tree, path) ? (tree[path] ?? null) : null),
    size: (path) => (Object.hasOwn(tree, path) ? Buffer.byteLength(tree[path] ?? '') : null),
  };
}

export function directoryReader(root: string): RepoReader {
  let cached: string[] | null = null;
  const walk = (relative: string, into: string[]): void => {
    const entries = readdirSync(join(root, relative), { withFileTypes: true });
    for (const entry of entries) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!skippedFolders.has(entry.name) && !isVirtualenv(join(root, path))) walk(path, into);
      } else if (entry.isFile()) {
        into.push(path);
      }
    }
  };
  return {
    files: () => {
      if (!cached) {
        cached = [];
        walk('', cached);
        cached.sort();
      }
      return cached;
    },
    readText: (path) => {
      try {
        return readFileSync(join(root, path), 'utf8');
      } catch {
        return null;
      }
    },
    size: (path) => {
      try {
        return statSync(join(root, path)).size;
      } catch {
        return null;
      }
    },
  };
}

function isVirtualenv(folder: string): boolean {
  try {
    return statSync(join(folder, 'pyvenv.cfg')).isFile();
  } catch {
    return false;
  }
}
