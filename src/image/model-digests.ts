import { projectFiles } from '../adapters/project-file.js';
import type { ModelArtifact } from '../detect/spec.js';
import { UserError } from '../errors.js';
import { oneLine } from '../text.js';

/**
 * The sha256 of each single-file model, for its label. Streamed: a model may be larger than any
 * buffer (2 GiB); read under the project's rule, as detect read it.
 */
export async function modelDigests(
  contextDir: string,
  models: readonly ModelArtifact[],
): Promise<Record<string, string>> {
  const project = projectFiles(contextDir, 'build');
  const digests: Record<string, string> = {};
  for (const model of models) {
    if (model.format === 'savedmodel' || model.format === 'huggingface') continue;
    const digest = await project.sha256(model.path);
    if (digest === null) {
      throw new UserError(`${oneLine(model.path)} is gone since detect found it`, 'build', {
        file: model.path,
      });
    }
    digests[model.path] = digest;
  }
  return digests;
}
