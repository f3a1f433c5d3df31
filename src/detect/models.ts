import { posix } from 'node:path';
import { TEXT_CAP } from '../adapters/project-file.js';
import { inFolder } from '../project/paths.js';
import type { RepoReader } from '../project/reader.js';
import { hasControlCharacters } from '../text.js';
import type { ModelArtifact } from './spec.js';

const FORMAT_BY_EXTENSION: ReadonlyMap<string, ModelArtifact['format']> = new Map([
  ['.joblib', 'joblib'],
  ['.pkl', 'pickle'],
  ['.pickle', 'pickle'],
  ['.onnx', 'onnx'],
  ['.pt', 'torch'],
  ['.pth', 'torch'],
  ['.ckpt', 'torch'],
  ['.safetensors', 'safetensors'],
  ['.keras', 'keras'],
  ['.h5', 'h5'],
  ['.ubj', 'xgboost'],
]);

/** How a Git LFS pointer starts (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md). */
const LFS_POINTER = 'version https://git-lfs.github.com/spec/v1';
/** The spec keeps pointers under 1024 bytes; a larger file is content, and is never read to find out. */
const LFS_POINTER_LIMIT = 1024;
/** The index of a sharded Hugging Face checkpoint: its `weight_map` names the shard of each tensor. */
const SHARD_INDEX = /(^|\/)(.*\.safetensors\.index\.json|pytorch_model\.bin\.index\.json)$/;
/** An index larger than this is not parsed (the largest on the Hub are well under 1 MiB). */
const SHARD_INDEX_LIMIT = 16 * 1024 * 1024;
/** Shards one index may name before the rest are not looked at (the Hub's largest have a few hundred). */
const SHARD_LIMIT = 4096;
const HUGGING_FACE_WEIGHTS =
  /^(.*\.safetensors|pytorch_model\.bin|tf_model\.h5|flax_model\.msgpack|.*\.safetensors\.index\.json|pytorch_model\.bin\.index\.json)$/;
/** Text models are sniffed only up to this size: beyond it a .json or .txt is data, not a model worth reading. */
const SNIFF_LIMIT = 64 * 1024 * 1024;
/** The start of a .json or .txt read to tell a model by its first key or line. */
const SNIFF_HEAD = 4096;

/**
 * Model artifacts: files by extension, xgboost JSON and lightgbm text models by their content,
 * and SavedModel and Hugging Face folders as one artifact each. Git LFS pointers are kept but
 * named (`lfsPointers`), for single files and for any file inside a folder model, since their bytes
 * were never fetched; so are the shards a sharded checkpoint's index names but the project lacks
 * (`missingShards`). Only files under 1024 bytes are read to tell a pointer.
 */
export function detectModels(reader: RepoReader): ModelArtifact[] {
  const files = reader.files();
  const known = new Set(files);
  const look = lookups(reader);
  const byFolder = new Map<string, string[]>();
  for (const path of files) {
    const slash = path.lastIndexOf('/');
    const folder = slash < 0 ? '.' : path.slice(0, slash);
    const list = byFolder.get(folder) ?? [];
    list.push(path.slice(slash + 1));
    byFolder.set(folder, list);
  }
  const sorted = [...files].sort();
  const models: ModelArtifact[] = [];
  const folderModels = new Set<string>();
  for (const [folder, names] of byFolder) {
    let format: ModelArtifact['format'] | null = null;
    if (names.includes('saved_model.pb')) format = 'savedmodel';
    else if (names.includes('config.json') && names.some((name) => HUGGING_FACE_WEIGHTS.test(name)))
      format = 'huggingface';
    if (!format) continue;
    folderModels.add(folder);
    const inside = filesUnder(sorted, folder);
    const bytes = inside.reduce((sum, path) => sum + (look.size(path) ?? 0), 0);
    const pointers = new Set(inside.filter(look.pointer));
    const missingShards: ModelArtifact['missingShards'] = [];
    if (format === 'huggingface') {
      for (const index of inside.filter((path) => SHARD_INDEX.test(path))) {
        // Only the project's own files are looked at: a name the index gives is never opened or
        // stat'ed on the strength of the index alone (it may point through a link, out of the project).
        for (const shard of shardsOf(look.shardNames(index), index, folder)) {
          if (!known.has(shard)) missingShards.push({ path: shard, index });
          else if (!pointers.has(shard) && look.pointer(shard)) pointers.add(shard);
        }
      }
      missingShards.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    }
    const lfsPointers = [...pointers].sort();
    models.push({ path: folder, format, bytes, lfsPointers, missingShards });
  }
  for (const path of files) {
    if (inFolderModel(path, folderModels)) continue;
    const format = formatOf(reader, path);
    if (!format) continue;
    models.push({
      path,
      format,
      bytes: look.size(path) ?? 0,
      lfsPointers: look.pointer(path) ? [path] : [],
      missingShards: [],
    });
  }
  return models.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * What detectModels asks of each file, asked once: model folders nested in one another (a
 * repository may hold thousands) look at the same files again.
 */
function lookups(reader: RepoReader): {
  size(path: string): number | null;
  pointer(path: string): boolean;
  shardNames(index: string): string[];
} {
  const sizes = new Map<string, number | null>();
  const pointers = new Map<string, boolean>();
  const names = new Map<string, string[]>();
  const once = <T>(cache: Map<string, T>, path: string, find: () => T): T => {
    if (cache.has(path)) return cache.get(path) as T;
    const found = find();
    cache.set(path, found);
    return found;
  };
  return {
    size: (path) => once(sizes, path, () => reader.size(path)),
    pointer: (path) => once(pointers, path, () => isLfsPointer(reader, path)),
    shardNames: (index) => once(names, index, () => weightMapNames(reader, index)),
  };
}

/** The files in `folder` ('.' for all), subfolders included: a run of `sorted`, found by binary search. */
function filesUnder(sorted: readonly string[], folder: string): string[] {
  if (folder === '.') return [...sorted];
  const prefix = `${folder}/`;
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] ?? '') < prefix) low = middle + 1;
    else high = middle;
  }
  const inside: string[] = [];
  for (let index = low; index < sorted.length && sorted[index]?.startsWith(prefix); index++) {
    inside.push(sorted[index] as string);
  }
  return inside;
}

/** Whether `path` lies in one of `folders` ('.' for the top), looked up by each folder above it. */
function inFolderModel(path: string, folders: ReadonlySet<string>): boolean {
  if (folders.has('.')) return true;
  for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
    if (folders.has(path.slice(0, slash))) return true;
  }
  return false;
}

/** Whether `path` is a Git LFS pointer: a file under 1024 bytes starting with the spec's version line. */
export function isLfsPointer(reader: RepoReader, path: string): boolean {
  const size = reader.size(path);
  if (size === null || size >= LFS_POINTER_LIMIT) return false;
  return (reader.readText(path) ?? '').startsWith(LFS_POINTER);
}

/**
 * The file names a sharded checkpoint's index gives in its `weight_map`, in order. An index that
 * is a pointer itself, too large, or not such JSON names none: the pointer is reported as one,
 * the rest is left to the loader.
 */
function weightMapNames(reader: RepoReader, index: string): string[] {
  const size = reader.size(index);
  if (size === null || size > SHARD_INDEX_LIMIT || isLfsPointer(reader, index)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(reader.readText(index) ?? '');
  } catch {
    return [];
  }
  const weightMap = (parsed as { weight_map?: unknown } | null)?.weight_map;
  if (!weightMap || typeof weightMap !== 'object' || Array.isArray(weightMap)) return [];
  // A file name, nothing a message or a Dockerfile comment could be broken by.
  return Object.values(weightMap as Record<string, unknown>).filter(
    (name): name is string =>
      typeof name === 'string' && name !== '' && !name.startsWith('/') && !hasControlCharacters(name),
  );
}

/**
 * The shard files an index names, relative to the project (a shard lies beside its index), that
 * lie in `modelFolder`: once each, at most SHARD_LIMIT, sorted.
 */
function shardsOf(names: readonly string[], index: string, modelFolder: string): string[] {
  const folder = posix.dirname(index);
  const shards = new Set<string>();
  const within = modelFolder === '.' ? '' : `${modelFolder}/`;
  for (const name of names) {
    const shard = posix.normalize(inFolder(folder, name));
    if (!shard.startsWith(within) || shard.startsWith('../') || shard === '..') continue; // not this model's file
    shards.add(shard);
    if (shards.size >= SHARD_LIMIT) break;
  }
  return [...shards].sort();
}

function formatOf(reader: RepoReader, path: string): ModelArtifact['format'] | undefined {
  const dot = path.lastIndexOf('.');
  if (dot <= path.lastIndexOf('/')) return undefined;
  const extension = path.slice(dot).toLowerCase();
  const byExtension = FORMAT_BY_EXTENSION.get(extension);
  if (byExtension) return byExtension;
  if (extension !== '.json' && extension !== '.txt') return undefined;
  const size = reader.size(path) ?? 0;
  if (size === 0 || size > SNIFF_LIMIT) return undefined;
  const head = headOf(reader, path, size);
  if (extension === '.json') return /^\s*\{\s*"learner"\s*:/.test(head) ? 'xgboost' : undefined;
  return /^tree\r?\n/.test(head) && /^version=v\d/m.test(head) ? 'lightgbm' : undefined;
}

/** Enough of a file's start to tell its format: read alone where the reader can, so a large data file is never read whole. */
function headOf(reader: RepoReader, path: string, size: number): string {
  if (reader.readHead) return reader.readHead(path, SNIFF_HEAD) ?? '';
  return size > TEXT_CAP ? '' : (reader.readText(path) ?? '').slice(0, SNIFF_HEAD);
}
