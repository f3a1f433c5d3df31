/** Where a fact was read: every decision and error carries one, so summaries and annotations can cite it. */
export interface SourceRef {
  file: string;
  line?: number;
  column?: number;
}

export function formatSource(source: SourceRef): string {
  let text = source.file;
  if (source.line !== undefined) text += `:${source.line}`;
  if (source.line !== undefined && source.column !== undefined) text += `:${source.column}`;
  return text;
}
