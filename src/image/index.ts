import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DockerCli, outputTail } from '../adapters/docker.js';
import { runProcess } from '../adapters/process.js';
import type { DriverRoute } from '../data/builder-drivers.js';
import type { BuildArg, BuildSecret } from '../dockerfile-inputs.js';
import { UserError } from '../errors.js';
import { type Credentials, pipConfig, withCredentials } from '../plan/credentials.js';
import type { BuildPlan } from '../plan/types.js';
import { type BuildRequest, buildxArgs } from './args.js';
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
  /**
   * What buildx reports: the index, attestations included (the containerd store, an archive), or
   * the image ID on the classic store, whose registry manifest is made only when it is pushed.
   */
  digest: string;
  /**
   * The platform image's manifest, reproducible across builds of one commit; null when not read
   * (an image loaded straight into the store has it read from the registry when pushed).
   */
  manifestDigest: string | null;
  /** How the image reached the engine for the smoke test, and so how it is pushed. */
  route: DriverRoute;
  /** The tested image's ID in the engine (its config digest on the classic store); null when not read. */
  imageId: string | null;
  /** Every platform image manifest in the tested archive (attestations left out), sorted. */
  platformManifests: string[];
  /**
   * What the registry must serve for a pushed tag to count as the tested image: `index` the built
   * digest (the containerd store pushes what it holds), `config` the tested image ID (the classic
   * store makes a new manifest for the same image), `manifests` the tested archive's platform
   * manifests (a builder outside the store exports the build again).
   */
  pushCheck: 'index' | 'config' | 'manifests';
  /** The build as it ran, to export it again to the registry (`archive` route); null otherwise. */
  reExport: { plan: BuildPlan; request: BuildRequest } | null;
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
    /** Inputs 'build-args' and 'secrets', for the project's own Dockerfile. */
    dockerfileInputs?: { buildArgs: readonly BuildArg[]; secrets: readonly BuildSecret[] };
    /** The commit time in seconds; null when unknown, and then the build is not reproducible. */
    sourceDateEpoch: number | null;
    /** For a project's own Dockerfile: the rewrite route (every file time rewritten, an OCI archive then loaded) when the builder can. */
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
  const pipConfigSecret = writePipConfigSecret(plan, options.credentials, workDir);
  const metadataFile = join(options.generatedDir, 'metadata.json');
  const provenance = options.provenance && options.builder.canKeepProvenance;
  const archiveRoute = options.builder.route === 'archive';
  // A generated Dockerfile's layers are reproducible as built (render/clamp.ts): only the project's
  // own Dockerfile needs BuildKit to rewrite every layer, and an archive to do it in.
  const generated = plan.dockerfile.kind === 'generated';
  const rewriteTimestamp = !generated && options.sourceDateEpoch !== null && options.reproducible;
  const started = Date.now();
  const request: BuildRequest = {
    contextDir: options.contextDir,
    generatedDir: options.generatedDir,
    dockerfile: join(options.generatedDir, 'Dockerfile'),
    metadataFile,
    tags: options.tags,
    labels: options.labels,
    provenance,
    sbomGenerator: options.sbomGenerator ?? null,
    pipConfigSecret,
    target: plan.dockerfile.kind === 'project' ? plan.dockerfile.target : null,
    buildArgs: options.dockerfileInputs?.buildArgs ?? [],
    secretFiles: writeSecretFiles(options.dockerfileInputs?.secrets ?? [], workDir),
    sourceDateEpoch: options.sourceDateEpoch,
    // A builder outside the engine sends its image back as an archive, always; the docker driver
    // writes one only for the reproducible route, which its classic store cannot take.
    ociArchive:
      archiveRoute || (rewriteTimestamp && options.builder.canExportOci)
        ? join(workDir, 'image.oci.tar')
        : null,
    rewriteTimestamp,
    builder: options.builder.name,
    cacheFrom: options.cache?.from ?? [],
    cacheTo: options.cache?.to ?? [],
  };
  let result = await options.docker.exec(buildxArgs(plan, request), { onOutput: options.onOutput });
  const notes: string[] = [];
  if (
    result.exitCode !== 0 &&
    request.ociArchive &&
    request.rewriteTimestamp &&
    /rewrite-timestamp/.test(`${result.stdout}${result.stderr}`)
  ) {
    notes.push(
      'this BuildKit cannot rewrite file timestamps: the image was built, but two builds will not match byte for byte',
    );
    request.rewriteTimestamp = false;
    if (!archiveRoute) request.ociArchive = null;
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
  const digest = readMetadataDigest(metadataFile);
  let manifests: string[] = [];
  if (request.ociArchive) {
    manifests = await platformManifestDigests(request.ociArchive);
    const loadable = options.builder.containerdStore
      ? request.ociArchive
      : await classicLoadable(request.ociArchive, manifests, options.tags[0] ?? '', workDir);
    await loadArchive(options.docker, loadable, options.tags);
  }
  const imageRef = options.tags[0] ?? digest;
  const inspect = await options.docker.exec(['image', 'inspect', '--format', '{{.Id}} {{.Size}}', imageRef]);
  const [imageId, size] = inspect.exitCode === 0 ? inspect.stdout.trim().split(' ') : [];
  // The engine's store holds what the build wrote only if the builder writes into this engine: a
  // 'docker' builder of another context loads elsewhere, and a stale image under the tag would be
  // tested and pushed in its place.
  if (!archiveRoute && imageId !== digest) {
    throw new UserError(
      `the image under ${imageRef} in this Docker engine is ${imageId ?? '(none)'}, not the ${digest} just built: the '${options.builder.driver}' builder${options.builder.name ? ` '${options.builder.name}'` : ''} writes into another engine than DOCKER_HOST's (choose a builder of this engine with input 'builder')`,
      'build',
    );
  }
  // The classic store compresses the layers itself when it pushes: not counted on to be reproducible.
  const reproducible =
    options.sourceDateEpoch !== null &&
    (generated
      ? archiveRoute || options.builder.containerdStore
      : request.ociArchive !== null && request.rewriteTimestamp === true);
  return {
    digest,
    // Straight into the store, the image manifest is read from the registry once pushed.
    manifestDigest: reproducible ? (manifests[0] ?? null) : null,
    route: options.builder.route,
    pushCheck: archiveRoute ? 'manifests' : options.builder.containerdStore ? 'index' : 'config',
    imageId: imageId?.startsWith('sha256:') ? imageId : null,
    platformManifests: manifests,
    // The secret files are gone with this build's folder: reExport writes them again.
    reExport: archiveRoute
      ? { plan, request: { ...request, ociArchive: null, pipConfigSecret: undefined, secretFiles: [] } }
      : null,
    imageRef,
    sizeBytes: size !== undefined && /^\d+$/.test(size) ? Number(size) : null,
    provenance,
    sbom: Boolean(request.sbomGenerator),
    reproducible,
    notes,
    seconds: (Date.now() - started) / 1000,
  };
}

/**
 * Exports the tested build again, from the builder's cache, to `repository` by digest, under no
 * tag: what a builder outside the engine's store pushes, attestations included. Returns the pushed
 * index's digest, for the caller to check before it tags anything.
 */
export async function reExport(
  built: BuildResult,
  repository: string,
  options: {
    docker: DockerCli;
    credentials?: Credentials;
    /** Input 'secrets' again: the export runs the build's steps where its cache lacks them. */
    secrets?: readonly BuildSecret[];
    onOutput?: (chunk: string) => void;
  },
): Promise<string> {
  if (!built.reExport)
    throw new Error('reExport: this build was loaded by its engine, not sent back as an archive');
  const { plan, request } = built.reExport;
  const workDir = mkdtempSync(join(tmpdir(), 'ml-container-push-'));
  try {
    const pushRequest: BuildRequest = {
      ...request,
      tags: [],
      pushByDigest: repository,
      metadataFile: join(workDir, 'metadata.json'),
      pipConfigSecret: writePipConfigSecret(plan, options.credentials, workDir),
      secretFiles: writeSecretFiles(options.secrets ?? [], workDir),
      // Writing the cache again is the build's job; this export reads it.
      cacheTo: [],
    };
    const result = await options.docker.exec(buildxArgs(plan, pushRequest), { onOutput: options.onOutput });
    if (result.exitCode !== 0) {
      throw new UserError(
        'docker buildx build could not export the tested image to the registry',
        'publish',
        undefined,
        outputTail(result, 40),
      );
    }
    return readMetadataDigest(pushRequest.metadataFile);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** pip's configuration with the index credentials, as a BuildKit secret file; undefined without private indexes. */
function writePipConfigSecret(
  plan: BuildPlan,
  credentials: Credentials | undefined,
  workDir: string,
): string | undefined {
  // The project's own Dockerfile names its indexes itself; it is handed no pip configuration.
  if (!plan.privateIndexes || plan.dockerfile.kind === 'project') return undefined;
  const known = credentials ?? new Map();
  const file = join(workDir, 'pip.conf');
  writeFileSync(
    file,
    pipConfig(
      plan.indexUrl ? withCredentials(plan.indexUrl, known) : null,
      [...plan.extraIndexUrls, ...(plan.cpuTorch ? [plan.cpuTorch.indexUrl] : [])].map((url) =>
        withCredentials(url, known),
      ),
    ),
    { mode: 0o600 },
  );
  return file;
}

/** Each build secret as a file only this user reads, in the build's private folder, deleted with it. */
function writeSecretFiles(secrets: readonly BuildSecret[], workDir: string): { id: string; path: string }[] {
  return secrets.map((secret, index) => {
    const path = join(workDir, `secret-${index}`);
    writeFileSync(path, secret.value, { mode: 0o600 });
    return { id: secret.id, path };
  });
}

function readMetadataDigest(metadataFile: string): string {
  const metadata = JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<string, unknown>;
  const digest = metadata['containerimage.digest'];
  if (typeof digest !== 'string')
    throw new UserError('buildx wrote no image digest in its metadata file', 'build');
  return digest;
}

/**
 * The archive as the classic image store loads it: that store reads a Docker image archive's
 * manifest.json, not an OCI layout, so one naming the platform image's config and layers (the same
 * blobs) is added to a copy. The image ID it loads is the config digest the registry check compares.
 */
async function classicLoadable(
  archive: string,
  platformManifests: readonly string[],
  tag: string,
  workDir: string,
): Promise<string> {
  const [only, ...more] = platformManifests;
  if (!only || more.length > 0) {
    throw new UserError(
      `the classic image store loads one platform image; the archive holds ${platformManifests.length}`,
      'build',
    );
  }
  const manifest = await readArchiveJson(archive, blobPath(only));
  const config = (manifest?.config as { digest?: unknown } | undefined)?.digest;
  const layers = (manifest?.layers as { digest?: unknown }[] | undefined) ?? [];
  if (typeof config !== 'string')
    throw new UserError(`the built archive's image ${only} has no config`, 'build');
  const folder = join(workDir, 'classic');
  mkdirSync(folder);
  writeFileSync(
    join(folder, 'manifest.json'),
    JSON.stringify([
      {
        Config: blobPath(config),
        RepoTags: [tag],
        Layers: layers.map((layer) => blobPath(String(layer.digest))),
      },
    ]),
  );
  const copy = join(workDir, 'image.docker.tar');
  copyFileSync(archive, copy);
  const appended = await runProcess('tar', ['-rf', copy, '-C', folder, 'manifest.json']);
  if (appended.exitCode !== 0) {
    throw new UserError(
      'could not make the built archive loadable by the classic image store',
      'build',
      undefined,
      outputTail(appended),
    );
  }
  return copy;
}

/** BuildKit's attestation manifests sit in an image index beside the platform images they describe. */
export function isAttestationManifest(descriptor: { annotations?: Record<string, string> }): boolean {
  return descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest';
}

function blobPath(digest: string): string {
  return `blobs/sha256/${digest.replace(/^sha256:/, '')}`;
}

async function readArchiveJson(archive: string, member: string): Promise<Record<string, unknown> | null> {
  const result = await runProcess('tar', ['-xOf', archive, member]);
  if (result.exitCode !== 0) return null;
  try {
    return JSON.parse(result.stdout) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Loads the archive into the image store (attestations included where it keeps them) and tags it with every tag. */
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
 * The platform image manifests' digests, read from the archive: unlike the index, whose provenance
 * attestation records when the build ran, they are the same for two builds of the same commit, and
 * what a re-export to the registry must serve. Attestation manifests are left out.
 */
async function platformManifestDigests(archive: string): Promise<string[]> {
  const read = (member: string) => readArchiveJson(archive, member);
  type Descriptor = { digest: string; annotations?: Record<string, string> };
  const found: string[] = [];
  const walk = async (descriptors: Descriptor[], depth: number): Promise<void> => {
    for (const descriptor of descriptors) {
      if (isAttestationManifest(descriptor)) continue;
      const body = await read(blobPath(descriptor.digest));
      const inner = body?.manifests as Descriptor[] | undefined;
      if (inner && depth < 3) await walk(inner, depth + 1);
      else if (!inner) found.push(descriptor.digest);
    }
  };
  await walk(((await read('index.json'))?.manifests as Descriptor[] | undefined) ?? [], 0);
  return [...new Set(found)].sort();
}
