import { UserError } from '../errors.js';
import type { SizeReport } from './index.js';
import { sizeReportText } from './text.js';
import { formatBytes } from './units.js';

/**
 * The error that stops the run when the image, uncompressed, is over input 'max-image-size', with
 * the size report as its detail, so the log and the summary show what takes the room; null within
 * it or with no limit. An image whose layers could not be read fails too: a limit that cannot be
 * checked is not kept.
 */
export function sizeLimitFailure(report: SizeReport, variant: string, named: boolean): UserError | null {
  const { bytes, limit } = report;
  if (limit === null || (bytes !== null && bytes <= limit)) return null;
  const which = named ? ` (${variant})` : '';
  return new UserError(
    bytes === null
      ? `the image's layers${which} could not be read, so input 'max-image-size' (${formatBytes(limit)}) cannot be checked`
      : `the image${which} is ${formatBytes(bytes)} uncompressed (${bytes} bytes), over input 'max-image-size' ${formatBytes(limit)} (${limit} bytes)`,
    'smoke',
    undefined,
    sizeReportText(report),
  );
}
