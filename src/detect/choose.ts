import { readPdmLock } from './lockfiles/pdm-lock.js';
import { readPipfileLock } from './lockfiles/pipfile-lock.js';
import { readPoetryLock } from './lockfiles/poetry-lock.js';
import { readPylock } from './lockfiles/pylock.js';
import { readUvLock } from './lockfiles/uv-lock.js';
import type { LockRead, Manifest } from './manifest.js';
import { readCog } from './manifests/cog.js';
import { readConda } from './manifests/conda.js';
import { readPipfile } from './manifests/pipfile.js';
import { pyprojectFlavour, pyprojectFormat, readPyproject } from './manifests/pyproject.js';
import { readRequirementsManifest } from './manifests/requirements.js';
import { readSetupCfg, readSetupPy } from './manifests/setuptools.js';
import { readToml } from './parse.js';
import type { RepoReader } from './reader.js';

/** The files that make a folder a project (docs/detection.md, "Projects"). */
export const MANIFEST_FILES = [
  'cog.yaml',
  'pylock.toml',
  'requirements.txt',
  'pyproject.toml',
  'Pipfile',
  'environment.yml',
  'environment.yaml',
  'setup.cfg',
  'setup.py',
];
const LOCK_FILES = ['uv.lock', 'poetry.lock', 'pdm.lock', 'Pipfile.lock'];

export interface Chosen {
  /** null for a lock read alone (pylock.toml, or Pipfile.lock without its Pipfile). */
  manifest: Manifest | null;
  lock: LockRead | null;
  lockfile: string | null;
  format: Manifest['format'];
  files: string[];
  /** Manifests and locks present but not used, for a warning each. */
  unused: string[];
}

/**
 * Picks the file the image is built from, in the order docs/detection.md gives: cog, then
 * lockfiles with their manifests, then manifests alone. A lockfile always beats its manifest.
 */
export function chooseManifest(reader: RepoReader, rootFiles: ReadonlySet<string>): Chosen | null {
  const has = (file: string): boolean => rootFiles.has(file);
  const pyproject = has('pyproject.toml') ? readToml(reader, 'pyproject.toml').data : null;
  const flavour = pyproject ? pyprojectFlavour(pyproject) : null;
  const withUnused = (chosen: Omit<Chosen, 'unused'>): Chosen => ({
    ...chosen,
    unused: [...MANIFEST_FILES, ...LOCK_FILES].filter(
      (file) => has(file) && !chosen.files.includes(file) && chosen.lockfile !== file,
    ),
  });

  if (has('cog.yaml')) {
    const manifest = readCog(reader, 'cog.yaml');
    return withUnused({ manifest, lock: null, lockfile: null, format: 'cog', files: manifest.files });
  }
  if (has('pylock.toml')) {
    const lock = readPylock(reader, 'pylock.toml');
    const manifest =
      pyproject && flavour?.hasProjectDependencies ? readPyproject(reader, 'pyproject.toml', 'pylock') : null;
    const files = manifest ? [...manifest.files] : ['pylock.toml'];
    return withUnused({ manifest, lock, lockfile: 'pylock.toml', format: 'pylock', files });
  }
  const pyprojectLocks = [
    ['uv.lock', 'uv', readUvLock],
    ['poetry.lock', 'poetry', readPoetryLock],
    ['pdm.lock', 'pdm', readPdmLock],
  ] as const;
  for (const [lockfile, format, readLock] of pyprojectLocks) {
    if (has(lockfile) && pyproject) {
      const manifest = readPyproject(reader, 'pyproject.toml', format);
      return withUnused({
        manifest,
        lock: readLock(reader, lockfile),
        lockfile,
        format,
        files: manifest.files,
      });
    }
  }
  if (has('Pipfile.lock')) {
    const manifest = has('Pipfile') ? readPipfile(reader, 'Pipfile') : null;
    const files = manifest ? manifest.files : ['Pipfile.lock'];
    return withUnused({
      manifest,
      lock: readPipfileLock(reader, 'Pipfile.lock'),
      lockfile: 'Pipfile.lock',
      format: 'pipfile',
      files,
    });
  }
  if (has('requirements.txt')) {
    const manifest = readRequirementsManifest(reader, 'requirements.txt');
    return withUnused({
      manifest,
      lock: null,
      lockfile: manifest.hashed ? 'requirements.txt' : null,
      format: 'requirements',
      files: manifest.files,
    });
  }
  const pyprojectOwner = flavour ? pyprojectFormat(flavour) : null;
  if (pyprojectOwner) {
    const manifest = readPyproject(reader, 'pyproject.toml', pyprojectOwner);
    return withUnused({
      manifest,
      lock: null,
      lockfile: null,
      format: pyprojectOwner,
      files: manifest.files,
    });
  }
  const alone: [string, (reader: RepoReader, path: string) => Manifest][] = [
    ['Pipfile', readPipfile],
    ['environment.yml', readConda],
    ['environment.yaml', readConda],
    ['setup.cfg', readSetupCfg],
    ['setup.py', readSetupPy],
  ];
  for (const [file, read] of alone) {
    if (!has(file)) continue;
    const manifest = read(reader, file);
    return withUnused({
      manifest,
      lock: null,
      lockfile: null,
      format: manifest.format,
      files: manifest.files,
    });
  }
  return null;
}
