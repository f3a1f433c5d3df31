import { UserError } from '../errors.js';
import { formatSource } from '../source.js';
import { chooseManifest, MANIFEST_FILES } from './choose.js';
import {
  type CudaFinding,
  indexFindings,
  manifestFindings,
  reconcile,
  requirementFindings,
  tableCuda,
} from './cuda.js';
import { detectEntrypoint } from './entrypoint.js';
import { detectAccelerator, detectFrameworks, frameworksFromLock } from './frameworks.js';
import { type LockedPackage, requirementsOfLock } from './manifest.js';
import { detectModels } from './models.js';
import { choosePython, pinFileHints } from './python-version.js';
import type { RepoReader } from './reader.js';
import type { EnvironmentSpec, Requirement, Warning } from './spec.js';
import { exactPin } from './versions.js';

export type { RepoReader } from './reader.js';
export { directoryReader, memoryReader } from './reader.js';
export type { EnvironmentSpec } from './spec.js';

/** Reads a project and says what it needs (docs/detection.md). Pure: everything comes through the reader. */
export function detect(reader: RepoReader): EnvironmentSpec {
  const files = reader.files();
  const projects = findProjects(files);
  const rootFiles = new Set(files.filter((path) => !path.includes('/')));
  if (!projects.includes('.')) {
    throw new UserError(
      projects.length > 0
        ? `no Python project at the top of this folder (no ${MANIFEST_FILES.join(', ')}); projects found: ${projects.join(', ')} — point 'context' at one`
        : `no Python project found: none of ${MANIFEST_FILES.join(', ')} exists`,
      'detect',
      { file: '.' },
    );
  }
  const chosen = chooseManifest(reader, rootFiles);
  if (!chosen) {
    throw new UserError('pyproject.toml lists no dependencies and no other manifest was found', 'detect', {
      file: 'pyproject.toml',
    });
  }
  const { manifest, lock } = chosen;
  const warnings: Warning[] = [...(manifest?.warnings ?? [])];
  for (const file of chosen.unused) warnings.push({ message: `also found ${file}, not used`, source: file });

  const locked = new Map<string, LockedPackage>();
  for (const pkg of lock?.packages ?? []) if (!locked.has(pkg.name)) locked.set(pkg.name, pkg);
  const requirements: Requirement[] = manifest?.requirements ?? [];
  if (chosen.lockfile === 'requirements.txt') {
    for (const requirement of requirements) {
      const version = exactPin(requirement.specifier);
      if (version) {
        locked.set(requirement.name, {
          name: requirement.name,
          version,
          hashes: requirement.hashes,
          marker: requirement.marker,
          source: requirement.source,
        });
      }
    }
  }
  const frameworks =
    manifest && requirements.length > 0
      ? detectFrameworks(requirements, locked)
      : frameworksFromLock(lock?.packages ?? []);

  const python = choosePython([
    ...pinFileHints(reader),
    ...(manifest?.python.filter((hint) => hint.kind === 'exact') ?? []),
    ...(lock?.python ?? []),
    ...(manifest?.python.filter((hint) => hint.kind === 'range') ?? []),
  ]);

  const cudaSubjects = requirements.length > 0 ? requirements : requirementsOfLock(lock?.packages ?? []);
  const findings: CudaFinding[] = [
    ...manifestFindings(manifest?.cuda ?? [], manifest?.gpu ?? null),
    ...indexFindings([...(manifest?.indexes ?? []), ...(lock?.indexes ?? [])]),
    ...requirementFindings(cudaSubjects, locked),
  ];
  const explicit = reconcile(findings);
  const accelerator = detectAccelerator(frameworks, explicit !== null);
  let cuda: EnvironmentSpec['cuda'] = explicit?.version
    ? { version: explicit.version, source: formatSource(explicit.source) }
    : null;
  if (!cuda && accelerator !== 'cpu') cuda = defaultCuda(frameworks, requirements);

  const models = detectModels(reader);
  for (const model of models.filter((artifact) => artifact.lfsPointer)) {
    warnings.push({
      message: `${model.path} is a Git LFS pointer: the model was not fetched`,
      source: model.path,
    });
  }
  const declared = manifest?.entrypoint
    ? { ...manifest.entrypoint, from: chosen.format === 'cog' ? ('cog' as const) : ('scripts' as const) }
    : null;
  return {
    python,
    dependencies: {
      format: chosen.format,
      files: chosen.files,
      lockfile: chosen.lockfile,
      requirements,
      indexUrl: firstIndex(manifest?.indexes ?? []),
      extraIndexUrls: (manifest?.indexes ?? [])
        .slice(1)
        .map((index) => ({ url: index.url, source: formatSource(index.source) })),
    },
    frameworks,
    accelerator,
    cuda,
    models,
    entrypoint: detectEntrypoint(reader, declared),
    systemPackages: (manifest?.systemPackages ?? []).map((item) => ({
      name: item.name,
      source: formatSource(item.source),
    })),
    projects,
    warnings,
  };
}

/** Folders holding a manifest, `.` for the top; sorted so the output is stable. */
export function findProjects(files: readonly string[]): string[] {
  const manifests = new Set(MANIFEST_FILES);
  const folders = new Set<string>();
  for (const path of files) {
    const slash = path.lastIndexOf('/');
    if (manifests.has(path.slice(slash + 1))) folders.add(slash < 0 ? '.' : path.slice(0, slash));
  }
  return [...folders].sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : a < b ? -1 : a > b ? 1 : 0));
}

/** For gpu-optional projects: the CUDA build the first framework with a table row installs by default. */
function defaultCuda(
  frameworks: EnvironmentSpec['frameworks'],
  requirements: readonly Requirement[],
): EnvironmentSpec['cuda'] {
  for (const framework of frameworks) {
    const specifier =
      requirements.find((requirement) => requirement.name === framework.name)?.specifier ?? '';
    const row = tableCuda(framework.name, framework.locked, specifier);
    if (row) {
      return {
        version: row.cuda,
        source: `src/data/compat.json: ${framework.name} ${row.minor} defaults to CUDA ${row.cuda} (${row.source})`,
      };
    }
  }
  return null;
}

function firstIndex(indexes: readonly { url: string; source: { file: string; line?: number } }[]) {
  const [first] = indexes;
  return first ? { url: first.url, source: formatSource(first.source) } : null;
}
