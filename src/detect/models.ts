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
};

const LFS_POINTER = 'version https://git-lfs.github.com/spec/v1';

/** Model files by extension; Git LFS pointers are kept but flagged, since their bytes were never fetched. */
export function detectModels(reader: RepoReader): ModelArtifact[] {
  const models: ModelArtifact[] = [];
  for (const path of reader.files()) {
    const dot = path.lastIndexOf('.');
    const format =
      dot > path.lastIndexOf('/') ? FORMAT_BY_EXTENSION[path.slice(dot).toLowerCase()] : undefined;
    if (!format) continue;
    const bytes = reader.size(path) ?? 0;
    const lfsPointer = bytes < 1024 && (reader.readText(path) ?? '').startsWith(LFS_POINTER);
    models.push({ path, format, bytes, lfsPointer });
  }
  return models;
}
