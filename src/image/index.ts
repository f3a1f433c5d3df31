import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DockerCli, outputTail } from '../adapters/docker.js';
import { runProcess } from '../adapters/process.js';
import { UserError } from '../errors.js';
import { type Credentials, pipConfig, withCredentials } from '../plan/credentials.js';
import type { BuildPlan } from '../plan/types.js';
import { buildxArgs } from './args.js';
import type { BuilderInfo } from './builder.js';
import type { CacheArgs } from './cache.js';

export {
  type BuilderInfo,
  builderLimits,
  describeBuilder,
  inspectBuilder,
  unrunnablePlatforms,
} from './builder.js';

export interface BuildResult {
  /** What buildx reports and the registry serves: the index, attestations included. */
  digest: string;
  /** The platform image's manifest, reproducible across builds of one commit; null when not read. */
  manifestDigest: string | null;
  reproducible: boolean;
  notes: string[];
  imageRef: string;
  sizeBytes: number | null;
  provenance: boolean;
  sbom: boolean;
  seconds: number;
}

export async function build(
  plan: BuildPlan,
  options: {
    docker: DockerCli;
    builder: BuilderInfo;
    contextDir: string;
    generatedDir: string;
    tags: string[];
    labels: Record<string, string>;
    provenance: boolean;
    /** The SBOM generator, pinned by digest; null for no SBOM. */
    sbomGenerator?: string | null;
    credentials?: Credentials;
    /** The commit time in seconds; null when unknown, and then the build is not reproducible. */
    sourceDateEpoch: number | null;
    /** Take the reproducible route (rewritten timestamps, an OCI archive then loaded) when the builder can. */
    reproducible: boolean;
    cache?: CacheArgs;
    onOutput?: (chunk: string) => void;
  },
): Promise<BuildResult> {
  // Secrets and the image archive live in a private folder, never in a build context, and only for the build.
  const workDir = mkdtempSync(join(tmpdir(), 'ml-container-build-'));
  try {
    return await runBuild(plan, options, workDir);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function runBuild(
  plan: BuildPlan,
  options: Parameters<typeof build>[1],
  workDir: string,
): Promise<BuildResult> {
  let pipConfigSecret: string | undefined;
  if (plan.privateIndexes) {
    const credentials = options.credentials ?? new Map();
    pipConfigSecret = join(workDir, 'pip.conf');
    writeFileSync(
      pipConfigSecret,
      pipConfig(
        plan.indexUrl ? withCredentials(plan.indexUrl, credentials) : null,
        [...plan.extraIndexUrls, ...(plan.cpuTorch ? [plan.cpuTorch.indexUrl] : [])].map((url) =>
          withCredentials(url, credentials),
        ),
      ),
      { mode: 0o600 },
    );
  }
  const metadataFile = join(options.generatedDir, 'metadata.json');
  const provenance = options.provenance && options.builder.canKeepProvenance;
  const started = Date.now();
  const request = {
    contextDir: options.contextDir,
    generatedDir: options.generatedDir,
    dockerfile: join(options.generatedDir, 'Dockerfile'),
    metadataFile,
    tags: options.tags,
    labels: options.labels,
    provenance,
    sbomGenerator: options.sbomGenerator ?? null,
    pipConfigSecret,
    sourceDateEpoch: options.sourceDateEpoch,
    ociArchive:
      options.sourceDateEpoch === null || !options.reproducible || !options.builder.canExportOci
        ? null
        : join(workDir, 'image.oci.tar'),
    cacheFrom: options.cache?.from ?? [],
    cacheTo: options.cache?.to ?? [],
  };
  let result = await options.docker.exec(buildxArgs(plan, request), { onOutput: options.onOutput });
  const notes: string[] = [];
  if (
    result.exitCode !== 0 &&
    request.ociArchive &&
    /rewrite-timestamp/.test(`${result.stdout}${result.stderr}`)
  ) {
    notes.push(
      'this BuildKit cannot rewrite file timestamps: the image was built, but two builds will not match byte for byte',
    );
    request.ociArchive = null;
    result = await options.docker.exec(buildxArgs(plan, request), { onOutput: options.onOutput });
  }
  const sbomFailure = /generating sbom using [^\n]*\n(?:#\d+ [^\n]*\n)*?#\d+ ERROR: ([^\n]*)/.exec(
    `${result.stdout}${result.stderr}`,
  );
  if (result.exitCode !== 0 && request.sbomGenerator && sbomFailure) {
    // The scan is an extra: a generator that cannot run here must not cost the image.
    notes.push(`SBOM skipped: the generator ${request.sbomGenerator} failed (${sbomFailure[1]})`);
    request.sbomGenerator = null;
    result = await options.docker.exec(buildxArgs(plan, request), { onOutput: options.onOutput });
  }
  if (result.exitCode !== 0) {
    throw new UserError('docker buildx build failed', 'build', undefined, outputTail(result, 40));
  }
  const metadata = JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<string, unknown>;
  const digest = metadata['containerimage.digest'];
  if (typeof digest !== 'string')
    throw new UserError('buildx wrote no image digest in its metadata file', 'build');
  let manifestDigest: string | null = null;
  if (request.ociArchive) {
    manifestDigest = await imageManifestDigest(request.ociArchive);
    await loadArchive(options.docker, request.ociArchive, options.tags);
  }
  const imageRef = options.tags[0] ?? digest;
  const inspect = await options.docker.exec(['image', 'inspect', '--format', '{{.Size}}', imageRef]);
  return {
    digest,
    manifestDigest,
    imageRef,
    sizeBytes: inspect.exitCode === 0 ? Number(inspect.stdout.trim()) : null,
    provenance,
    sbom: Boolean(request.sbomGenerator),
    reproducible: request.ociArchive !== null,
    notes,
    seconds: (Date.now() - started) / 1000,
  };
}

/** Loads the OCI archive into the image store (attestations included) and tags it with every tag. */
async function loadArchive(docker: DockerCli, archive: string, tags: readonly string[]): Promise<void> {
  const loaded = await docker.exec(['load', '--input', archive]);
  if (loaded.exitCode !== 0)
    throw new UserError('docker load of the built image failed', 'build', undefined, outputTail(loaded));
  const [first, ...others] = tags;
  for (const tag of others) {
    const tagged = await docker.exec(['tag', first ?? '', tag]);
    if (tagged.exitCode !== 0)
      throw new UserError(`docker tag ${tag} failed`, 'build', undefined, outputTail(tagged));
  }
}

/**
 * The platform image manifest's digest, read from the archive: unlike the index, whose provenance
 * attestation records when the build ran, it is the same for two builds of the same commit.
 */
async function imageManifestDigest(archive: string): Promise<string | null> {
  const read = async (member: string): Promise<Record<string, unknown> | null> => {
    const result = await runProcess('tar', ['-xOf', archive, member]);
    return result.exitCode === 0 ? (JSON.parse(result.stdout) as Record<string, unknown>) : null;
  };
  type Descriptor = { digest: string; mediaType?: string; annotations?: Record<string, string> };
  let descriptor = ((await read('index.json'))?.manifests as Descriptor[] | undefined)?.[0];
  for (let depth = 0; descriptor && depth < 3; depth++) {
    const body = await read(`blobs/sha256/${descriptor.digest.replace(/^sha256:/, '')}`);
    const inner = body?.manifests as Descriptor[] | undefined;
    if (!inner) return descriptor.digest;
    descriptor = inner.find(
      (entry) => entry.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest',
    );
  }
  return null;
}
