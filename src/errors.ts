import { formatSource, type SourceRef } from './source.js';

export type Phase =
  | 'inputs'
  | 'detect'
  | 'plan'
  | 'lock'
  | 'render'
  | 'build'
  | 'smoke'
  | 'publish'
  | 'report';

/**
 * A failure the user can act on. It names the phase and, when a file caused it, the file and line,
 * so the action can annotate that line and the CLI can print `file:line:col: message`.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly phase: Phase,
    readonly source?: SourceRef,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }

  /** One line in the compiler convention, which editors and the Actions log both recognise. */
  get located(): string {
    return this.source ? `${formatSource(this.source)}: ${this.message}` : this.message;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
