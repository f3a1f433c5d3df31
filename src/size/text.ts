import { excerpt, oneLine } from '../text.js';
import type { FindingKind, SizeFinding } from './findings.js';
import type { SizeReport } from './index.js';
import { formatBytes } from './units.js';

/**
 * What each kind of finding means, in words; a table, so the log and the summary say the same.
 * `path` writes a path (as inline code in the summary); the rest is this table's own text.
 */
const FINDING_TEXT: Record<FindingKind, (finding: SizeFinding, path: (text: string) => string) => string> = {
  duplicate: (finding, path) =>
    `${finding.count} copies of one ${formatBytes(finding.bytes / Math.max((finding.count ?? 2) - 1, 1))} file: ${finding.paths.map(path).join(', ')}`,
  cuda: (finding, path) =>
    `${finding.count} CUDA ${finding.count === 1 ? 'library' : 'libraries'} in a CPU image, in ${path(finding.paths[0] ?? '')}: a CUDA build of a package where its CPU build would do?`,
  'test-data': (finding, path) =>
    `tests shipped in ${path(finding.paths[0] ?? '')}, in ${finding.count} test ${finding.count === 1 ? 'folder' : 'folders'}`,
  pycache: (finding, path) =>
    `bytecode in ${finding.count} ${path('__pycache__')} folders (pip compiles it at install; each start would compile it again without)`,
};

export function describeFinding(
  finding: SizeFinding,
  path: (text: string) => string = (text) => text,
): string {
  return FINDING_TEXT[finding.kind](finding, path);
}

/** The size report as plain lines, for the log and for the error when the image is over its limit. */
export function sizeReportText(report: SizeReport): string {
  const lines = [
    `image size ${report.bytes === null ? 'unknown' : `${formatBytes(report.bytes)} uncompressed`}${report.limit === null ? '' : `, limit ${formatBytes(report.limit)} (input 'max-image-size')`}`,
  ];
  const column = (bytes: number) => formatBytes(bytes).padStart(10);
  if (report.layers) {
    const folded = report.layers.emptyLayers;
    lines.push(`layers, oldest first${folded > 0 ? ` (${folded} that wrote no files left out)` : ''}:`);
    for (const layer of report.layers.layers)
      lines.push(`${column(layer.bytes)}  ${excerpt(layer.createdBy || '(no instruction recorded)', 120)}`);
  }
  if (report.contents) {
    const { packages, packageCount, findings } = report.contents;
    lines.push(
      packages.length > 0
        ? `largest of ${packageCount} installed packages:`
        : 'installed packages: none listed',
    );
    for (const pkg of packages)
      lines.push(`${column(pkg.bytes ?? 0)}  ${oneLine(`${pkg.name} ${pkg.version}`)}`);
    lines.push(findings.length > 0 ? 'findings:' : 'findings: none');
    for (const finding of findings)
      lines.push(`${column(finding.bytes)}  ${oneLine(describeFinding(finding))}`);
  }
  return lines.join('\n');
}
