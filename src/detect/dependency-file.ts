import { posix } from 'node:path';
import { UserError } from '../errors.js';
import { LOCK_MANIFESTS } from '../project/manifest-names.js';
import { folderOf, inFolder } from '../project/paths.js';
import type { RepoReader } from '../project/reader.js';
import { type Chosen, chooseDependencyFile, dependencyFileKind } from './choose.js';

const INPUT = "input 'dependency-file'";

/**
 * The manifest named by input 'dependency-file' (relative to `context`, like cog's
 * `python_requirements` or build-push-action's `file`), checked as the reader sees the project: a
 * relative path that stays inside it, naming a file the reader lists (so a link is refused where
 * the reader would not follow it), of a kind detect reads. Returns its normalised path and the
 * manifest chosen from it, with a lockfile beside it.
 */
export function chooseNamedFile(reader: RepoReader, input: string): { path: string; chosen: Chosen } {
  const path = normalise(input);
  const name = path.slice(path.lastIndexOf('/') + 1);
  const kind = dependencyFileKind(name);
  const files = reader.files();
  if (!files.includes(path)) throw notAFile(reader, path, input, files);
  if (!kind) {
    // Own keys only: the name is the user's, and `constructor` is no lockfile.
    const manifest = Object.hasOwn(LOCK_MANIFESTS, name) ? LOCK_MANIFESTS[name] : undefined;
    throw new UserError(
      manifest
        ? `${INPUT}: ${path} is a lockfile; name its manifest (${inFolder(folderOf(path), manifest)}): the lock beside it is used`
        : `${INPUT}: ${path} is no dependency file detect reads; name a requirements file (.txt or .in), pyproject.toml, Pipfile, a conda environment file (.yml or .yaml), setup.cfg, setup.py, cog.yaml or pylock.toml`,
      'detect',
    );
  }
  const prefix = path.includes('/') ? `${folderOf(path)}/` : '';
  const names = new Set(
    files
      .filter((file) => file.startsWith(prefix) && !file.slice(prefix.length).includes('/'))
      .map((file) => file.slice(prefix.length)),
  );
  return { path, chosen: chooseDependencyFile(reader, path, kind, names) };
}

/** The input as a project-relative path with '/' separators and no '.' or '..' left, or an error saying why it cannot be one. */
function normalise(input: string): string {
  const written = input.trim().replace(/\\/g, '/');
  if (/^(?:\/|[A-Za-z]:)/.test(written)) {
    throw new UserError(
      `${INPUT}: '${input}' is an absolute path; write it relative to 'context' (e.g. inference/requirements.txt)`,
      'detect',
    );
  }
  const path = posix.normalize(written).replace(/\/+$/, '');
  if (path === '..' || path.startsWith('../')) {
    throw new UserError(
      `${INPUT}: '${input}' leaves 'context'; the dependency file must be inside it (set 'context' to a folder that holds it)`,
      'detect',
    );
  }
  if (path === '.' || path === '') {
    throw new UserError(`${INPUT}: '${input}' names no file`, 'detect');
  }
  return path;
}

function notAFile(reader: RepoReader, path: string, input: string, files: readonly string[]): UserError {
  const kind =
    reader.pathKind?.(path) ?? (files.some((file) => file.startsWith(`${path}/`)) ? 'folder' : 'missing');
  const shown = path === input ? path : `'${input}' (${path})`;
  const why = {
    file: 'is not a file detect can read',
    missing: "does not exist in 'context'",
    folder: 'is a folder; name the dependency file in it',
    link: "goes through a symbolic link detect does not follow (it follows links only to files inside 'context')",
    excluded:
      'is excluded from the project: .gitignore or .dockerignore ignores it, or it lies in a folder detect skips (data, .venv, …)',
    other: 'is not a regular file',
  }[kind];
  return new UserError(`${INPUT}: ${shown} ${why}`, 'detect');
}
