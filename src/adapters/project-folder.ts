import { randomBytes } from 'node:crypto';
import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, posix } from 'node:path';
import { type Phase, RefusedInput } from '../errors.js';
import { oneLine } from '../text.js';
import { isWithin, linkedOutside } from './project-file.js';

/**
 * A folder named by an input (`write-generated`), relative to the project, as a path with '/'
 * separators and no '.' or '..' left ('.' for the top); an absolute path or one that leaves the
 * project is an error naming the input.
 */
export function projectFolderPath(input: string, inputName: string): string {
  const written = input.trim().replace(/\\/g, '/');
  const what = `input '${inputName}'`;
  if (/^(?:\/|[A-Za-z]:)/.test(written)) {
    throw new RefusedInput(
      `${what}: '${oneLine(input)}' is an absolute path; write it relative to 'context' (e.g. .ml-container)`,
      'inputs',
    );
  }
  const path = posix.normalize(written || '.').replace(/\/+$/, '') || '.';
  if (path === '..' || path.startsWith('../')) {
    throw new RefusedInput(
      `${what}: '${oneLine(input)}' leaves 'context'; the folder must be inside it`,
      'inputs',
    );
  }
  return path;
}

/**
 * The real path of `folder` (relative, as `projectFolderPath` gives it) inside `root`, each
 * missing part created. A part that is a link may lead to a folder inside the project, never out
 * of it, so nothing written there can land outside.
 */
export function makeProjectFolder(root: string, folder: string, phase: Phase): string {
  const realRoot = realpathSync(root);
  let current = realRoot;
  let written = '';
  for (const part of folder === '.' ? [] : folder.split('/')) {
    written = written ? `${written}/${part}` : part;
    const next = join(current, part);
    let isLink = false;
    try {
      isLink = lstatSync(next).isSymbolicLink();
    } catch {
      mkdirSync(next);
    }
    let real: string;
    try {
      real = isLink ? realpathSync(next) : next;
    } catch {
      throw new RefusedInput(`${oneLine(written)} is a link to nothing; make it a folder`, phase, {
        file: written,
      });
    }
    if (!isWithin(realRoot, real)) throw linkedOutside(written, phase, 'a folder');
    if (!lstatSync(real).isDirectory()) {
      throw new RefusedInput(`${oneLine(written)} is not a folder`, phase, { file: written });
    }
    current = real;
  }
  return current;
}

/**
 * Writes `content` as `dir/name` through a new file renamed over the old one: a link there is
 * replaced, never written through, and a reader never sees half a file. `shown` names the file in
 * an error.
 */
export function replaceFile(dir: string, name: string, content: string, phase: Phase, shown = name): void {
  const target = join(dir, name);
  if (isFolder(target)) {
    throw new RefusedInput(`${oneLine(shown)} is a folder; a generated file goes there`, phase, {
      file: shown,
    });
  }
  const temporary = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx' creates the file or fails: it never opens what is there, a link included.
  const fd = openSync(temporary, 'wx');
  try {
    try {
      writeFileSync(fd, content);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function isFolder(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}
