import type { SourceRef } from './source.js';

/** Where the pipeline talks: folded groups in the Actions log, plain stderr lines in the CLI. */
export interface Logger {
  group<T>(title: string, body: () => Promise<T>): Promise<T>;
  info(message: string): void;
  warning(message: string, source?: SourceRef): void;
  /** Raw tool output (build logs), shown inside the current group. */
  output(chunk: string): void;
}
