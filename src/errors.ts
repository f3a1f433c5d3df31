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

/**
 * A repository file or value the action refuses to read or write (a link out of the project, a
 * value that cannot go into a Dockerfile): bad input, like a usage error, whatever phase met it.
 * The CLI exits 2 for it, as for every error of the inputs and detect phases.
 */
export class RefusedInput extends UserError {
  override name = 'RefusedInput';
}

/** Whether the error is the input's fault rather than the run's: the CLI's exit code 2. */
export function isBadInput(error: UserError): boolean {
  return error instanceof RefusedInput || error.phase === 'inputs' || error.phase === 'detect';
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
