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

const LFS_POINTER = 'version https://git-lfs.github.com/spec/v1';
const HUGGING_FACE_WEIGHTS =
  /^(.*\.safetensors|pytorch_model\.bin|tf_model\.h5|flax_model\.msgpack|.*\.safetensors\.index\.json|pytorch_model\.bin\.index\.json)$/;
/** Text models are sniffed only up to this size: beyond it a .json or .txt is data, not a model worth reading. */
const SNIFF_LIMIT = 64 * 1024 * 1024;

/**
 * Model artifacts: files by extension, xgboost JSON and lightgbm text models by their content,
 * and SavedModel and Hugging Face folders as one artifact each. Git LFS pointers are kept but
 * flagged, since their bytes were never fetched.
 */
export function detectModels(reader: RepoReader): ModelArtifact[] {
  const files = reader.files();
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
    const bytes = files
      .filter((path) => (folder === '.' ? true : path.startsWith(`${folder}/`)))
      .reduce((sum, path) => sum + (reader.size(path) ?? 0), 0);
    models.push({ path: folder, format, bytes, lfsPointer: false });
  }
  for (const path of files) {
    if (folderModels.some((prefix) => prefix === '' || path.startsWith(prefix))) continue;
    const format = formatOf(reader, path);
    if (!format) continue;
    const bytes = reader.size(path) ?? 0;
    const lfsPointer = bytes < 1024 && (reader.readText(path) ?? '').startsWith(LFS_POINTER);
    models.push({ path, format, bytes, lfsPointer });
  }
  return models.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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
