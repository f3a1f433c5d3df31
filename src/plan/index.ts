import { pythonBaseImages, supportedPythons } from '../data/compat.js';
import type { EnvironmentSpec, Requirement } from '../detect/spec.js';
import { UserError } from '../errors.js';
import type { Inputs } from '../inputs.js';
import type { BaseImage, BuildPlan, Decision } from './types.js';

export type { BuildPlan, Decision } from './types.js';
export { pinnedBase } from './types.js';

export interface PlanContext {
  /** Whether the project ships its own .dockerignore. */
  hasDockerignore: boolean;
}

/** Turns what detect found and what the user asked for into one plan per variant. Pure. */
export function plan(spec: EnvironmentSpec, inputs: Inputs, context: PlanContext): BuildPlan[] {
  const decisions: Decision[] = [];
  const variant = chooseVariant(spec, inputs, decisions);
  const python = inputs.pythonVersion ?? spec.python.version;
  decisions.push({
    topic: 'python',
    choice: python,
    why: inputs.pythonVersion ? "input 'python-version'" : spec.python.source,
  });
  if (!supportedPythons.includes(python) && !inputs.baseImage) {
    throw new UserError(
      `Python ${python} has no base image in src/data/compat.json (supported: ${supportedPythons.join(', ')}); set 'base-image'`,
      'plan',
    );
  }
  const base = chooseBase(python, inputs, decisions);
  const indexUrl = inputs.indexUrl ?? spec.dependencies.indexUrl?.url ?? null;
  decisions.push({
    topic: 'index',
    choice: indexUrl ?? 'https://pypi.org/simple (pip default)',
    why: inputs.indexUrl
      ? "input 'index-url'"
      : (spec.dependencies.indexUrl?.source ?? 'no index configured: pip uses PyPI'),
  });
  const requirementsFile = spec.dependencies.files[0];
  if (!requirementsFile) throw new UserError('no dependency file to lock', 'plan');
  const { lockfile, format } = spec.dependencies;
  if (lockfile && lockfile !== requirementsFile) {
    throw new UserError(
      `installing from ${lockfile} as it is arrives with issue #4; until then remove it or build from requirements.txt`,
      'plan',
      { file: lockfile },
    );
  }
  const requirementLines =
    format === 'requirements' ? null : spec.dependencies.requirements.map(requirementLine);
  decisions.push({
    topic: 'lock',
    choice: 'resolve with pip inside the pinned base, pin every wheel by sha256',
    why: `${requirementsFile} (${format}) pins no hash for every package; resolving in the base gives its Python and platform`,
  });
  return [
    {
      variant,
      python,
      base,
      indexUrl,
      network: inputs.network,
      requirementsFile,
      requirementLines,
      frameworks: spec.frameworks,
      models: spec.models.filter((model) => !model.lfsPointer),
      entrypoint: spec.entrypoint?.path ?? null,
      generateDockerignore: !context.hasDockerignore,
      layout: { venv: '/opt/venv', workdir: '/app', uid: 10001, user: 'app' },
      decisions,
    },
  ];
}

function chooseVariant(spec: EnvironmentSpec, inputs: Inputs, decisions: Decision[]): 'cpu' {
  if (inputs.variant === 'gpu' || spec.accelerator === 'gpu-required') {
    throw new UserError(
      'GPU variants are not implemented yet (planned in issue #4); use variant: cpu',
      'plan',
    );
  }
  decisions.push({
    topic: 'variant',
    choice: 'cpu',
    why:
      inputs.variant === 'cpu'
        ? "input 'variant'"
        : `detected accelerator '${spec.accelerator}'${spec.accelerator === 'gpu-optional' ? ' (GPU variants arrive with issue #4)' : ''}`,
  });
  return 'cpu';
}

function chooseBase(python: string, inputs: Inputs, decisions: Decision[]): BaseImage {
  if (inputs.baseImage) {
    const [image, digest] = inputs.baseImage.split('@');
    decisions.push({ topic: 'base image', choice: inputs.baseImage, why: "input 'base-image'" });
    return { image: image ?? inputs.baseImage, digest: digest ?? null };
  }
  const row = pythonBaseImages.find((candidate) => candidate.python === python);
  if (!row) throw new UserError(`no base image for Python ${python} in src/data/compat.json`, 'plan');
  decisions.push({
    topic: 'base image',
    choice: row.image,
    why: `slim Debian image for Python ${python} (src/data/compat.json, source ${row.source})`,
  });
  return { image: row.image, digest: null };
}

/** A requirement back as the PEP 508 line pip reads. */
export function requirementLine(requirement: Requirement): string {
  const extras = requirement.extras.length > 0 ? `[${requirement.extras.join(',')}]` : '';
  const target = requirement.url ? ` @ ${requirement.url}` : requirement.specifier;
  const marker = requirement.marker ? ` ; ${requirement.marker}` : '';
  return `${requirement.name}${extras}${target}${marker}`;
}
