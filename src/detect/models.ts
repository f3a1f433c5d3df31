import { posix } from 'node:path';
import { hasControlCharacters } from '../text.js';
import { inFolder } from './paths.js';
import type { RepoReader } from './reader.js';
import type { ModelArtifact } from './spec.js';

const FORMAT_BY_EXTENSION: Record<string, ModelArtifact['format']> = {
  '.joblib': 'joblib',
  '.pkl': 'pickle',
  '.pickle': 'pickle',
  '.onnx': 'onnx',
  '.pt': 'torch',
  '.pth': 'torch',
  '.ckpt': 'torch',
  '.safetensors': 'safetensors',
  '.keras': 'keras',
  '.h5': 'h5',
  '.ubj': 'xgboost',
};

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
  const byFolder = new Map<string, string[]>();
  for (const path of files) {
    const slash = path.lastIndexOf('/');
    const folder = slash < 0 ? '.' : path.slice(0, slash);
    const list = byFolder.get(folder) ?? [];
    list.push(path.slice(slash + 1));
    byFolder.set(folder, list);
  }
  const models: ModelArtifact[] = [];
  const folderModels: string[] = [];
  for (const [folder, names] of byFolder) {
    let format: ModelArtifact['format'] | null = null;
    if (names.includes('saved_model.pb')) format = 'savedmodel';
    else if (names.includes('config.json') && names.some((name) => HUGGING_FACE_WEIGHTS.test(name)))
      format = 'huggingface';
    if (!format) continue;
    folderModels.push(folder === '.' ? '' : `${folder}/`);
    const inside = files.filter((path) => (folder === '.' ? true : path.startsWith(`${folder}/`)));
    const bytes = inside.reduce((sum, path) => sum + (reader.size(path) ?? 0), 0);
    const pointers = new Set(inside.filter((path) => isLfsPointer(reader, path)));
    const missingShards: ModelArtifact['missingShards'] = [];
    if (format === 'huggingface') {
      for (const index of inside.filter((path) => SHARD_INDEX.test(path))) {
        // Only the project's own files are looked at: a name the index gives is never opened or
        // stat'ed on the strength of the index alone (it may point through a link, out of the project).
        for (const shard of shardsOf(reader, index, folder)) {
          if (!known.has(shard)) missingShards.push({ path: shard, index });
          else if (!pointers.has(shard) && isLfsPointer(reader, shard)) pointers.add(shard);
        }
      }
      missingShards.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    }
    const lfsPointers = [...pointers].sort();
    models.push({ path: folder, format, bytes, lfsPointers, missingShards });
  }
  for (const path of files) {
    if (folderModels.some((prefix) => prefix === '' || path.startsWith(prefix))) continue;
    const format = formatOf(reader, path);
    if (!format) continue;
    const bytes = reader.size(path) ?? 0;
    models.push({
      path,
      format,
      bytes,
      lfsPointers: isLfsPointer(reader, path) ? [path] : [],
      missingShards: [],
    });
  }
  return models.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Whether `path` is a Git LFS pointer: a file under 1024 bytes starting with the spec's version line. */
export function isLfsPointer(reader: RepoReader, path: string): boolean {
  const size = reader.size(path);
  if (size === null || size >= LFS_POINTER_LIMIT) return false;
  return (reader.readText(path) ?? '').startsWith(LFS_POINTER);
}

/**
 * The shard files a sharded checkpoint's index names in its `weight_map`, relative to the project
 * (a shard lies beside its index), once each, sorted. An index that is a pointer itself, too large,
 * or not such JSON names none: the pointer is reported as one, the rest is left to the loader.
 */
function shardsOf(reader: RepoReader, index: string, modelFolder: string): string[] {
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
  const folder = posix.dirname(index);
  const shards = new Set<string>();
  const within = modelFolder === '.' ? '' : `${modelFolder}/`;
  for (const name of Object.values(weightMap as Record<string, unknown>)) {
    // A file name, nothing a message or a Dockerfile comment could be broken by.
    if (typeof name !== 'string' || !name || name.startsWith('/') || hasControlCharacters(name)) continue;
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
  const byExtension = FORMAT_BY_EXTENSION[extension];
  if (byExtension) return byExtension;
  if (extension !== '.json' && extension !== '.txt') return undefined;
  const size = reader.size(path) ?? 0;
  if (size === 0 || size > SNIFF_LIMIT) return undefined;
  const head = (reader.readText(path) ?? '').slice(0, 4096);
  if (extension === '.json') return /^\s*\{\s*"learner"\s*:/.test(head) ? 'xgboost' : undefined;
  return /^tree\r?\n/.test(head) && /^version=v\d/m.test(head) ? 'lightgbm' : undefined;
}
