import { createHash } from 'node:crypto';
import { normalizeName } from '../detect/pep508.js';
import { UserError } from '../errors.js';

/** The part of pip's installation report (https://pip.pypa.io/en/stable/reference/installation-report/) we read. */
export interface PipReport {
  install: {
    metadata: { name: string; version: string };
    download_info: { url: string; archive_info?: { hashes?: Record<string, string>; hash?: string } };
    is_direct: boolean;
  }[];
  environment: Record<string, string>;
}

export interface LockedPackage {
  name: string;
  version: string;
  /** sha256 hex digests of the artifacts pip may install (a lock converted from uv.lock lists one per wheel). */
  sha256: string[];
  /** Set for a direct reference (`name @ url`), installed from that URL. */
  url: string | null;
  /** A multi-platform lock's environment marker, for a pin that holds on some platforms only. */
  marker?: string;
}

export interface Lock {
  packages: LockedPackage[];
  /** The `requirements.lock` text, installed with `pip install --require-hashes --no-deps`. */
  text: string;
  sha256: string;
  environment: Record<string, string>;
}

export function lockFromReport(report: PipReport, header: string[]): Lock {
  const packages = report.install.map((item): LockedPackage => {
    const sha256 = item.download_info.archive_info?.hashes?.sha256 ?? hashFromLegacyField(item);
    if (!sha256) {
      throw new UserError(
        `the index gave no sha256 for ${item.metadata.name} ${item.metadata.version} (${item.download_info.url}); it cannot be pinned by hash`,
        'lock',
      );
    }
    return {
      name: normalizeName(item.metadata.name),
      version: item.metadata.version,
      sha256: [sha256],
      url: item.is_direct ? item.download_info.url : null,
    };
  });
  return lockFromPackages(packages, header, report.environment);
}

/**
 * The one install form every lock becomes: `requirements.lock`, a line per package with each of
 * its hashes, sorted by name so the same packages always give the same bytes.
 */
export function lockFromPackages(
  unsorted: readonly LockedPackage[],
  header: readonly string[],
  environment: Record<string, string>,
): Lock {
  const order = (pkg: LockedPackage) => `${pkg.name}\u0000${pkg.marker ?? ''}`;
  const packages = [...unsorted].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  const lines = packages.map((pkg) => {
    const hashes = [...new Set(pkg.sha256)]
      .sort()
      .map((hash) => ` --hash=sha256:${hash}`)
      .join('');
    const marker = pkg.marker ? ` ; ${pkg.marker}` : '';
    return pkg.url
      ? `${pkg.name} @ ${pkg.url}${marker}${hashes}`
      : `${pkg.name}==${pkg.version}${marker}${hashes}`;
  });
  const text = `${[...header.map((line) => `# ${line}`), ...lines].join('\n')}\n`;
  return {
    packages,
    text,
    sha256: createHash('sha256').update(text).digest('hex'),
    environment,
  };
}

function hashFromLegacyField(item: PipReport['install'][number]): string | undefined {
  const legacy = item.download_info.archive_info?.hash;
  return legacy?.startsWith('sha256=') ? legacy.slice('sha256='.length) : undefined;
}

/**
 * One lock for several platforms, each resolved on itself: a package pinned alike everywhere is one
 * line with every platform's hashes; one that differs (or is missing somewhere) gets a line per pin,
 * marked with the platforms it holds on, as pip reads `platform_machine` where the image runs.
 */
export function mergePlatformLocks(
  perPlatform: readonly { machine: string; lock: Lock }[],
  header: readonly string[],
): Lock {
  const [first] = perPlatform;
  if (!first) throw new Error('no platform locks to merge');
  if (perPlatform.length === 1) return lockFromPackages(first.lock.packages, header, first.lock.environment);
  const pins = new Map<string, { pkg: LockedPackage; machines: string[] }>();
  for (const { machine, lock } of perPlatform) {
    for (const pkg of lock.packages) {
      const key = `${pkg.name}\u0000${pkg.version}\u0000${pkg.url ?? ''}`;
      const pin = pins.get(key) ?? { pkg: { ...pkg, sha256: [] }, machines: [] };
      pin.pkg.sha256.push(...pkg.sha256);
      pin.machines.push(machine);
      pins.set(key, pin);
    }
  }
  const merged = [...pins.values()].map(({ pkg, machines }) => {
    if (machines.length === perPlatform.length) return pkg;
    const marker = machines.map((machine) => `platform_machine == "${machine}"`).join(' or ');
    return { ...pkg, marker };
  });
  return lockFromPackages(merged, header, first.lock.environment);
}
