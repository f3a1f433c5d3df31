import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';
import { asRecord } from '../project/parse.js';
import { isLockText, PACKAGE_NAME, SHA256 } from '../python/lockfiles/common.js';
import { normalizeName } from '../python/pep508.js';
import { excerpt, hasControlCharacters, quoted } from '../text.js';

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

/**
 * The report line resolve.py printed, read as a report. The resolver runs the project's sdist build
 * scripts, so the line is checked as untrusted: JSON of the shape read here, or a UserError.
 */
export function parseReport(json: string): PipReport {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new UserError(`the resolver's report is not JSON: ${quoted(json)}`, 'lock');
  }
  const item = (entry: unknown) => {
    const metadata = asRecord(asRecord(entry)?.metadata);
    return (
      typeof metadata?.name === 'string' &&
      typeof metadata.version === 'string' &&
      typeof asRecord(asRecord(entry)?.download_info)?.url === 'string'
    );
  };
  const report = asRecord(value);
  const environment = asRecord(report?.environment);
  const shaped =
    Array.isArray(report?.install) &&
    report.install.every(item) &&
    environment !== undefined &&
    Object.values(environment).every((field) => typeof field === 'string' && !hasControlCharacters(field));
  if (!shaped) {
    throw new UserError(
      `the resolver's report is not pip's installation report (install[].metadata, download_info; environment of strings): ${quoted(json)}`,
      'lock',
    );
  }
  return value as unknown as PipReport;
}

/**
 * requirements.lock from pip's report. Each package's name, version, URL and sha256 are checked
 * before they are written: an sdist's build script runs in the resolver, and pip reads a space or a
 * line break (`\x1c`, `\x85` included) in the lock as another option or line.
 */
export function lockFromReport(report: PipReport, header: string[]): Lock {
  const packages = report.install.map((item): LockedPackage => {
    const { name, version } = item.metadata;
    const { url } = item.download_info;
    if (!PACKAGE_NAME.test(name)) {
      throw new UserError(
        `the resolver reported a package named ${quoted(name)}, which is no package name`,
        'lock',
      );
    }
    if (!isLockText(version)) {
      throw new UserError(
        `the resolver reported ${name} with version ${quoted(version)}, which has whitespace or a control character`,
        'lock',
      );
    }
    if (!isLockText(url) || !/^(?:https?|file):\/\//i.test(url)) {
      throw new UserError(
        `the resolver reported ${name} ${excerpt(version)} from ${quoted(url)}, which is not an http(s) or file URL without whitespace or control characters`,
        'lock',
      );
    }
    const sha256 = item.download_info.archive_info?.hashes?.sha256 ?? hashFromLegacyField(item);
    if (!sha256) {
      throw new UserError(
        `the index gave no sha256 for ${name} ${excerpt(version)} (${excerpt(url, 200)}); it cannot be pinned by hash`,
        'lock',
      );
    }
    if (typeof sha256 !== 'string' || !SHA256.test(sha256)) {
      throw new UserError(
        `the resolver reported ${name} ${excerpt(version)} with a sha256 that is not 64 hex digits: ${quoted(String(sha256))}`,
        'lock',
      );
    }
    return {
      name: normalizeName(name),
      version,
      sha256: [sha256.toLowerCase()],
      url: item.is_direct ? url : null,
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
  const written = [...header.map((line) => `# ${line}`), ...lines];
  // Every value was checked where it was read; a control character here (pip reads \x1c or \x85 as
  // a line break) would let text through as a line of its own, so it is a bug, not a project's error.
  written.forEach((line, index) => {
    if (hasControlCharacters(line)) {
      throw new Error(`requirements.lock line ${index + 1} has a control character: ${quoted(line)}`);
    }
  });
  const text = `${written.join('\n')}\n`;
  return {
    packages,
    text,
    sha256: createHash('sha256').update(text).digest('hex'),
    environment,
  };
}

function hashFromLegacyField(item: PipReport['install'][number]): string | undefined {
  const legacy = item.download_info.archive_info?.hash;
  return typeof legacy === 'string' && legacy.startsWith('sha256=')
    ? legacy.slice('sha256='.length)
    : undefined;
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
