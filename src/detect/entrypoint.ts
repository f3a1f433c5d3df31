import type { RepoReader } from './reader.js';

const CONVENTIONAL_ENTRYPOINTS = ['predict.py', 'serve.py', 'app.py', 'main.py'];

/** The script a user would run: the conventional names at the project root, in that order. */
export function detectEntrypoint(reader: RepoReader): { path: string; source: string } | null {
  const files = new Set(reader.files());
  const path = CONVENTIONAL_ENTRYPOINTS.find((name) => files.has(name));
  return path ? { path, source: `${path} (conventional entry point name)` } : null;
}
