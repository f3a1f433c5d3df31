import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * What the end-to-end tests run against: a real Docker engine with buildx, a real registry and a
 * Python index. scripts/testbed.sh provides all three on this machine; on GitHub the runner's own
 * Docker, a registry service and PyPI do, with the base image and index left at their defaults.
 */
export const testbed = {
  registry: process.env.ML_CONTAINER_TEST_REGISTRY ?? '',
  baseImage: process.env.ML_CONTAINER_TEST_BASE_IMAGE ?? '',
  indexUrl: process.env.ML_CONTAINER_TEST_INDEX_URL ?? '',
  network: process.env.ML_CONTAINER_TEST_NETWORK ?? '',
  /** The test bed's own SBOM generator image: BuildKit's default cannot be pulled there. */
  sbomGenerator: process.env.ML_CONTAINER_TEST_SBOM_GENERATOR ?? '',
};

/** Why the end-to-end tests cannot run here, or null when they can. */
export function unavailableReason(): string | null {
  if (!existsSync('dist/index.js')) return 'dist/index.js is missing: run `npm run build` first';
  if (!testbed.registry) {
    return 'ML_CONTAINER_TEST_REGISTRY is not set: start the test bed with `bash scripts/testbed.sh up` and `eval "$(bash scripts/testbed.sh env)"`';
  }
  const docker = spawnSync('docker', ['buildx', 'version'], { encoding: 'utf8' });
  if (docker.status !== 0)
    return `no Docker engine with buildx is reachable: ${docker.stderr || docker.error?.message}`;
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  if (info.status !== 0) return `the Docker engine does not answer: ${info.stderr.trim()}`;
  return null;
}

/** CI sets ML_CONTAINER_REQUIRE_E2E=1: there a missing test bed is a failure, never a skip. */
export const e2eRequired = process.env.ML_CONTAINER_REQUIRE_E2E === '1';

export interface ManifestDescriptor {
  mediaType: string;
  digest: string;
  platform?: { architecture: string; os: string };
  annotations?: Record<string, string>;
}

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** Reads the registry directly over its HTTP API, independently of the code under test. */
export const registry = {
  async tags(repository: string): Promise<string[]> {
    const response = await fetch(`http://${testbed.registry}/v2/${repository}/tags/list`);
    if (response.status === 404) return [];
    const body = (await response.json()) as { tags?: string[] | null };
    return (body.tags ?? []).sort();
  },
  async manifest(
    repository: string,
    reference: string,
  ): Promise<{ digest: string; body: Record<string, unknown> }> {
    const response = await fetch(`http://${testbed.registry}/v2/${repository}/manifests/${reference}`, {
      headers: { Accept: ACCEPT },
    });
    if (!response.ok) throw new Error(`manifest ${repository}:${reference}: HTTP ${response.status}`);
    return {
      digest: response.headers.get('docker-content-digest') ?? '',
      body: (await response.json()) as Record<string, unknown>,
    };
  },
  async blob(repository: string, digest: string): Promise<Record<string, unknown>> {
    const response = await fetch(`http://${testbed.registry}/v2/${repository}/blobs/${digest}`);
    if (!response.ok) throw new Error(`blob ${digest}: HTTP ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  },
};
