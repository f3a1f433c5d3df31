import { UserError } from '../errors.js';
import { formatSource } from '../source.js';
import { detectEntrypoint } from './entrypoint.js';
import { detectAccelerator, detectFrameworks } from './frameworks.js';
import { detectModels } from './models.js';
import { detectPythonVersion } from './python-version.js';
import type { RepoReader } from './reader.js';
import { parseRequirementsFile } from './requirements.js';
import type { EnvironmentSpec, Warning } from './spec.js';

export type { RepoReader } from './reader.js';
export { directoryReader, memoryReader } from './reader.js';
export type { EnvironmentSpec } from './spec.js';

/** Reads a project and says what it needs. Pure: everything comes through the reader. */
export function detect(reader: RepoReader): EnvironmentSpec {
  const warnings: Warning[] = [];
  const manifest = 'requirements.txt';
  if (reader.readText(manifest) === null) {
    throw new UserError(
      'no requirements.txt found; this version reads requirements.txt only (other formats arrive with issue #3)',
      'detect',
      { file: '.' },
    );
  }
  const requirements = parseRequirementsFile(reader, manifest);
  for (const requirement of requirements.requirements) {
    if (requirement.url) {
      warnings.push({
        message: `${requirement.name} comes from a direct URL; it is locked as given`,
        source: formatSource(requirement.source),
      });
    }
  }
  const frameworks = detectFrameworks(requirements.requirements);
  const models = detectModels(reader);
  for (const model of models.filter((artifact) => artifact.lfsPointer)) {
    warnings.push({
      message: `${model.path} is a Git LFS pointer: the model was not fetched`,
      source: model.path,
    });
  }
  return {
    python: detectPythonVersion(reader),
    dependencies: {
      format: 'requirements',
      files: requirements.files,
      lockfile: null,
      requirements: requirements.requirements,
      indexUrl: requirements.indexUrl
        ? { url: requirements.indexUrl.url, source: formatSource(requirements.indexUrl.source) }
        : null,
    },
    frameworks,
    accelerator: detectAccelerator(frameworks),
    cuda: null,
    models,
    entrypoint: detectEntrypoint(reader),
    projects: ['.'],
    warnings,
  };
}
