import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DockerCli, outputTail } from '../adapters/docker.js';
import { UserError } from '../errors.js';
import type { Lock } from '../lock/report.js';
import { type Credentials, pipConfig, withCredentials } from '../plan/credentials.js';
import type { BuildPlan } from '../plan/types.js';
import { LOCK_FILE } from '../render/dockerfile.js';
import { buildxArgs } from './args.js';
import type { BuilderInfo } from './builder.js';

export { type BuilderInfo, inspectBuilder } from './builder.js';

export interface GeneratedFiles {
  dockerfile: string;
  dockerignore: string | null;
}

export interface BuildResult {
  digest: string;
  imageRef: string;
  sizeBytes: number | null;
  provenance: boolean;
  seconds: number;
}

/** Writes the generated files where buildx reads them, outside the user's repository. */
export function writeGenerated(dir: string, files: GeneratedFiles, lock: Lock, plan: BuildPlan): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), files.dockerfile);
  // buildx reads <Dockerfile>.dockerignore beside the Dockerfile before the context's own.
  if (files.dockerignore) writeFileSync(join(dir, 'Dockerfile.dockerignore'), files.dockerignore);
  writeFileSync(join(dir, LOCK_FILE), lock.text);
  writeFileSync(join(dir, 'plan.json'), `${JSON.stringify(plan, null, 2)}\n`);
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
    credentials?: Credentials;
    onOutput?: (chunk: string) => void;
  },
): Promise<BuildResult> {
  // The secret lives in a private folder of its own, never in a build context, and only for the build.
  const secretDir = plan.privateIndexes ? mkdtempSync(join(tmpdir(), 'ml-container-secret-')) : null;
  try {
    return await runBuild(plan, options, secretDir);
  } finally {
    if (secretDir) rmSync(secretDir, { recursive: true, force: true });
  }
}

async function runBuild(
  plan: BuildPlan,
  options: Parameters<typeof build>[1],
  secretDir: string | null,
): Promise<BuildResult> {
  let pipConfigSecret: string | undefined;
  if (secretDir) {
    const credentials = options.credentials ?? new Map();
    pipConfigSecret = join(secretDir, 'pip.conf');
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
  const args = buildxArgs(plan, {
    contextDir: options.contextDir,
    generatedDir: options.generatedDir,
    dockerfile: join(options.generatedDir, 'Dockerfile'),
    metadataFile,
    tags: options.tags,
    labels: options.labels,
    provenance,
    pipConfigSecret,
  });
  const result = await options.docker.exec(args, { onOutput: options.onOutput });
  if (result.exitCode !== 0) {
    throw new UserError('docker buildx build failed', 'build', undefined, outputTail(result, 40));
  }
  const metadata = JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<string, unknown>;
  const digest = metadata['containerimage.digest'];
  if (typeof digest !== 'string')
    throw new UserError('buildx wrote no image digest in its metadata file', 'build');
  const imageRef = options.tags[0] ?? digest;
  const inspect = await options.docker.exec(['image', 'inspect', '--format', '{{.Size}}', imageRef]);
  return {
    digest,
    imageRef,
    sizeBytes: inspect.exitCode === 0 ? Number(inspect.stdout.trim()) : null,
    provenance,
    seconds: (Date.now() - started) / 1000,
  };
}
