import type { DockerCli } from '../adapters/docker.js';
import { remoteDigest } from '../adapters/registry.js';
import type { BuilderInfo } from './builder.js';

/**
 * The SBOM generator to build with, pinned by digest, or why there is none. An SBOM is an
 * attestation like provenance, so it needs a builder that keeps them; the generator is an image
 * BuildKit pulls, so one that cannot be resolved is said once instead of failing the build.
 */
export async function chooseSbomGenerator(
  docker: DockerCli,
  builder: BuilderInfo,
  wanted: { sbom: boolean; generator: string },
): Promise<{ generator: string | null; note: string | null }> {
  if (!wanted.sbom) return { generator: null, note: null };
  if (!builder.canKeepProvenance) {
    return {
      generator: null,
      note: `SBOM skipped: the '${builder.driver}' builder loads into Docker's classic image store, which drops attestations`,
    };
  }
  const remote = await remoteDigest(docker, wanted.generator, builder.name);
  if (!remote.digest) {
    const reason = `${remote.result.stderr}${remote.result.stdout}`.trim().split('\n').at(-1) ?? '';
    return {
      generator: null,
      note: `SBOM skipped: no scanner available, the generator image ${wanted.generator} cannot be resolved (${reason.slice(0, 200)}); set 'sbom-generator' to one the builder can pull, or 'sbom: false'`,
    };
  }
  const name = wanted.generator.replace(/@sha256:[0-9a-f]{64}$/, '');
  return { generator: `${name}@${remote.digest}`, note: null };
}
