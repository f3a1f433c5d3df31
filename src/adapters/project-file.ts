import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  createReadStream,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  realpathSync,
  type Stats,
} from 'node:fs';
import { resolve, sep } from 'node:path';
import { type Phase, RefusedInput } from '../errors.js';
import { oneLine } from '../text.js';

/** The most read of one text file: uv.lock files run to several MB, and no manifest comes near this. */
export const TEXT_CAP = 16 * 2 ** 20;

/**
 * The one rule for every file a run opens in a project: the path, links resolved, must stay inside
 * the project, and must be a regular file. A pull request's repository is untrusted: a link may
 * name a file outside it (`/proc/self/environ`, a runner's credentials), a FIFO would block the
 * run forever, a device never end. A missing file, or a folder, is null, for the caller to judge.
 */
export interface ProjectFiles {
  /** Its text, read up to `cap` bytes: a larger file is an error, never a silent cut. */
  readText(path: string, cap?: number): string | null;
  /** Its bytes, as readText reads them. */
  readBytes(path: string, cap?: number): Buffer | null;
  /** Its first `bytes` bytes as text, whatever its size, to tell what a file is by its start. */
  readHead(path: string, bytes: number): string | null;
  size(path: string): number | null;
  /** Hex sha256 of the bytes, streamed, so a model of any size hashes in constant memory. */
  sha256(path: string): Promise<string | null>;
  /** Whether `path` exists and resolves, through links, to something outside the project. */
  leadsOut(path: string): boolean;
}

// Where the platform has them: O_NOFOLLOW refuses a link swapped in after the real path was
// found, O_NONBLOCK keeps a FIFO swapped in from blocking the open.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
const CHUNK = 1 << 20;

/**
 * `root` is the project; paths are relative to it with '/' separators, and errors name them as
 * given. `phase` is the phase an error is reported in.
 */
export function projectFiles(root: string, phase: Phase): ProjectFiles {
  let realRoot: string | undefined;
  const rootReal = (): string | null => {
    try {
      realRoot ??= realpathSync(root);
      return realRoot;
    } catch {
      return null;
    }
  };

  /** The real path of a regular file inside the project; null when nothing is there. */
  const locate = (path: string): string | null => {
    const full = resolve(root, path);
    if (!isWithin(resolve(root), full))
      throw new RefusedInput(`${shown(path)} is outside the project`, phase, { file: path });
    const top = rootReal();
    let real: string;
    let stats: Stats;
    try {
      real = realpathSync(full);
      stats = lstatSync(real);
    } catch (error) {
      refuseUnreadable(path, phase, error);
      return null; // missing, a dangling link, or a loop
    }
    if (top === null) return null;
    if (!isWithin(top, real)) throw linkedOutside(path, phase, stats.isDirectory() ? 'a folder' : 'a file');
    if (stats.isDirectory()) return null; // no file there, as readers have always said of a folder
    if (!stats.isFile()) throw notRegular(path, phase, stats);
    return real;
  };

  const open = (path: string): { fd: number; size: number } | null => {
    const real = locate(path);
    if (real === null) return null;
    let fd: number;
    try {
      fd = openSync(real, OPEN_FLAGS);
    } catch (error) {
      refuseUnreadable(path, phase, error);
      return null; // gone, or swapped for a link, since it was found
    }
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      closeSync(fd);
      throw notRegular(path, phase, stats);
    }
    return { fd, size: stats.size };
  };

  const readBytes = (path: string, cap = TEXT_CAP): Buffer | null => {
    const file = open(path);
    if (file === null) return null;
    try {
      if (file.size > cap) throw tooLarge(path, phase, cap);
      // The size is a hint only: a file can grow while it is read, so the cap is kept on what arrives.
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(file.size + 1, 4096), cap + 1, CHUNK));
      const parts: Buffer[] = [];
      let total = 0;
      for (;;) {
        const count = readSync(file.fd, chunk, 0, chunk.length, null);
        if (count === 0) break;
        total += count;
        if (total > cap) throw tooLarge(path, phase, cap);
        parts.push(Buffer.from(chunk.subarray(0, count)));
      }
      return Buffer.concat(parts, total);
    } finally {
      closeSync(file.fd);
    }
  };

  return {
    readText: (path, cap) => readBytes(path, cap)?.toString('utf8') ?? null,
    readBytes,
    readHead(path, bytes) {
      const file = open(path);
      if (file === null) return null;
      try {
        const head = Buffer.alloc(bytes);
        let total = 0;
        while (total < bytes) {
          const count = readSync(file.fd, head, total, bytes - total, null);
          if (count === 0) break;
          total += count;
        }
        return head.subarray(0, total).toString('utf8');
      } finally {
        closeSync(file.fd);
      }
    },
    size(path) {
      const real = locate(path);
      if (real === null) return null;
      try {
        return lstatSync(real).size;
      } catch {
        return null;
      }
    },
    async sha256(path) {
      const file = open(path);
      if (file === null) return null;
      const hash = createHash('sha256');
      for await (const chunk of createReadStream('', { fd: file.fd, highWaterMark: CHUNK })) {
        hash.update(chunk as Buffer);
      }
      return hash.digest('hex');
    },
    leadsOut(path) {
      const top = rootReal();
      try {
        return top !== null && !isWithin(top, realpathSync(resolve(root, path)));
      } catch {
        return false;
      }
    },
  };
}

/** Whether `path` is `folder` or below it; both absolute and resolved alike. */
export function isWithin(folder: string, path: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

export function linkedOutside(
  path: string,
  phase: Phase,
  what: 'a file' | 'a folder' = 'a file',
): RefusedInput {
  return new RefusedInput(
    `${shown(path)} links to ${what} outside the project; links may only point inside it`,
    phase,
    { file: path },
  );
}

function notRegular(path: string, phase: Phase, stats: Stats): RefusedInput {
  const what = stats.isDirectory()
    ? 'a folder'
    : stats.isFIFO()
      ? 'a named pipe (FIFO)'
      : stats.isSocket()
        ? 'a socket'
        : stats.isCharacterDevice() || stats.isBlockDevice()
          ? 'a device'
          : 'something else';
  return new RefusedInput(
    `${shown(path)} is ${what}, not a regular file; only regular files are read from the project`,
    phase,
    { file: path },
  );
}

/**
 * A path the system would not let this user open is no missing file: detect would then build
 * without it, and the build would fail on it later. An error naming it, before anything is read.
 */
function refuseUnreadable(path: string, phase: Phase, error: unknown): void {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENAMETOOLONG'
        ? 'its path is too long to open'
        : null;
  if (why) throw new RefusedInput(`${shown(path)} cannot be read: ${why}`, phase, { file: path });
}

function tooLarge(path: string, phase: Phase, cap: number): RefusedInput {
  const limit = cap % 2 ** 20 === 0 ? `${cap / 2 ** 20} MiB` : `${cap} bytes`;
  return new RefusedInput(
    `${shown(path)} is larger than ${limit}, the most read of one file of the project`,
    phase,
    { file: path },
  );
}

/** A repository path in a message: names can hold newlines too. */
function shown(path: string): string {
  return oneLine(path);
}
