import { UserError } from '../errors.js';
import { LOCK_MANIFESTS, MANIFEST_FILES } from '../project/manifest-names.js';
import { folderOf } from '../project/paths.js';
import type { RepoReader } from '../project/reader.js';
import { checkIndexUrl } from '../python/index-url.js';
import type { IndexRef, LockedPackage, Requirement } from '../python/types.js';
import { exactPin } from '../python/versions.js';
import { formatSource } from '../source.js';
import { listed } from '../text.js';
import { type Chosen, chooseManifest } from './choose.js';
import {
  type CudaFinding,
  indexFindings,
  manifestFindings,
  reconcile,
  requirementFindings,
  tableCuda,
} from './cuda.js';
import { chooseNamedFile } from './dependency-file.js';
import { CONVENTIONAL_ENTRYPOINTS, detectEntrypoint } from './entrypoint.js';
import { detectAccelerator, detectFrameworks, frameworksFromLock, renamedWarnings } from './frameworks.js';
import { cpuBuilds, describeCpuBuild, hintingIndexes } from './intent.js';
import { requirementsOfLock } from './manifest.js';
import { detectModels } from './models.js';
import { choosePython, pinFileHints } from './python-version.js';
import { detectServer } from './server.js';
import type { EnvironmentSpec, Warning } from './spec.js';

export type { EnvironmentSpec } from './spec.js';

export interface DetectOptions {
  /**
   * Input 'dependency-file': the manifest to build from, relative to the project (the build
   * context), when it is not at the top. null or absent: the manifest at the top.
   */
  dependencyFile?: string | null;
}

/** Reads a project and says what it needs (docs/detection.md). Pure: everything comes through the reader. */
export function detect(reader: RepoReader, options: DetectOptions = {}): EnvironmentSpec {
  const files = reader.files();
  const projects = findProjects(files);
  let chosen: Chosen | null;
  // Where pin files and entry points are looked for besides the top: the dependency file's folder.
  let dependencyFolder = '.';
  if (options.dependencyFile) {
    const named = chooseNamedFile(reader, options.dependencyFile);
    chosen = named.chosen;
    dependencyFolder = folderOf(named.path);
  } else {
    if (!projects.includes('.')) throw noProjectAtTop(files, projects);
    chosen = chooseManifest(reader, new Set(files.filter((path) => !path.includes('/'))));
    if (!chosen) {
      throw new UserError('pyproject.toml lists no dependencies and no other manifest was found', 'detect', {
        file: 'pyproject.toml',
      });
    }
  }
  const { manifest, lock } = chosen;
  const warnings: Warning[] = [...(manifest?.warnings ?? [])];
  for (const file of chosen.unused) warnings.push({ message: `also found ${file}, not used`, source: file });

  const locked = new Map<string, LockedPackage>();
  for (const pkg of lock?.packages ?? []) if (!locked.has(pkg.name)) locked.set(pkg.name, pkg);
  const requirements: Requirement[] = manifest?.requirements ?? [];
  if (chosen.format === 'requirements' && chosen.lockfile !== null) {
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
  warnings.push(...renamedWarnings(requirements));

  const python = choosePython([
    ...pinFileHints(reader, [dependencyFolder, '.'], warnings),
    ...(manifest?.python.filter((hint) => hint.kind === 'exact') ?? []),
    ...(lock?.python ?? []),
    ...(manifest?.python.filter((hint) => hint.kind === 'range') ?? []),
  ]);

  const cudaSubjects = requirements.length > 0 ? requirements : requirementsOfLock(lock?.packages ?? []);
  // The manifest states intent; a lock's registries only record it, so they count when the manifest names none.
  const projectIndexes = manifest && manifest.indexes.length > 0 ? manifest.indexes : (lock?.indexes ?? []);
  const findings: CudaFinding[] = [
    ...manifestFindings(manifest?.cuda ?? [], manifest?.gpu ?? null),
    ...indexFindings(hintingIndexes(projectIndexes, cudaSubjects)),
    ...requirementFindings(cudaSubjects, locked),
  ];
  const explicit = reconcile(findings);
  const cpu = cpuBuilds(cudaSubjects, projectIndexes, locked, manifest?.cpuBuilds ?? []);
  const cpuOnly = new Set(cpu.map((build) => build.framework));
  const accelerable = frameworks.filter((framework) => !cpuOnly.has(framework.name));
  const accelerator = detectAccelerator(accelerable, explicit !== null);
  let cuda: EnvironmentSpec['cuda'] = explicit?.version
    ? { version: explicit.version, source: formatSource(explicit.source) }
    : null;
  if (!cuda && accelerator !== 'cpu') cuda = defaultCuda(accelerable, requirements);

  const models = detectModels(reader);
  // Only reported here (`detect` says what it sees); a run refuses them before planning (src/plan/lfs.ts).
  for (const model of models) {
    const [pointer] = model.lfsPointers;
    if (pointer) {
      warnings.push({
        message:
          pointer === model.path
            ? `${model.path} is a Git LFS pointer: the model was not fetched`
            : `${model.path} holds Git LFS pointers (${listed(model.lfsPointers)}): the model was not fetched`,
        source: pointer,
      });
    }
    const [missing] = model.missingShards;
    if (missing) {
      warnings.push({
        message: `${model.path} lacks shards its index names (${listed(
          model.missingShards.map((shard) => `${shard.path}, named by ${shard.index}`),
          10,
          '; ',
        )}): the model was not fetched`,
        source: missing.index,
      });
    }
  }
  const declared = manifest?.entrypoint
    ? { ...manifest.entrypoint, from: chosen.format === 'cog' ? ('cog' as const) : ('scripts' as const) }
    : null;
  const entrypoint = detectEntrypoint(reader, declared, ['.', dependencyFolder]);
  const server = detectServer(
    reader,
    {
      requirements,
      lock: lock ?? null,
      cogPredict:
        declared?.from === 'cog' ? { path: declared.path, source: formatSource(declared.source) } : null,
      script: entrypoint?.script
        ? { script: entrypoint.script, target: entrypoint.path, source: entrypoint.source }
        : null,
    },
    warnings,
  );
  return {
    python,
    dependencies: {
      format: chosen.format,
      files: chosen.files,
      lockfile: chosen.lockfile,
      ...(lock ? { lockRead: lock } : {}),
      requirements,
      ...splitIndexes(hintingIndexes(manifest?.indexes ?? [], requirements)),
    },
    frameworks,
    accelerator,
    cuda,
    models,
    entrypoint,
    server,
    cpuBuilds: cpu.map((build) => ({ framework: build.framework, why: describeCpuBuild(build) })),
    systemPackages: (manifest?.systemPackages ?? []).map((item) => ({
      name: item.name,
      source: formatSource(item.source),
    })),
    projects,
    warnings,
  };
}

/**
 * No manifest at the top and none named: the error lists the manifests found below (one per
 * project folder, the one detect would choose there) and shows both ways out — `context` at that
 * folder, or `dependency-file` naming the manifest with the whole folder kept as the build context.
 */
function noProjectAtTop(files: readonly string[], projects: readonly string[]): UserError {
  const none = `no ${MANIFEST_FILES.join(', ')}`;
  if (projects.length === 0) {
    const candidates = files.filter(
      (path) => /\.(?:txt|in)$/.test(path) && /(?:^|\/)requirements[^/]*(?:\/[^/]+)?$/.test(path),
    );
    return new UserError(
      `no Python project found: none of ${MANIFEST_FILES.join(', ')} exists${
        candidates.length > 0
          ? `; requirements files under other names: ${listed(candidates)} — name one with 'dependency-file'`
          : ''
      }`,
      'detect',
      { file: '.' },
    );
  }
  // One pass over the files: a search per project folder is quadratic in a large monorepo.
  const namesByFolder = new Map<string, Set<string>>();
  for (const path of files) {
    const folder = folderOf(path);
    const names = namesByFolder.get(folder) ?? new Set<string>();
    names.add(path.slice(folder === '.' ? 0 : folder.length + 1));
    namesByFolder.set(folder, names);
  }
  const namesIn = (folder: string): ReadonlySet<string> => namesByFolder.get(folder) ?? new Set();
  const manifests = projects.map((folder) => manifestIn(namesIn(folder), folder));
  // The example: a folder with a conventional entry point is likelier the one that serves.
  const example =
    projects.find((folder) => CONVENTIONAL_ENTRYPOINTS.some((name) => namesIn(folder).has(name))) ??
    projects[0] ??
    '.';
  return new UserError(
    `no Python project at the top of this folder (${none}); found ${listed(manifests)} — set 'context: ${example}' to build that folder alone, or 'dependency-file: ${manifestIn(namesIn(example), example)}' to keep the whole folder as the build context`,
    'detect',
    { file: '.' },
  );
}

/** The manifest detect would read in a project folder, judged by name alone. */
function manifestIn(present: ReadonlySet<string>, folder: string): string {
  const pyprojectLocked = Object.entries(LOCK_MANIFESTS).some(
    ([lock, manifest]) => manifest === 'pyproject.toml' && present.has(lock),
  );
  const order = [
    'cog.yaml',
    'pylock.toml',
    ...(pyprojectLocked ? ['pyproject.toml'] : []),
    ...(present.has('Pipfile.lock') ? ['Pipfile'] : []),
    ...MANIFEST_FILES,
  ];
  return `${folder}/${order.find((name) => present.has(name)) ?? MANIFEST_FILES[0]}`;
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

/**
 * The main index and the extra ones, as pip would use them: the first index that replaces PyPI
 * (`--index-url`, a poetry/uv/pdm/Pipfile source) is the main one; `--extra-index-url` lines never
 * are, so a requirements file that names only extra indexes keeps PyPI. Each is checked again here,
 * the one way indexes reach the Dockerfile, so a manifest reader that forgets to cannot open it.
 */
function splitIndexes(
  indexes: readonly IndexRef[],
): Pick<EnvironmentSpec['dependencies'], 'indexUrl' | 'extraIndexUrls'> {
  const main = indexes.find((index) => !index.extra && !index.explicit) ?? null;
  const cite = (index: IndexRef) => ({
    url: checkIndexUrl(index.url, 'index URL', index.source),
    source: formatSource(index.source),
  });
  return {
    indexUrl: main ? cite(main) : null,
    extraIndexUrls: indexes.filter((index) => index !== main).map(cite),
  };
}
