import { type ProcessOptions, type ProcessResult, runProcess } from './process.js';

/**
 * The only door to the Docker CLI. Every phase builds its argument array purely (and tests it
 * exactly); this adapter only runs it. Tests of the pipeline substitute a recording fake.
 */
export interface DockerCli {
  exec(args: readonly string[], options?: ProcessOptions): Promise<ProcessResult>;
}

export function dockerCli(binary = process.env.ML_CONTAINER_DOCKER ?? 'docker'): DockerCli {
  return { exec: (args, options) => runProcess(binary, args, options) };
}

/** `--builder NAME` for a buildx command, or nothing for BUILDX_BUILDER or the current builder. */
export function builderArgs(name: string | null | undefined): string[] {
  return name ? ['--builder', name] : [];
}

/** The last lines of a failed command's output, for an error message a person can act on. */
export function outputTail(result: ProcessResult, lines = 25): string {
  const text = `${result.stdout}\n${result.stderr}`.trim().split('\n');
  return text.slice(-lines).join('\n');
}
