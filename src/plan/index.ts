import { pythonBaseImages, pythonInstaller, supportedPythons } from '../data/compat.js';
import type { EnvironmentSpec } from '../detect/spec.js';
import { UserError } from '../errors.js';
import type { Inputs } from '../inputs.js';
import type { Requirement } from '../python/types.js';
import { listed } from '../text.js';
import { credentialsOf, stripCredentials } from './credentials.js';
import { chooseStrategy, cudaIndexFor, systemCudaBase } from './gpu.js';
import { chooseHeavyLayers, type HeavyFile } from './layers.js';
import { checkLfsPointers, unfetchedModels } from './lfs.js';
import { ownDockerfileVariant } from './own-dockerfile.js';
import { chooseProjectInstall } from './project-install.js';
import { checkInputs } from './safe-values.js';
import { chooseServer } from './server.js';
import { chooseSystemPackages } from './system-packages.js';
import type { BaseImage, BuildPlan, Decision, DockerfileSource, LockSource, Strategy } from './types.js';

export type { BuildPlan, Decision } from './types.js';
export { pinnedBase } from './types.js';

export interface PlanContext {
  /** Whether the project ships its own .dockerignore. */
  hasDockerignore: boolean;
  /** The project's own Dockerfile (input 'file'); absent or generated renders one. */
  dockerfile?: DockerfileSource;
  /** The build context's files of HEAVY_FILE_BYTES or more, as its .dockerignore leaves it. */
  heavyFiles?: readonly HeavyFile[];
}

const TORCH_FAMILY = ['torch', 'torchvision', 'torchaudio'];

/** Turns what detect found and what the user asked for into one plan per variant. Pure. */
export function plan(spec: EnvironmentSpec, inputs: Inputs, context: PlanContext): BuildPlan[] {
  checkInputs(inputs);
  const dockerfile: DockerfileSource = context.dockerfile ?? { kind: 'generated' };
  const own = dockerfile.kind === 'project';
  const shared: Decision[] = [];
  const python = inputs.pythonVersion ?? spec.python.version;
  shared.push({
    topic: 'python',
    choice: python,
    why: inputs.pythonVersion ? "input 'python-version'" : spec.python.source,
  });
  if (!own && !supportedPythons.includes(python) && !inputs.baseImage) {
    throw new UserError(
      `Python ${python} has no base image in src/data/compat.json (supported: ${supportedPythons.join(', ')}); set 'base-image'`,
      'plan',
    );
  }
  const rawIndexUrl = inputs.indexUrl ?? spec.dependencies.indexUrl?.url ?? null;
  const rawExtraIndexUrls = [
    ...spec.dependencies.extraIndexUrls.map((index) => index.url),
    ...inputs.extraIndexUrls,
  ];
  // PyTorch's root counts too: a private mirror of it carries credentials to /cpu and /cuXXX alike.
  const privateIndexes = credentialsOf([rawIndexUrl, ...rawExtraIndexUrls, inputs.pytorchIndexUrl]).size > 0;
  const pytorchIndexUrl = stripCredentials(inputs.pytorchIndexUrl).replace(/\/+$/, '');
  const indexUrl = rawIndexUrl ? stripCredentials(rawIndexUrl) : null;
  const extraIndexUrls = rawExtraIndexUrls.map(stripCredentials);
  shared.push({
    topic: 'index',
    choice: `${indexUrl ?? 'https://pypi.org/simple (pip default)'}${privateIndexes ? ' (credentials given to pip only as a build secret)' : ''}`,
    why: inputs.indexUrl
      ? "input 'index-url'"
      : (spec.dependencies.indexUrl?.source ?? 'no index configured: pip uses PyPI'),
  });
  const requirementsFile = spec.dependencies.files[0];
  if (!requirementsFile) throw new UserError('no dependency file to lock', 'plan');
  const { lockfile, format } = spec.dependencies;
  const lockSource: LockSource = lockfile ? { kind: 'convert', lockfile } : { kind: 'resolve' };
  // Only a file named by the user is cited, so the generated files of other projects stay as they were.
  const named = inputs.dependencyFile ? ", input 'dependency-file'" : '';
  shared.push(
    lockfile
      ? {
          topic: 'lock',
          choice: `${lockfile}, used as it is`,
          why: `the project's lock (${format}${named && `, beside ${requirementsFile}${named}`}); converted to requirements.lock with every hash`,
        }
      : {
          topic: 'lock',
          choice: 'resolve with pip inside the pinned base, pin every wheel by sha256',
          why: `${requirementsFile} (${format}${named}) has no lock; resolving in the base gives its Python and platform`,
        },
  );
  const project = chooseProjectInstall(
    spec,
    lockSource,
    format === 'requirements' ? null : spec.dependencies.requirements.map(requirementLine),
    requirementLine,
  );
  const { requirementLines } = project;
  // The project's own Dockerfile installs the project (or not) itself.
  if (project.decision && !own) shared.push(project.decision);
  if (inputs.platforms.length > 0) {
    shared.push({
      topic: 'platforms',
      choice: inputs.platforms.join(', '),
      why: "input 'platforms': each locked and smoke-tested on itself",
    });
  }
  // Refused unless 'allow-lfs-pointers' (the run checks this before planning); allowed, those models are not smoke-tested.
  const unfetchedFiles = checkLfsPointers(spec, inputs.allowLfsPointers);
  const unfetched = unfetchedModels(spec.models);
  if (unfetched.length > 0) {
    shared.push({
      topic: 'models',
      choice: `${listed(unfetched.map((model) => model.path))} left out of the smoke test; the image ships without their weights`,
      why: `input 'allow-lfs-pointers': their weights were never fetched (${listed(unfetchedFiles, 20)})`,
    });
  }
  const systemPackages = own ? [] : chooseSystemPackages(spec, inputs.systemPackages);
  if (systemPackages.length > 0) {
    shared.push({
      topic: 'system packages',
      choice: systemPackages.map((item) => item.name).join(' '),
      why: systemPackages.map((item) => `${item.name}: ${item.why}`).join('; '),
    });
  }

  const server = chooseServer(spec, inputs, own, shared);
  const layers = own ? null : chooseHeavyLayers(context.heavyFiles ?? []);
  if (layers && (context.heavyFiles ?? []).length > 0) shared.push(layers.decision);

  const variants = chooseVariants(spec, inputs);
  return (own ? [ownDockerfileVariant(variants, dockerfile, shared)] : variants).map(({ variant, why }) => {
    const decisions: Decision[] = [{ topic: 'variant', choice: variant, why }, ...shared];
    const strategy: Strategy = variant === 'cpu' ? 'cpu' : chooseStrategy(spec, decisions);
    const cuda = variant === 'gpu' ? spec.cuda : null;
    if (cuda) decisions.push({ topic: 'cuda', choice: cuda.version, why: cuda.source });
    const base = own ? null : chooseBase(python, strategy, cuda?.version ?? null, inputs, decisions);
    const variantIndexes = [...extraIndexUrls];
    const torch = spec.dependencies.requirements.filter((requirement) =>
      TORCH_FAMILY.includes(requirement.name),
    );
    let cpuTorch: BuildPlan['cpuTorch'] = null;
    if (variant === 'cpu' && torch.length > 0 && lockSource.kind === 'resolve') {
      cpuTorch = {
        indexUrl: `${pytorchIndexUrl}/cpu`,
        packages: torch.map((requirement) => ({ name: requirement.name, specifier: requirement.specifier })),
      };
      decisions.push({
        topic: 'torch',
        choice: `${torch.map((requirement) => requirement.name).join(', ')} from ${cpuTorch.indexUrl} (+cpu builds)`,
        why: 'the CPU variant needs no CUDA: PyTorch CPU wheels are a fraction of the size of the CUDA ones and their nvidia-* wheels',
      });
    }
    if (variant === 'gpu' && torch.length > 0 && lockSource.kind === 'resolve') {
      const index = cudaIndexFor(spec, pytorchIndexUrl, [indexUrl ?? '', ...variantIndexes]);
      if (index) {
        variantIndexes.push(index.url);
        decisions.push({
          topic: 'torch',
          choice: `CUDA ${cuda?.version} build from ${index.url}`,
          why: index.why,
        });
      }
    }
    return {
      variant,
      strategy,
      cuda,
      python,
      dockerfile,
      base,
      pythonInstaller:
        strategy === 'system-cuda' && !inputs.baseImage && !own
          ? { image: pythonInstaller.image, digest: null }
          : null,
      indexUrl,
      extraIndexUrls: variantIndexes,
      privateIndexes,
      cpuTorch,
      lockSource,
      network: inputs.network,
      platforms: inputs.platforms,
      requirementsFile,
      requirementLines,
      frameworks: spec.frameworks,
      models: spec.models.filter((model) => !unfetched.includes(model)),
      entrypoint: spec.entrypoint && !spec.entrypoint.script ? spec.entrypoint.path : null,
      server,
      installProject: own ? null : project.install,
      systemPackages,
      generateDockerignore: !context.hasDockerignore,
      heavyFiles: layers?.own ?? [],
      layout: { venv: '/opt/venv', workdir: '/app', uid: 10001, user: 'app' },
      decisions,
    };
  });
}

/**
 * `auto` builds what the project can run on: CPU only without a GPU framework, CPU and GPU when a
 * framework runs on both, GPU only when something forces CUDA. An explicit variant the project
 * cannot have is an error, naming what decided it.
 */
export function chooseVariants(
  spec: EnvironmentSpec,
  inputs: Inputs,
): { variant: 'cpu' | 'gpu'; why: string }[] {
  const cpuBuilds = spec.cpuBuilds ?? [];
  // A project that asks for CPU builds says why it is 'cpu': that reason, not only the verdict.
  const detected = `detected accelerator '${spec.accelerator}'${
    spec.accelerator === 'cpu' && cpuBuilds.length > 0
      ? ` (${cpuBuilds.map((build) => build.why).join('; ')})`
      : ''
  }`;
  if (inputs.variant === 'cpu') {
    if (spec.accelerator === 'gpu-required') {
      throw new UserError(
        `variant 'cpu' was asked for, but this project requires CUDA ${spec.cuda?.version ?? ''} (${spec.cuda?.source ?? 'a CUDA-only package'})`.replace(
          '  ',
          ' ',
        ),
        'plan',
      );
    }
    return [{ variant: 'cpu', why: "input 'variant'" }];
  }
  if (inputs.variant === 'gpu') {
    if (spec.accelerator === 'cpu') {
      throw new UserError(
        cpuBuilds.length > 0
          ? `variant 'gpu' was asked for, but this project installs CPU-only builds: ${cpuBuilds.map((build) => build.why).join('; ')}`
          : "variant 'gpu' was asked for, but no framework in this project can use a GPU",
        'plan',
      );
    }
    return [{ variant: 'gpu', why: "input 'variant'" }];
  }
  if (spec.accelerator === 'cpu') return [{ variant: 'cpu', why: detected }];
  if (spec.accelerator === 'gpu-required') return [{ variant: 'gpu', why: detected }];
  return [
    { variant: 'cpu', why: `${detected}: the frameworks run on both` },
    { variant: 'gpu', why: `${detected}: the frameworks run on both` },
  ];
}

function chooseBase(
  python: string,
  strategy: Strategy,
  cuda: string | null,
  inputs: Inputs,
  decisions: Decision[],
): BaseImage {
  if (inputs.baseImage) {
    const [image, digest] = inputs.baseImage.split('@');
    decisions.push({ topic: 'base image', choice: inputs.baseImage, why: "input 'base-image'" });
    return { image: image ?? inputs.baseImage, digest: digest ?? null };
  }
  if (strategy === 'system-cuda') {
    const row = systemCudaBase(cuda);
    decisions.push({
      topic: 'base image',
      choice: row.image,
      why: `CUDA ${row.cuda} with cuDNN from the system (src/data/compat.json, source ${row.source}); Python installed with ${pythonInstaller.image} (${pythonInstaller.why})`,
    });
    return { image: row.image, digest: null };
  }
  const row = pythonBaseImages.find((candidate) => candidate.python === python);
  if (!row) throw new UserError(`no base image for Python ${python} in src/data/compat.json`, 'plan');
  decisions.push({
    topic: 'base image',
    choice: row.image,
    why:
      strategy === 'pip-cuda'
        ? `slim Python ${python}: CUDA comes from the frameworks' nvidia-* wheels (src/data/compat.json, source ${row.source})`
        : `slim Debian image for Python ${python} (src/data/compat.json, source ${row.source})`,
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
