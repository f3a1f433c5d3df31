import { UserError } from '../errors.js';
import { LOCK_MANIFESTS, MANIFEST_FILES } from '../project/manifest-names.js';
import { readToml } from '../project/parse.js';
import type { RepoReader } from '../project/reader.js';
import type { PyprojectFile } from '../python/lockfiles/pyproject-roots.js';
import { LOCK_READERS } from '../python/lockfiles/readers.js';
import type { LockRead } from '../python/types.js';
import type { Manifest } from './manifest.js';
import { readCog } from './manifests/cog.js';
import { readConda } from './manifests/conda.js';
import { readPipfile } from './manifests/pipfile.js';
import { pyprojectFlavour, pyprojectFormat, readPyproject } from './manifests/pyproject.js';
import { readRequirementsManifest } from './manifests/requirements.js';
import { readSetupCfg, readSetupPy } from './manifests/setuptools.js';

const LOCK_FILES = Object.keys(LOCK_MANIFESTS);

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

/** The manifests and locks of one folder: `dir` is '' for the top of the project, else `a/b/`. */
interface Folder {
  reader: RepoReader;
  dir: string;
  has(name: string): boolean;
  /** The folder's pyproject.toml, parsed once, or null when it has none. */
  pyproject(): Record<string, unknown> | null;
  /** The same with its path and text, for a lock reader to cite its lines. */
  pyprojectFile(): PyprojectFile | null;
}

function folder(reader: RepoReader, dir: string, names: ReadonlySet<string>): Folder {
  let pyproject: PyprojectFile | null | undefined;
  const pyprojectFile = (): PyprojectFile | null => {
    if (pyproject === undefined) {
      const file = `${dir}pyproject.toml`;
      pyproject = names.has('pyproject.toml') ? { file, ...readToml(reader, file) } : null;
    }
    return pyproject;
  };
  return {
    reader,
    dir,
    has: (name) => names.has(name),
    pyproject: () => pyprojectFile()?.data ?? null,
    pyprojectFile,
  };
}

type Choice = Omit<Chosen, 'unused'>;

function cog(at: Folder): Choice {
  const manifest = readCog(at.reader, `${at.dir}cog.yaml`);
  return { manifest, lock: null, lockfile: null, format: 'cog', files: manifest.files };
}

/** pylock.toml, with the pyproject.toml beside it giving the specs as written when it lists any. */
function pylock(at: Folder): Choice {
  const lockfile = `${at.dir}pylock.toml`;
  const lock = LOCK_READERS['pylock.toml'](at.reader, lockfile);
  const pyproject = at.pyproject();
  const manifest =
    pyproject && pyprojectFlavour(pyproject).hasProjectDependencies
      ? readPyproject(at.reader, `${at.dir}pyproject.toml`, 'pylock')
      : null;
  return { manifest, lock, lockfile, format: 'pylock', files: manifest ? [...manifest.files] : [lockfile] };
}

/** pyproject.toml with the first of uv.lock, poetry.lock, pdm.lock beside it; null without one. */
function lockedPyproject(at: Folder): Choice | null {
  const pyproject = at.pyprojectFile();
  if (!pyproject) return null;
  // uv and poetry read in it where installing starts (the project's dependencies, uv's default groups).
  const pyprojectLocks = [
    ['uv.lock', 'uv'],
    ['poetry.lock', 'poetry'],
    ['pdm.lock', 'pdm'],
  ] as const;
  for (const [name, format] of pyprojectLocks) {
    if (!at.has(name)) continue;
    const manifest = readPyproject(at.reader, pyproject.file, format);
    const lockfile = `${at.dir}${name}`;
    return {
      manifest,
      lock: LOCK_READERS[name](at.reader, lockfile, pyproject),
      lockfile,
      format,
      files: manifest.files,
    };
  }
  return null;
}

/** pyproject.toml without a lock, its format from its tables; null when it lists no dependencies. */
function pyprojectAlone(at: Folder): Choice | null {
  const pyproject = at.pyproject();
  const format = pyproject ? pyprojectFormat(pyprojectFlavour(pyproject)) : null;
  if (!format) return null;
  const manifest = readPyproject(at.reader, `${at.dir}pyproject.toml`, format);
  return { manifest, lock: null, lockfile: null, format, files: manifest.files };
}

/** Pipfile.lock, with its Pipfile when there is one; null without the lock. */
function lockedPipfile(at: Folder): Choice | null {
  if (!at.has('Pipfile.lock')) return null;
  const manifest = at.has('Pipfile') ? readPipfile(at.reader, `${at.dir}Pipfile`) : null;
  const lockfile = `${at.dir}Pipfile.lock`;
  return {
    manifest,
    lock: LOCK_READERS['Pipfile.lock'](at.reader, lockfile),
    lockfile,
    format: 'pipfile',
    files: manifest ? manifest.files : [lockfile],
  };
}

/** A requirements file; when every requirement carries `--hash`, it is its own lock. */
function requirements(reader: RepoReader, path: string): Choice {
  const manifest = readRequirementsManifest(reader, path);
  return {
    manifest,
    lock: null,
    lockfile: manifest.hashed ? path : null,
    format: 'requirements',
    files: manifest.files,
  };
}

function alone(
  reader: RepoReader,
  path: string,
  read: (reader: RepoReader, path: string) => Manifest,
): Choice {
  const manifest = read(reader, path);
  return { manifest, lock: null, lockfile: null, format: manifest.format, files: manifest.files };
}

const ALONE: [string, (reader: RepoReader, path: string) => Manifest][] = [
  ['Pipfile', readPipfile],
  ['environment.yml', readConda],
  ['environment.yaml', readConda],
  ['setup.cfg', readSetupCfg],
  ['setup.py', readSetupPy],
];

/**
 * Picks the file the image is built from among those of one folder (`names`, the file names
 * directly in it; `dir` its path with a trailing '/', '' for the top), in the order
 * docs/detection.md gives: cog, then lockfiles with their manifests, then manifests alone. A
 * lockfile always beats its manifest. Every path in the result is relative to the project.
 */
export function chooseManifest(reader: RepoReader, names: ReadonlySet<string>, dir = ''): Chosen | null {
  const at = folder(reader, dir, names);
  at.pyproject(); // parsed first: malformed TOML is an error whichever manifest wins
  const withUnused = (chosen: Choice): Chosen => ({
    ...chosen,
    unused: [...MANIFEST_FILES, ...LOCK_FILES]
      .filter((name) => names.has(name))
      .map((name) => `${dir}${name}`)
      .filter((path) => !chosen.files.includes(path) && chosen.lockfile !== path),
  });

  if (at.has('cog.yaml')) return withUnused(cog(at));
  if (at.has('pylock.toml')) return withUnused(pylock(at));
  const locked = lockedPyproject(at) ?? lockedPipfile(at);
  if (locked) return withUnused(locked);
  if (at.has('requirements.txt')) return withUnused(requirements(reader, `${dir}requirements.txt`));
  const pyproject = pyprojectAlone(at);
  if (pyproject) return withUnused(pyproject);
  for (const [name, read] of ALONE) {
    if (at.has(name)) return withUnused(alone(reader, `${dir}${name}`, read));
  }
  return null;
}

/** What a dependency file is, by its name; null for a name no reader takes. */
export type DependencyFileKind =
  | 'cog'
  | 'pylock'
  | 'pyproject'
  | 'pipfile'
  | 'conda'
  | 'setup.cfg'
  | 'setup.py'
  | 'requirements';

export function dependencyFileKind(name: string): DependencyFileKind | null {
  if (name === 'cog.yaml') return 'cog';
  if (name === 'pylock.toml') return 'pylock';
  if (name === 'pyproject.toml') return 'pyproject';
  if (name === 'Pipfile') return 'pipfile';
  if (name === 'setup.cfg') return 'setup.cfg';
  if (name === 'setup.py') return 'setup.py';
  // conda reads an environment file of any name (`conda env create -f`); MLflow writes conda.yaml.
  if (/\.ya?ml$/i.test(name)) return 'conda';
  // requirements.txt, requirements-prod.txt, requirements/base.txt, pip-tools' requirements.in.
  if (/\.(?:txt|in)$/i.test(name)) return 'requirements';
  return null;
}

/**
 * The manifest the user named (input 'dependency-file'), already checked to be a file of the
 * project with a known `kind`. A lockfile beside it in its folder is used as it would be at the
 * top; the other manifests there are not reported, since the user chose.
 */
export function chooseDependencyFile(
  reader: RepoReader,
  path: string,
  kind: DependencyFileKind,
  names: ReadonlySet<string>,
): Chosen {
  const slash = path.lastIndexOf('/');
  const at = folder(reader, path.slice(0, slash + 1), names);
  const chosen = ((): Choice => {
    switch (kind) {
      case 'cog':
        return cog(at);
      case 'pylock':
        return pylock(at);
      case 'pyproject': {
        const found = lockedPyproject(at) ?? pyprojectAlone(at);
        if (found) return found;
        throw new UserError(
          `input 'dependency-file': ${path} lists no dependencies ([project], [tool.poetry], [tool.uv] or [tool.pdm]) and no uv.lock, poetry.lock or pdm.lock is beside it`,
          'detect',
          { file: path },
        );
      }
      case 'pipfile':
        return lockedPipfile(at) ?? alone(reader, path, readPipfile);
      case 'conda':
        return alone(reader, path, readConda);
      case 'setup.cfg':
        return alone(reader, path, readSetupCfg);
      case 'setup.py':
        return alone(reader, path, readSetupPy);
      case 'requirements':
        return requirements(reader, path);
    }
  })();
  return { ...chosen, unused: [] };
}
