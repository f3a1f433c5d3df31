import { readFileSync } from 'node:fs';
import { type DockerCli, outputTail } from '../adapters/docker.js';
import type { BuildPlan } from '../plan/types.js';
import type { AfterOutput, AfterScript } from '../smoke/index.js';
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
 * The listing, for the smoke test's harness to run in the image after its checks, confined as they
 * are and as the same user: no container of its own to start, and nothing taken from their timings.
 */
export function listingScript(timeoutSeconds: number): AfterScript {
  const request = {
    root: '/',
    listMinBytes: LISTED_MIN_BYTES,
    hashMinBytes: DUPLICATE_MIN_BYTES,
    alwaysList: CUDA_LIBRARY.source,
  };
  return { script: LISTING, argument: JSON.stringify(request), timeoutSeconds };
}

/**
 * What the image holds, as listing.py listed it there after the smoke test, judged (sizeFindings).
 * Throws when the listing did not run or report.
 */
export function measureContents(plan: BuildPlan, listed: AfterOutput | undefined): ImageContents {
  if (!listed) throw new Error('the smoke test did not run the listing');
  if (listed.timedOut) throw new Error("the listing ran past its time (input 'smoke-timeout')");
  // No nonce of its own: the harness's signed result carries it, and nothing decided rests on it.
  const line = listed.stdout.split('\n').find((each) => each.startsWith(MARKER));
  if (listed.exitCode !== 0 || !line) {
    const tail = listed.stderr.trim().split('\n').slice(-3).join(' ');
    throw new Error(`the listing exited ${listed.exitCode} without a result${tail ? `: ${tail}` : ''}`);
  }
  const listing = parseListing(line.slice(MARKER.length));
  return {
    packages: topPackages(listing.packages),
    packageCount: listing.packages.length,
    findings: sizeFindings(listing, { cpu: plan.variant === 'cpu' }),
    unreadable: listing.unreadable,
  };
}
