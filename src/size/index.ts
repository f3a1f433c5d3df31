import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type DockerCli, outputTail } from '../adapters/docker.js';
import type { BuildPlan } from '../plan/types.js';
import { scriptArgs } from '../smoke/args.js';
import { imageConfig } from '../smoke/index.js';
import {
  CUDA_LIBRARY,
  DUPLICATE_MIN_BYTES,
  LISTED_MIN_BYTES,
  type SizeFinding,
  sizeFindings,
  topPackages,
} from './findings.js';
import { historyArgs, type Layer, parseHistory } from './layers.js';
import { type InstalledPackage, parseListing } from './listing.js';

const LISTING = readFileSync(new URL('./listing.py', import.meta.url), 'utf8');
const MARKER = 'ML_CONTAINER_SIZE_LISTING ';

/** Where one variant's image's size goes: what the size report shows and `max-image-size` checks. */
export interface SizeReport {
  /**
   * The image uncompressed: the sum of its layers as `docker history` gives them, the same on
   * either image store (imageBytes); null when the history could not be read.
   */
  bytes: number | null;
  /** Input 'max-image-size', in bytes; null for no limit. */
  limit: number | null;
  /** null when `docker history` could not be read (the report says so, the run goes on). */
  layers: ImageLayers | null;
  /** null when the listing could not run in the image (no Python on its PATH, say). */
  contents: ImageContents | null;
}

export interface ImageLayers {
  /** Oldest first, as the Dockerfile reads. */
  layers: Layer[];
  /** Steps that wrote no files (ENV, CMD, USER), folded away. */
  emptyLayers: number;
}

export interface ImageContents {
  /** The largest installed distributions, largest first. */
  packages: InstalledPackage[];
  packageCount: number;
  findings: SizeFinding[];
  /** Folders the image's user could not list, so left out of the findings. */
  unreadable: number;
}

/**
 * The image's size uncompressed, as its layers add up. Not `docker image inspect`'s .Size (the
 * build's sizeBytes): the classic store gives the layers' unpacked size there, while the
 * containerd store gives the compressed size of their blobs, a third of it for a Python image.
 */
export function imageBytes(layers: ImageLayers | null): number | null {
  return layers ? layers.layers.reduce((sum, layer) => sum + layer.bytes, 0) : null;
}

/** The image's layers from its history, on either image store. Throws when it cannot be read. */
export async function measureLayers(docker: DockerCli, image: string): Promise<ImageLayers> {
  const history = await docker.exec(historyArgs(image));
  if (history.exitCode !== 0) throw new Error(`docker history failed: ${outputTail(history, 3)}`);
  return parseHistory(history.stdout);
}

/**
 * What the image holds, listed by listing.py inside it, confined as the smoke test is and as the
 * same user, then judged (sizeFindings). Throws when the listing does not run or report.
 */
export async function measureContents(
  plan: BuildPlan,
  image: string,
  options: { docker: DockerCli; memory: string; timeoutSeconds: number },
): Promise<ImageContents> {
  const { docker } = options;
  const containerName = `ml-container-size-${randomBytes(6).toString('hex')}`;
  const imageUser = plan.dockerfile.kind === 'project' ? (await imageConfig(docker, image)).user : undefined;
  const request = {
    root: '/',
    listMinBytes: LISTED_MIN_BYTES,
    hashMinBytes: DUPLICATE_MIN_BYTES,
    alwaysList: CUDA_LIBRARY.source,
  };
  const ran = await docker.exec(
    scriptArgs(plan, {
      image,
      containerName,
      memory: options.memory,
      script: LISTING,
      argument: JSON.stringify(request),
      imageUser,
    }),
    {
      timeoutMs: options.timeoutSeconds * 1000,
      onTimeout: async () => {
        await docker.exec(['kill', containerName]);
      },
    },
  );
  if (ran.timedOut)
    throw new Error(`the listing ran past ${options.timeoutSeconds}s (input 'smoke-timeout')`);
  // No nonce as the smoke test has: nothing of the project runs here, and nothing decided rests on this.
  const line = ran.stdout.split('\n').find((each) => each.startsWith(MARKER));
  if (ran.exitCode !== 0 || !line)
    throw new Error(`the listing exited ${ran.exitCode} without a result: ${outputTail(ran, 3)}`);
  const listing = parseListing(line.slice(MARKER.length));
  return {
    packages: topPackages(listing.packages),
    packageCount: listing.packages.length,
    findings: sizeFindings(listing, { cpu: plan.variant === 'cpu' }),
    unreadable: listing.unreadable,
  };
}
