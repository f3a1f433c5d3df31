import type { DockerCli } from '../adapters/docker.js';

export interface BuilderInfo {
  driver: string;
  containerdStore: boolean;
  /** Attestations survive `--load` only into the containerd image store. */
  canKeepProvenance: boolean;
  /** The docker driver exports a build cache only with the containerd image store. */
  canExportCache: boolean;
}

export async function inspectBuilder(docker: DockerCli): Promise<BuilderInfo> {
  const inspect = await docker.exec(['buildx', 'inspect']);
  if (inspect.exitCode !== 0) {
    throw new Error(`docker buildx is not available: ${inspect.stderr.trim() || inspect.stdout.trim()}`);
  }
  const driver = /^Driver:\s*(\S+)/m.exec(inspect.stdout)?.[1] ?? 'unknown';
  const info = await docker.exec(['info', '--format', '{{json .DriverStatus}}']);
  const containerdStore = info.exitCode === 0 && info.stdout.includes('io.containerd.snapshotter');
  return {
    driver,
    containerdStore,
    canKeepProvenance: containerdStore,
    canExportCache: driver !== 'docker' || containerdStore,
  };
}
