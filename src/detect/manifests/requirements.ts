import type { RepoReader } from '../../project/reader.js';
import { parseRequirementsFile } from '../../python/requirements.js';
import type { Manifest } from '../manifest.js';

/** A pip requirements file as a manifest; when every requirement carries `--hash`, it is its own lock. */
export function readRequirementsManifest(reader: RepoReader, path: string): Manifest & { hashed: boolean } {
  const parsed = parseRequirementsFile(reader, path);
  return {
    format: 'requirements',
    files: parsed.files,
    requirements: parsed.requirements,
    python: [],
    indexes: [
      ...(parsed.indexUrl ? [{ url: parsed.indexUrl.url, name: null, source: parsed.indexUrl.source }] : []),
      ...parsed.extraIndexUrls.map(({ url, source }) => ({ url, name: null, source, extra: true as const })),
    ],
    cuda: [],
    gpu: null,
    cpuBuilds: [],
    entrypoint: null,
    systemPackages: [],
    warnings: [],
    hashed:
      parsed.requirements.length > 0 &&
      parsed.requirements.every((requirement) => requirement.hashes.length > 0),
  };
}
