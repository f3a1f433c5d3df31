import type { EnvironmentSpec } from '../detect/spec.js';
import { listed } from '../text.js';
import type { Decision, LockSource, ProjectInstall } from './types.js';

/**
 * How a console-script project is installed after its locked dependencies, so that the script
 * exists. Resolved locks take the build backend's `requires` like any dependency, so it is pinned
 * by hash and the install needs no index (`--no-build-isolation --no-index`). A lock converted from
 * the project's own (uv.lock, poetry.lock, pdm.lock) records no build requirements: pip then builds
 * in isolation, downloading the backend unpinned, and the decision says so.
 */
export function chooseProjectInstall(
  spec: EnvironmentSpec,
  lockSource: LockSource,
  requirementLines: string[] | null,
  requirementLine: (requirement: EnvironmentSpec['dependencies']['requirements'][number]) => string,
): { install: ProjectInstall | null; requirementLines: string[] | null; decision: Decision | null } {
  const script = spec.entrypoint?.script;
  if (!script) return { install: null, requirementLines, decision: null };
  const locked = lockSource.kind === 'resolve' && requirementLines !== null;
  const requires = script.buildRequires.map(requirementLine);
  const why = `${spec.entrypoint?.source} names script '${script.name}', which exists once the project is installed; build backend ${script.backend} (${script.buildSource})`;
  return {
    install: { script: script.name, buildIsolation: !locked },
    requirementLines: locked ? [...requirementLines, ...requires] : requirementLines,
    decision: {
      topic: 'entry point',
      choice: locked
        ? `console script ${script.name}: the project installed without dependencies after the lock, its build requirements (${listed(requires)}) locked with them, built offline`
        : `console script ${script.name}: the project installed without dependencies after the lock, built in isolation with an unpinned ${listed(requires)} from the index`,
      why: locked
        ? why
        : `${why}; ${lockSource.kind === 'convert' ? `${lockSource.lockfile} records no build requirements` : 'the requirements file is resolved as it is'}`,
    },
  };
}
