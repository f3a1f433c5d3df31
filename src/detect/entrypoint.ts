import type { SourceRef } from '../source.js';
import { formatSource } from '../source.js';
import type { RepoReader } from './reader.js';

const CONVENTIONAL_ENTRYPOINTS = ['predict.py', 'serve.py', 'app.py'];

/**
 * The script a user would run: what cog.yaml names, else the conventional names at the project
 * root in that order, else the first `[project.scripts]` entry.
 */
export function detectEntrypoint(
  reader: RepoReader,
  declared: { path: string; source: SourceRef; from: 'cog' | 'scripts' } | null,
): { path: string; source: string } | null {
  if (declared?.from === 'cog') return { path: declared.path, source: formatSource(declared.source) };
  const files = new Set(reader.files());
  const path = CONVENTIONAL_ENTRYPOINTS.find((name) => files.has(name));
  if (path) return { path, source: `${path} (conventional entry point name)` };
  return declared ? { path: declared.path, source: formatSource(declared.source) } : null;
}
