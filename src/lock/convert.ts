import { UserError } from '../errors.js';
import type { RepoReader } from '../project/reader.js';
import { isLockText } from '../python/lockfiles/common.js';
import { evaluateMarker, type MarkerEnvironment } from '../python/markers.js';
import { parseRequirementsFile } from '../python/requirements.js';
import type { LockRead, LockedPackage as ReadPackage } from '../python/types.js';
import { formatSource } from '../source.js';
import { type Lock, type LockedPackage, lockFromPackages } from './report.js';
import { reachable } from './walk.js';

const SHA256 = /^sha256:([0-9a-f]{64})$/i;

/**
 * Converts a lock the project already has (uv.lock, poetry.lock, pdm.lock, Pipfile.lock,
 * pylock.toml, as detect read it) into `requirements.lock` for one environment, without
 * resolving anything: the packages whose marker holds in `env` (uv's `resolution-markers`
 * included), each with the sha256 of every artifact the lock lists. Where the lock has a graph
 * (uv.lock, poetry.lock with its pyproject.toml), only those a path of edges from the project
 * reaches in `env` (src/lock/walk.ts): a package only Windows needs is locked without a marker
 * of its own, its edges say so.
 *
 * Each package must come out once: where a lock holds a name twice (uv forks a resolution per
 * Python range or platform), the entry whose marker holds is the one kept, and two that hold are
 * an error naming both lines. A kept package without a sha256 (a git or path source) cannot be
 * installed with `--require-hashes`: an error at its line.
 */
export function lockFromLockRead(read: LockRead, env: MarkerEnvironment, header: string[]): Lock {
  const kept = onceEach(
    read.graph ? reachable(read, read.graph, env) : read.packages.filter((pkg) => holds(pkg, env)),
    env,
  );
  const packages = kept.map((pkg): LockedPackage => {
    const sha256 = sha256Of(pkg);
    if (sha256.length === 0) {
      throw new UserError(
        `${pkg.name} ${pkg.version} has no sha256 in ${read.file}: it cannot be installed with --require-hashes`,
        'lock',
        pkg.source,
      );
    }
    return { name: pkg.name, version: pkg.version, sha256, url: null };
  });
  return lockFromPackages(packages, header, env);
}

/**
 * Converts a requirements file that is already a lock (every requirement `name==version` with
 * `--hash`, `-r` includes followed) into `requirements.lock` for `env`: requirements whose marker
 * does not hold are left out, and the rest must name each package once. Index options and `-c`
 * constraints are not part of the result.
 */
export function lockFromHashedRequirements(
  reader: RepoReader,
  path: string,
  env: MarkerEnvironment,
  header: string[],
): Lock {
  const file = parseRequirementsFile(reader, path);
  const read: ReadPackage[] = file.requirements.map((requirement) => {
    const version = /^==([^=,*]+)$/.exec(requirement.specifier)?.[1];
    // Written after `==` in requirements.lock: one word, or it would be an option or a line of its own.
    const unpinned = requirement.url !== null || version === undefined || !isLockText(version);
    const unhashed = requirement.hashes.length === 0;
    if (unpinned || unhashed) {
      const problem = [unpinned ? 'is not pinned with ==version' : '', unhashed ? 'has no --hash' : '']
        .filter(Boolean)
        .join(' and ');
      throw new UserError(
        `${requirement.name} ${problem}: every line of a hashed requirements file needs ==version and --hash`,
        'lock',
        requirement.source,
      );
    }
    const hashes = requirement.hashes
      .filter((hash) => hash.toLowerCase().startsWith('sha256:'))
      .map((hash) => {
        if (!SHA256.test(hash)) {
          throw new UserError(
            `${requirement.name}: '${hash}' is not a sha256 digest (64 hex digits)`,
            'lock',
            requirement.source,
          );
        }
        return hash.toLowerCase();
      });
    return {
      name: requirement.name,
      version,
      hashes,
      marker: requirement.marker,
      source: requirement.source,
    };
  });
  const packages = applicable(read, env).map((pkg): LockedPackage => {
    const sha256 = sha256Of(pkg);
    if (sha256.length === 0) {
      throw new UserError(
        `${pkg.name}==${pkg.version} has no sha256 --hash in ${pkg.source.file}: it cannot be installed with --require-hashes`,
        'lock',
        pkg.source,
      );
    }
    return { name: pkg.name, version: pkg.version, sha256, url: null };
  });
  return lockFromPackages(packages, header, env);
}

/** The packages whose marker holds in `env`, each name once, in the lock's order. */
function applicable(packages: readonly ReadPackage[], env: MarkerEnvironment): readonly ReadPackage[] {
  return onceEach(
    packages.filter((pkg) => holds(pkg, env)),
    env,
  );
}

/** `kept` itself, once it is checked to hold each name once. */
function onceEach(kept: readonly ReadPackage[], env: MarkerEnvironment): readonly ReadPackage[] {
  const seen = new Map<string, ReadPackage>();
  for (const pkg of kept) {
    const first = seen.get(pkg.name);
    if (first) {
      throw new UserError(
        `${pkg.name} is locked more than once for ${describe(env)}: ${pkg.name} ${first.version} at ` +
          `${formatSource(first.source)} and ${pkg.name} ${pkg.version} at ${formatSource(pkg.source)} both apply`,
        'lock',
        first.source,
      );
    }
    seen.set(pkg.name, pkg);
  }
  return kept;
}

function holds(pkg: ReadPackage, env: MarkerEnvironment): boolean {
  if (pkg.marker === null) return true;
  try {
    return evaluateMarker(pkg.marker, env);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UserError(`${pkg.name} ${pkg.version}: ${message}`, 'lock', pkg.source);
  }
}

function sha256Of(pkg: ReadPackage): string[] {
  return pkg.hashes.flatMap((hash) => {
    const hex = SHA256.exec(hash)?.[1];
    return hex === undefined ? [] : [hex.toLowerCase()];
  });
}

/** `Python 3.11.9 on linux/x86_64`, as far as the environment says. */
function describe(env: MarkerEnvironment): string {
  const python = env.python_full_version ?? env.python_version;
  const platform = [env.sys_platform, env.platform_machine].filter(Boolean).join('/');
  return (
    [python ? `Python ${python}` : '', platform ? `on ${platform}` : ''].filter(Boolean).join(' ') ||
    'this environment'
  );
}
