import { inFolder } from '../project/paths.js';
import type { RepoReader } from '../project/reader.js';
import type { SourceRef } from '../source.js';
import { formatSource } from '../source.js';
import type { ConsoleScript } from './console-script.js';

export const CONVENTIONAL_ENTRYPOINTS = ['predict.py', 'serve.py', 'app.py'];

/**
 * The script a user would run: what cog.yaml names, else the conventional names in `folders` in
 * order (the project root '.', then the dependency file's folder), else the first
 * `[project.scripts]` entry (with its console script: detect keeps one only for a package). Paths
 * are relative to the project root, where the image's WORKDIR is.
 */
export function detectEntrypoint(
  reader: RepoReader,
  declared: { path: string; source: SourceRef; from: 'cog' | 'scripts'; script?: ConsoleScript } | null,
  folders: readonly string[] = ['.'],
): { path: string; source: string; script?: ConsoleScript } | null {
  if (declared?.from === 'cog') return { path: declared.path, source: formatSource(declared.source) };
  const files = new Set(reader.files());
  for (const folder of new Set(folders)) {
    const path = CONVENTIONAL_ENTRYPOINTS.map((name) => inFolder(folder, name)).find((candidate) =>
      files.has(candidate),
    );
    if (path) return { path, source: `${path} (conventional entry point name)` };
  }
  if (!declared) return null;
  const found = { path: declared.path, source: formatSource(declared.source) };
  return declared.script ? { ...found, script: declared.script } : found;
}
