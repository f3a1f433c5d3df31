import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import type { DockerfileSource } from '../plan/types.js';
import type { RepoReader } from '../project/reader.js';
import { type GeneratedFile, writeGeneratedFolder } from '../render/generated.js';
import type { Rendered } from '../report/run-report.js';
import { oneLine } from '../text.js';

/**
 * Copies the project's own Dockerfile (and the `<Dockerfile>.dockerignore` buildx reads beside it)
 * into the folder buildx reads it from. Read through the project-file rule, as every file of the
 * repository is: buildx given the path itself would follow a link out of the project and print
 * what it found there in its parse error.
 */
export function copyOwnDockerfile(
  dockerfile: Extract<DockerfileSource, { kind: 'project' }>,
  reader: RepoReader,
  generatedDir: string,
  logger: Logger,
): Rendered {
  const text = reader.readText(dockerfile.path);
  if (text === null) {
    throw new UserError(
      `${oneLine(dockerfile.path)} (${dockerfile.why}) is not a file in the project`,
      'render',
      { file: dockerfile.path },
    );
  }
  const ignore = reader.readText(`${dockerfile.path}.dockerignore`);
  const files: GeneratedFile[] = [
    { name: 'Dockerfile', content: text },
    ...(ignore === null ? [] : [{ name: 'Dockerfile.dockerignore', content: ignore }]),
  ];
  writeGeneratedFolder(generatedDir, files);
  logger.info(oneLine(`building ${dockerfile.path} (${dockerfile.why}); no lock is made for it`));
  return { dockerfile: text, files: [], generatedDir };
}
