import type { RepoReader } from '../../project/reader.js';
import type { LockRead } from '../types.js';
import { readPdmLock } from './pdm-lock.js';
import { readPipfileLock } from './pipfile-lock.js';
import { readPoetryLock } from './poetry-lock.js';
import { readPylock } from './pylock.js';
import type { PyprojectFile } from './pyproject-roots.js';
import { readUvLock } from './uv-lock.js';

/**
 * Reads one lockfile. uv and poetry read where installing starts in the pyproject.toml beside the
 * lock: `pyproject` hands it over when the caller has parsed it already (null: there is none).
 */
export type LockReader = (reader: RepoReader, path: string, pyproject?: PyprojectFile | null) => LockRead;

/** The lockfiles read as they are, by file name: detect reads them for their facts, lock converts them. */
export const LOCK_READERS = {
  'uv.lock': readUvLock,
  'poetry.lock': readPoetryLock,
  'pdm.lock': readPdmLock,
  'Pipfile.lock': readPipfileLock,
  'pylock.toml': readPylock,
} satisfies Record<string, LockReader>;

/**
 * The reader for a lockfile by its name, wherever it lies (`inference/uv.lock`, beside a manifest
 * named with 'dependency-file'); undefined for a file no reader takes (a hashed requirements file).
 */
export function lockReaderFor(path: string): LockReader | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return Object.hasOwn(LOCK_READERS, name) ? LOCK_READERS[name as keyof typeof LOCK_READERS] : undefined;
}
