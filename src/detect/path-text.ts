import { UserError } from '../errors.js';
import type { SourceRef } from '../source.js';
import { hasControlCharacters, quoted } from '../text.js';

/**
 * `path` when it is one line of text; else a UserError at the line that wrote it. Paths a manifest
 * names are cited in the Dockerfile, the lock and logs, where a newline would start a line of its own.
 */
export function checkPathText(path: string, what: string, source: SourceRef): string {
  if (hasControlCharacters(path)) {
    throw new UserError(
      `${what} must be a path without newlines or other control characters: ${quoted(path)}`,
      'detect',
      source,
    );
  }
  return path;
}
