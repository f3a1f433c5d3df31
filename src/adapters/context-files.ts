import { type Dirent, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HeavyFile } from '../plan/layers.js';
import { dockerRules } from '../project/reader.js';

/**
 * The regular files of the build context at least `minBytes` large, as buildx will send it under
 * `dockerignore` (the project's, or the generated one). Links are not followed and never listed:
 * what they point at is not the project's. A folder the rules exclude is not entered; a file a
 * negated rule would bring back from inside it then stays with the source, which is harmless,
 * whereas listing a file buildx leaves out would fail the build.
 */
export function heavyContextFiles(root: string, dockerignore: string, minBytes: number): HeavyFile[] {
  // Docker matches with Go's regexp and trims with Go's rules, where `ignore` differs: a bracket
  // class, a backslash escape or whitespace outside ASCII could make buildx leave out a file listed
  // here, and its mount would fail the build. Such a .dockerignore keeps every file with the source.
  if (/[[\\]|[^\x20-\x7e\t\r\n]/.test(dockerignore)) return [];
  const rules = dockerRules(dockerignore);
  const heavy: HeavyFile[] = [];
  const pending = [''];
  for (let prefix = pending.pop(); prefix !== undefined; prefix = pending.pop()) {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, prefix), { withFileTypes: true });
    } catch {
      continue; // unreadable: buildx will say so, with its own words
    }
    for (const entry of entries) {
      const path = `${prefix}${entry.name}`;
      if (entry.isDirectory()) {
        // A repository's own .git, when its .dockerignore sends it, is history, not a model: it stays with the source.
        if (path === '.git') continue;
        if (!rules?.ignores(`${path}/`)) pending.push(`${path}/`);
      } else if (entry.isFile() && !rules?.ignores(path)) {
        const bytes = lstatSync(join(root, path)).size;
        if (bytes >= minBytes) heavy.push({ path, bytes });
      }
    }
  }
  return heavy.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
