import type { EnvironmentSpec } from '../detect/spec.js';
import type { Logger } from '../log.js';
import { checkLfsPointers } from '../plan/lfs.js';
import { oneLine } from '../text.js';

/**
 * Says what detect found. Weights never fetched stop the run here, before plan resolves the base
 * (the first Docker call), unless the run allows them.
 */
export function reportDetected(spec: EnvironmentSpec, allowLfsPointers: boolean, logger: Logger): void {
  for (const warning of spec.warnings) logger.warning(warning.message);
  const unfetched = checkLfsPointers(spec, allowLfsPointers);
  if (unfetched.length > 0) {
    logger.warning(
      oneLine(
        `allow-lfs-pointers: building without these weights, whose models are left out of the smoke test: ${unfetched.join(', ')}`,
      ),
    );
  }
  logger.info(oneLine(`Python ${spec.python.version} (${spec.python.source})`));
  for (const framework of spec.frameworks) {
    logger.info(oneLine(`${framework.name} ${framework.spec || '(any version)'} (${framework.source})`));
  }
  logger.info(
    oneLine(
      `accelerator ${spec.accelerator}${spec.cuda ? `, CUDA ${spec.cuda.version} (${spec.cuda.source})` : ''}`,
    ),
  );
}
