import { UserError } from '../errors.js';
import { type DockerCli, outputTail } from './docker.js';

/**
 * The digest a registry serves for a reference, read through `buildx imagetools`, which uses the
 * same credentials and registry settings as the build itself.
 */
export async function resolveDigest(docker: DockerCli, reference: string): Promise<string> {
  const result = await docker.exec([
    'buildx',
    'imagetools',
    'inspect',
    reference,
    '--format',
    '{{json .Manifest}}',
  ]);
  const digest =
    result.exitCode === 0 ? (JSON.parse(result.stdout) as { digest?: string }).digest : undefined;
  if (!digest?.startsWith('sha256:')) {
    throw new UserError(
      `cannot resolve the digest of base image ${reference} from its registry`,
      'plan',
      undefined,
      outputTail(result),
    );
  }
  return digest;
}
