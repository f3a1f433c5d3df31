// Figure 9: what a source-only change pushes. The example, with a 20 MiB data file beside its
// model, is pushed, one source file is edited and committed, and it is pushed again; the figure is
// the bytes of the layers the second image has that the first had not (the registry already holds
// the rest, so a push sends only these), read from the registry's manifests.
import { randomBytes } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWithCli, checkout, emptyBuildCache, testbed } from '../lib.mjs';

async function layers(repository, manifest) {
  const { registry } = testbed();
  const response = await fetch(`http://${registry}/v2/${repository}/manifests/${manifest}`, {
    headers: {
      Accept:
        'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
    },
  });
  if (!response.ok) throw new Error(`manifest ${repository}@${manifest}: HTTP ${response.status}`);
  return (await response.json()).layers;
}

export async function pushBytes(example) {
  const project = checkout(example);
  writeFileSync(join(project.dir, 'data.bin'), randomBytes(20 * 2 ** 20));
  project.commit('add a data file');
  emptyBuildCache();
  const name = `${example}-push-bytes`;
  const push = ['--push', 'true'];
  const first = buildWithCli(project.dir, name, push);
  appendFileSync(join(project.dir, 'predict.py'), '\n# a source-only change\n');
  project.commit('edit predict.py');
  const second = buildWithCli(project.dir, name, push);
  const repository = `bench/${name}`;
  const before = await layers(repository, first.variant.manifest_digest);
  const after = await layers(repository, second.variant.manifest_digest);
  const added = after.filter((layer) => !before.some((old) => old.digest === layer.digest));
  return {
    example,
    imageBytes: after.reduce((sum, layer) => sum + layer.size, 0),
    layers: after.length,
    newLayers: added.length,
    newBytes: added.reduce((sum, layer) => sum + layer.size, 0),
    goalBytes: 2 ** 20,
  };
}
