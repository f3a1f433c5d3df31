import type { Decision } from './types.js';

/** A file of the build context at least HEAVY_FILE_BYTES large: a model, a data set, a checkpoint. */
export interface HeavyFile {
  path: string;
  bytes: number;
}

/**
 * Files this large get a layer of their own, before the source: a source change then rebuilds and
 * pushes only the source layer, and a model change only that model's layer.
 */
export const HEAVY_FILE_BYTES = 1024 * 1024;
/** At most this many own layers (the largest files); the rest travel with the source. */
export const MAX_HEAVY_LAYERS = 24;

/**
 * A path the Dockerfile can carry in a `--mount` option and a shell word as it is: letters, digits,
 * `._+@-` and `/` between segments, none of them `.` or `..`. Anything else stays with the source.
 */
const SAFE_PATH = /^(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9._+@-]+(?:\/[A-Za-z0-9._+@-]+)*$/;

export function isCarriablePath(path: string): boolean {
  return SAFE_PATH.test(path);
}

/** Which heavy files get their own layer (sorted by path, so the layer order is stable), and the decision that says so. */
export function chooseHeavyLayers(heavy: readonly HeavyFile[]): { own: HeavyFile[]; decision: Decision } {
  const carriable = heavy.filter((file) => isCarriablePath(file.path));
  const own = [...carriable]
    .sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path))
    .slice(0, MAX_HEAVY_LAYERS)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const left = heavy.length - own.length;
  const unsafe = heavy.length - carriable.length;
  const why = [
    `files of ${HEAVY_FILE_BYTES / 1024 / 1024} MiB or more get a layer each, before the source, so a source change pushes only the source`,
    ...(unsafe > 0 ? [`${unsafe} with a name a Dockerfile cannot carry stay with the source`] : []),
    ...(left - unsafe > 0 ? [`only the ${MAX_HEAVY_LAYERS} largest get their own layer`] : []),
  ].join('; ');
  return {
    own,
    decision: {
      topic: 'layers',
      choice:
        own.length === 0
          ? 'the source in one layer (no file of 1 MiB or more)'
          : `${own.length} heavy file${own.length === 1 ? '' : 's'} in ${own.length === 1 ? 'a layer' : 'layers'} of ${own.length === 1 ? 'its' : 'their'} own (${shortList(own.map((file) => file.path))}), then the source`,
      why,
    },
  };
}

function shortList(paths: readonly string[]): string {
  return paths.length <= 5
    ? paths.join(', ')
    : `${paths.slice(0, 5).join(', ')} and ${paths.length - 5} more`;
}
