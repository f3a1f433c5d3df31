import { createHash } from 'node:crypto';
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
  sha256: string;
  url: string;
  direct: boolean;
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
      name: item.metadata.name.toLowerCase().replace(/[-_.]+/g, '-'),
      version: item.metadata.version,
      sha256,
      url: item.download_info.url,
      direct: item.is_direct,
    };
  });
  packages.sort((a, b) => a.name.localeCompare(b.name));
  const lines = packages.map((pkg) =>
    pkg.direct
      ? `${pkg.name} @ ${pkg.url} --hash=sha256:${pkg.sha256}`
      : `${pkg.name}==${pkg.version} --hash=sha256:${pkg.sha256}`,
  );
  const text = `${[...header.map((line) => `# ${line}`), ...lines].join('\n')}\n`;
  return {
    packages,
    text,
    sha256: createHash('sha256').update(text).digest('hex'),
    environment: report.environment,
  };
}

function hashFromLegacyField(item: PipReport['install'][number]): string | undefined {
  const legacy = item.download_info.archive_info?.hash;
  return legacy?.startsWith('sha256=') ? legacy.slice('sha256='.length) : undefined;
}
