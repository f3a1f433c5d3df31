import { inFolder } from '../project/paths.js';
import type { RepoReader } from '../project/reader.js';
import type { SourceRef } from '../source.js';
import { formatSource } from '../source.js';
import type { ConsoleScript } from './console-script.js';

export const CONVENTIONAL_ENTRYPOINTS = ['predict.py', 'serve.py', 'app.py'];
/**
 * Taken last, after a console script: as often a training script (pytorch/examples' mnist) as a
 * server, so one whose text trains (a backward pass, an optimizer or trainer step, a fit) is not
 * the image's command.
 */
export const LAST_ENTRYPOINT = 'main.py';
const TRAINS = /\.backward\(|\boptimizer\.step\(|\.fit\(|\btrainer\.train\(|\.train\(\)/i;

/**
 * The script a user would run: what cog.yaml names, else the conventional names in `folders` in
 * order (the project root '.', then the dependency file's folder), else the first
 * `[project.scripts]` entry (with its console script: detect keeps one only for a package), else a
 * main.py that trains nothing. Paths
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
  if (declared) {
    const found = { path: declared.path, source: formatSource(declared.source) };
    return declared.script ? { ...found, script: declared.script } : found;
  }
  for (const folder of new Set(folders)) {
    const path = inFolder(folder, LAST_ENTRYPOINT);
    if (!files.has(path)) continue;
    if (TRAINS.test(reader.readText(path) ?? '')) continue;
    return { path, source: `${path} (conventional entry point name, taken last; it runs no training step)` };
  }
  return null;
}
