import { Builder } from '@docker/actions-toolkit/lib/buildx/builder.js';
import { builderArgs, type DockerCli } from '../adapters/docker.js';
import { type DriverRoute, driverRoute } from '../data/builder-drivers.js';

export interface BuilderInfo {
  /** The builder's name as buildx reports it; passed back with `--builder` so every command uses it. */
  name: string | null;
  driver: string;
  /** How the image reaches the smoke test and the registry (src/data/builder-drivers.json). */
  route: DriverRoute;
  /** The buildx plugin's version as the Docker CLI lists it, e.g. 0.13.1. */
  buildxVersion: string | null;
  /** As the builder reports it; distribution builds may say v0.0.0+unknown. */
  buildkitVersion: string | null;
  /** What the builder's node builds natively or through an emulator it has registered. */
  platforms: string[];
  /** The engine's (DOCKER_HOST's) image store, where the smoke test runs the image, whatever the driver. */
  containerdStore: boolean;
  /**
   * Attestations reach the registry: the docker driver keeps them only in the containerd image store;
   * the other drivers push them with the re-exported build.
   */
  canKeepProvenance: boolean;
  /** The docker driver exports a build cache only with the containerd image store. */
  canExportCache: boolean;
  /** The docker driver writes OCI archives (the reproducible route) only with the containerd image store. */
  canExportOci: boolean;
}

/**
 * Reads what the builder is and can do, so each limit is said once and worked around. `name`: the
 * `builder` input; null takes BUILDX_BUILDER, else the current builder, as buildx itself does.
 */
export async function inspectBuilder(docker: DockerCli, name: string | null = null): Promise<BuilderInfo> {
  // Two reads of one engine, side by side: in a sequence, with `buildx version` a third (another
  // plugin start), they were the warm run's longest wait but one.
  const [inspect, info] = await Promise.all([
    docker.exec(['buildx', 'inspect', ...builderArgs(name)]),
    docker.exec(['info', '--format', ENGINE_INFO_FORMAT]),
  ]);
  if (inspect.exitCode !== 0) {
    const why = inspect.stderr.trim() || inspect.stdout.trim();
    throw new Error(
      name
        ? `buildx builder '${name}' (input 'builder') cannot be used: ${why}`
        : `docker buildx is not available: ${why}`,
    );
  }
  const engine = engineInfo(info.exitCode === 0 ? info.stdout : '');
  return builderInfo(inspect.stdout, engine.buildxVersion, engine.driverStatus);
}

/**
 * `docker info` asked for two facts: the image store (DriverStatus) and the buildx plugin's version
 * (ClientInfo.Plugins, which the CLI reads from each plugin anyway).
 */
export const ENGINE_INFO_FORMAT = '{{json .DriverStatus}}\n{{json .ClientInfo.Plugins}}';

/** The two facts of ENGINE_INFO_FORMAT's output; what it lacks (an older CLI, a failed call) is empty or null. */
export function engineInfo(stdout: string): { driverStatus: string; buildxVersion: string | null } {
  const [driverStatus = '', plugins = ''] = stdout.split('\n');
  let buildxVersion: string | null = null;
  try {
    const listed: unknown = JSON.parse(plugins);
    const buildx = Array.isArray(listed)
      ? (listed as { Name?: unknown; Version?: unknown }[]).find((plugin) => plugin?.Name === 'buildx')
      : undefined;
    if (typeof buildx?.Version === 'string' && buildx.Version.trim())
      buildxVersion = buildx.Version.trim().replace(/^v/, '');
  } catch {
    // No plugin list: the version is only reported, never decided on.
  }
  return { driverStatus, buildxVersion };
}

/**
 * The pure half of inspectBuilder, over its commands' output. `docker buildx inspect` text is
 * read by actions-toolkit's parser, as docker/build-push-action reads it (its keys changed across
 * buildx versions).
 */
export function builderInfo(
  inspect: string,
  buildxVersion: string | null,
  driverStatus: string,
): BuilderInfo {
  const parsed = Builder.parseInspect(inspect);
  const [node] = parsed.nodes;
  const driver = parsed.driver ?? 'unknown';
  const route = driverRoute(driver);
  const containerdStore = driverStatus.includes('io.containerd.snapshotter');
  const classicDocker = route === 'store' && !containerdStore;
  return {
    name: parsed.name ?? null,
    driver,
    route,
    buildxVersion,
    buildkitVersion: node?.buildkit ?? null,
    // Read here: the toolkit keeps only a builder's preferred platforms (marked `*`), and the
    // platform check needs every one its node can run.
    platforms: (/^\s*Platforms:\s*(.+)$/m.exec(inspect)?.[1] ?? '')
      .split(',')
      .map((platform) => platform.trim().replace(/\*$/, ''))
      .filter(Boolean),
    containerdStore,
    canKeepProvenance: !classicDocker,
    canExportCache: !classicDocker,
    canExportOci: !classicDocker,
  };
}

/**
 * What this builder cannot do of what the run asks, each said once with the fallback taken:
 * the build goes on without it rather than failing on an exporter error.
 */
export function builderLimits(
  builder: BuilderInfo,
  wants: { cache: string; provenance: boolean; reproducible: boolean },
): string[] {
  const limits: string[] = [];
  const store = `the '${builder.driver}' builder with Docker's classic image store`;
  if (wants.cache !== 'none' && !builder.canExportCache) {
    limits.push(
      `cache '${wants.cache}' is read but not written: ${store} exports no cache (enable the containerd image store, or use a docker-container builder)`,
    );
  }
  if (wants.provenance && !builder.canKeepProvenance) {
    limits.push(
      `provenance skipped: ${store} drops attestations (enable the containerd image store to keep them, or use a docker-container builder)`,
    );
  }
  if (wants.reproducible && !builder.canExportOci) {
    limits.push(
      `the image is not counted as reproducible: ${store} compresses the layers itself as it pushes, and writes no OCI archive to rewrite a project Dockerfile's file timestamps in, so two builds of one commit are not checked to match`,
    );
  }
  return limits;
}

export function describeBuilder(builder: BuilderInfo): string {
  return [
    `'${builder.driver}' driver`,
    builder.buildxVersion ? `buildx ${builder.buildxVersion}` : null,
    builder.buildkitVersion ? `BuildKit ${builder.buildkitVersion}` : null,
    builder.containerdStore ? 'containerd image store' : 'classic image store',
  ]
    .filter(Boolean)
    .join(', ');
}

/**
 * The requested platforms this builder's node cannot run. Each platform is locked and smoke-tested
 * by running it, so one that runs neither natively nor under a registered emulator cannot be built
 * and trusted here.
 */
export function unrunnablePlatforms(builder: BuilderInfo, wanted: readonly string[]): string[] {
  return wanted.filter(
    (platform) => !builder.platforms.some((have) => have === platform || have.startsWith(`${platform}/`)),
  );
}
