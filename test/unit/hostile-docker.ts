import type { DockerCli } from '../../src/adapters/docker.js';
import { fakeDocker } from './fake-docker.js';

/** What a pull request's model code and build scripts print, trying to talk to the runner. */
export const INJECTED_MODEL = 'm\n::error title=x::injected.joblib';
export const INJECTED_ERROR =
  'RuntimeError: load failed\n::warning title=injected::from the pickle\n::add-mask::passed\n##[warning]legacy';
export const BUILD_CHUNKS = [
  '#5 [3/4] RUN pip install --require-hashes -r requirements.lock\n#5 1.2 ',
  '::warning title=injected::from setup.py\n#5 1.3 ##[add-mask]passed\n#5 1.4 ::err',
  'or::split across chunks\n#5 1.5 no newline at the end',
];

/**
 * The fake Docker CLI, whose build streams a build script's commands and whose smoke test reports a
 * failed model with a line break in its name and commands in its error; with `buildFails`, buildx
 * fails with them in its output instead.
 */
export function hostileDocker(options: { buildFails?: boolean } = {}): DockerCli & { calls: string[][] } {
  const base = fakeDocker({ smokePassed: false });
  return {
    calls: base.calls,
    async exec(args, execOptions) {
      if (args[0] === 'buildx' && args[1] === 'build') {
        for (const chunk of BUILD_CHUNKS) execOptions?.onOutput?.(chunk);
        if (options.buildFails) {
          base.calls.push([...args]);
          return { exitCode: 1, stdout: BUILD_CHUNKS.join(''), stderr: INJECTED_ERROR, timedOut: false };
        }
        return base.exec(args, execOptions);
      }
      if (args[0] === 'run' && !args.includes('python3')) {
        base.calls.push([...args]);
        const checks = [
          { kind: 'import', name: 'scikit-learn', status: 'passed', seconds: 0.9, version: '1.6.1' },
          { kind: 'model', name: INJECTED_MODEL, status: 'failed', seconds: 0.01, error: INJECTED_ERROR },
        ];
        const nonce = execOptions?.input?.trim();
        return {
          exitCode: 0,
          stdout: `${INJECTED_ERROR}\nML_CONTAINER_SMOKE_RESULT ${nonce} ${JSON.stringify({ passed: false, checks, python: '3.11.2', peak_memory_bytes: 2e8 })}\n`,
          stderr: '',
          timedOut: false,
        };
      }
      return base.exec(args, execOptions);
    },
  };
}
