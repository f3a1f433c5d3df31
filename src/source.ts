import { oneLine } from './text.js';

/** Where a fact was read: every decision and error carries one, so summaries and annotations can cite it. */
export interface SourceRef {
  file: string;
  line?: number;
  column?: number;
}

/** `file:line:col`, always one line: the file name is the repository's, and may hold a line break. */
export function formatSource(source: SourceRef): string {
  let text = oneLine(source.file);
  if (source.line !== undefined) text += `:${source.line}`;
  if (source.line !== undefined && source.column !== undefined) text += `:${source.column}`;
  return text;
}
