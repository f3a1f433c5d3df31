import { UserError } from '../errors.js';
import type { SourceRef } from '../source.js';
import { excerpt } from '../text.js';

/**
 * A path a manifest names (`-r base.txt`, cog's `predict`), relative to the manifest's folder.
 * One that leaves the repository, or names no file, is an error at the line that wrote it.
 */
export function resolveInRepository(from: string, target: string, source: SourceRef): string {
  const outside = () => new UserError(`'${excerpt(target)}' is outside the repository`, 'detect', source);
  if (/^(?:[/\\]|[A-Za-z]:)/.test(target)) throw outside();
  const parts = from.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '..') {
      if (parts.length === 0) throw outside();
      parts.pop();
    } else if (part !== '.' && part !== '') parts.push(part);
  }
  if (parts.length === 0) throw new UserError(`'${excerpt(target)}' names no file`, 'detect', source);
  return parts.join('/');
}

/** The folder of a project-relative path, '.' for the top. */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '.' : path.slice(0, slash);
}

/** A name in a project folder ('.' for the top), as a project-relative path. */
export function inFolder(folder: string, name: string): string {
  return folder === '.' ? name : `${folder}/${name}`;
}
