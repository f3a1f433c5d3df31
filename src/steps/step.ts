import { type Phase, UserError } from '../errors.js';
import type { Logger } from '../log.js';

/** One step of the run: a log group of its own, in the phase an unexpected error is blamed on. */
export type Step = <T>(phase: Phase, title: string, body: () => Promise<T>) => Promise<T>;

/** Steps that remember the phase they are in, so an error that names none is reported in it. */
export function phasedSteps(logger: Logger): { step: Step; failure: (error: unknown) => UserError } {
  let phase: Phase = 'detect';
  return {
    step: async (name, title, body) => {
      phase = name;
      return logger.group(title, body);
    },
    failure: (error) =>
      error instanceof UserError
        ? error
        : new UserError(error instanceof Error ? error.message : String(error), phase),
  };
}
