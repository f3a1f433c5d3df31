import { type Dirent, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { projectFiles } from '../adapters/project-file.js';
import type { EnvironmentSpec } from '../detect/spec.js';
import { RefusedInput } from '../errors.js';
import type { BuildPlan } from '../plan/types.js';
import type { SourceRef } from '../source.js';
import { oneLine } from '../text.js';

/** A local package folder larger than this is no source tree to resolve: a model or a dataset sits in it. */
export const RESOLVER_FILES_MAX_BYTES = 256 * 2 ** 20;
export const RESOLVER_FILES_MAX_COUNT = 10_000;
/** Where the resolver finds the project's files, as pip would find them at the top of a checkout. */
export const RESOLVER_PROJECT_DIR = '/project';

/**
 * The project files pip reads while it resolves, by path relative to the project, as base64: the
 * requirements file with its includes, and every local package (`file:` requirement) inside the
 * project. They travel to the resolver on its standard input, never through a bind mount: the
 * Docker engine may be another machine (DOCKER_HOST) that sees none of this one's files. Each is
 * read under the project's rule (inside the project, regular files, links never followed out).
 */
export function resolverFiles(
  spec: EnvironmentSpec,
  plan: BuildPlan,
  contextDir: string,
): Record<string, string> {
  const project = projectFiles(contextDir, 'lock');
  // No prototype: a file named `constructor` or `__proto__` is a file like any other.
  const files: Record<string, string> = Object.create(null);
  let bytes = 0;
  const add = (path: string, source: SourceRef) => {
    if (Object.hasOwn(files, path)) return;
    const content = project.readBytes(path, RESOLVER_FILES_MAX_BYTES);
    if (content === null) return; // gone or a folder: pip says what it misses
    bytes += content.length;
    if (bytes > RESOLVER_FILES_MAX_BYTES || Object.keys(files).length >= RESOLVER_FILES_MAX_COUNT) {
      throw new RefusedInput(
        `the local packages the requirements name hold more than ${RESOLVER_FILES_MAX_COUNT} files or ${RESOLVER_FILES_MAX_BYTES / 2 ** 20} MiB; keep models and data out of a package folder`,
        'lock',
        source,
      );
    }
    files[path] = content.toString('base64');
  };
  if (plan.requirementLines === null || plan.requirementLines === undefined) {
    for (const file of spec.dependencies.files) add(file, { file });
  }
  for (const requirement of spec.dependencies.requirements) {
    const path = requirement.url ? localPath(requirement.url, requirement.source) : null;
    if (path === null) continue;
    // Before listing: a folder linked out of the project is refused, never walked.
    if (path === '..' || path.startsWith('../') || project.leadsOut(path)) {
      throw new RefusedInput(
        `${oneLine(requirement.url ?? '')} names a path outside the project, which the resolver cannot read`,
        'lock',
        requirement.source,
      );
    }
    for (const file of treeFiles(contextDir, path)) add(file, requirement.source);
  }
  return files;
}

/** A `file:` URL's path relative to the project, as pip reads it in the project's folder; null for others. */
function localPath(url: string, source: SourceRef): string | null {
  const match = /^file:(?:\/\/(?:localhost)?)?([^#?]*)/i.exec(url);
  if (!match) return null;
  let raw: string;
  try {
    raw = decodeURIComponent(match[1] ?? '');
  } catch {
    throw new RefusedInput(`${oneLine(url)} is not a valid file: URL (a malformed %-escape)`, 'lock', source);
  }
  // A trailing slash names the same folder; the paths sent must be plain (`wheels/x.whl`, never `wheels//x.whl`).
  const plain = (path: string) => posix.normalize(path).replace(/\/+$/, '') || '.';
  if (raw.startsWith('/')) {
    // An absolute path means the resolver's own file system, where the project is RESOLVER_PROJECT_DIR.
    const inside = posix.relative(RESOLVER_PROJECT_DIR, posix.normalize(raw));
    return inside.startsWith('..') || posix.isAbsolute(inside) ? null : plain(inside || '.');
  }
  return plain(raw);
}

/** A file, or every regular file under a folder, links and `.git` left out (the file rule refuses links out). */
function treeFiles(contextDir: string, path: string): string[] {
  const found: string[] = [];
  const pending = [path];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    if (found.length > RESOLVER_FILES_MAX_COUNT) break;
    let entries: Dirent[];
    try {
      entries = readdirSync(join(contextDir, current), { withFileTypes: true });
    } catch {
      found.push(current); // a file, or nothing: add() reads it under the rule
      continue;
    }
    for (const entry of entries) {
      const child = current === '.' ? entry.name : `${current}/${entry.name}`;
      if (entry.isDirectory() && entry.name !== '.git') pending.push(child);
      else if (entry.isFile()) found.push(child);
    }
  }
  return found.sort();
}
