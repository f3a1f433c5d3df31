import type { Lock } from '../lock/report.js';
import type { Logger } from '../log.js';
import type { BuildPlan } from '../plan/types.js';
import { heavyFilesList, renderDockerfile } from '../render/dockerfile.js';
import { renderDockerignore } from '../render/dockerignore.js';
import { generatedFiles, writeGeneratedFolder } from '../render/generated.js';
import type { Rendered } from '../report/run-report.js';

/** Renders a variant's Dockerfile and the files beside it into the folder buildx reads them from. */
export function renderVariant(plan: BuildPlan, lock: Lock, generatedDir: string, logger: Logger): Rendered {
  const dockerfile = renderDockerfile(plan, lock);
  const files = generatedFiles({
    dockerfile,
    dockerignore: plan.generateDockerignore ? renderDockerignore() : null,
    lockText: lock.text,
    heavyFiles: plan.heavyFiles.length > 0 ? heavyFilesList(plan) : null,
    planJson: `${JSON.stringify(plan, null, 2)}\n`,
  });
  // buildx reads <Dockerfile>.dockerignore beside the Dockerfile before the context's own.
  writeGeneratedFolder(generatedDir, files);
  logger.info(`wrote ${files.map((file) => file.name).join(', ')} to ${generatedDir}`);
  return { dockerfile, files, generatedDir };
}
