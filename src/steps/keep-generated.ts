import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { type GeneratedFolder, variantGeneratedFolder } from '../plan/generated.js';
import type { BuildPlan } from '../plan/types.js';
import {
  compareGenerated,
  type GeneratedFile,
  staleMessage,
  writeGeneratedInProject,
} from '../render/generated.js';

/**
 * `write-generated` puts the generated files in the project to be committed; `check-generated`
 * fails when the committed ones differ from this run's, with the diff for the summary.
 */
export function keepGenerated(
  variants: readonly { plan: BuildPlan; files: readonly GeneratedFile[] }[],
  kept: GeneratedFolder,
  contextDir: string,
  logger: Logger,
): void {
  const stale: { name: string; diff: string }[] = [];
  for (const variant of variants) {
    // The repository's own links are checked on writing.
    const displayDir = variantGeneratedFolder(kept, variant.plan.variant, variants.length > 1);
    const { files } = variant;
    if (kept.check) {
      stale.push(
        ...compareGenerated(join(contextDir, displayDir), files, displayDir, contextDir).map((file) => ({
          ...file,
          name: `${displayDir}/${file.name}`,
        })),
      );
    } else {
      writeGeneratedInProject(contextDir, displayDir, files);
      logger.info(`wrote ${files.map((file) => file.name).join(', ')} to ${displayDir}`);
    }
  }
  if (stale.length > 0) {
    throw new UserError(
      staleMessage(stale, kept.folder, kept.regenerate),
      'render',
      { file: stale[0]?.name ?? kept.folder },
      stale.map((file) => file.diff).join('\n'),
    );
  }
  if (kept.check) logger.info(`the generated files in ${kept.folder} are up to date`);
}
