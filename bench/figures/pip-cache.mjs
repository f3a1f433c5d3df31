// Figure 2: one dependency bumped. The example's plan is rendered twice (numpy pinned at one
// version, then the next), and the second lock is built after the first, from an empty BuildKit
// cache each time: once with the Dockerfile as rendered (pip's cache in a BuildKit cache mount),
// once with that mount removed. The ratio is the bumped rebuild with the mount ÷ without it.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, checkout, emptyBuildCache, run, testbed } from '../lib.mjs';

const PIP_CACHE_MOUNT = /^ *--mount=type=cache,id=ml-container-pip-[^\n]*\\\n/m;

function render(dir, out, extra) {
  const bed = testbed();
  run(process.execPath, [
    CLI,
    'plan',
    dir,
    '--out',
    out,
    '--base-image',
    bed.baseImage,
    '--index-url',
    bed.indexUrl,
    '--network',
    bed.network,
    '--pytorch-index-url',
    bed.pytorchIndex,
    ...extra,
  ]);
}

function build(dir, generated, dockerfile) {
  return run('docker', [
    'buildx',
    'build',
    '--file',
    dockerfile,
    '--build-context',
    `generated=${generated}`,
    '--network',
    testbed().network,
    '--allow',
    'network.host',
    '--output',
    'type=cacheonly',
    '--progress',
    'plain',
    dir,
  ]).seconds;
}

export function pipCacheRebuild(example, pins, extra = []) {
  const project = checkout(example);
  const generated = pins.map((pin) => {
    const out = mkdtempSync(join(tmpdir(), 'bench-pip-cache-'));
    const requirements = join(project.dir, 'requirements.txt');
    const original = readFileSync(requirements, 'utf8').replace(/\n# bench pin:.*\n.*\n$/s, '\n');
    writeFileSync(requirements, original);
    appendFileSync(requirements, `# bench pin:\n${pin}\n`);
    render(project.dir, out, extra);
    const withMount = join(out, 'Dockerfile');
    const withoutMount = join(out, 'Dockerfile.no-pip-cache');
    const text = readFileSync(withMount, 'utf8');
    if (!PIP_CACHE_MOUNT.test(text)) throw new Error(`no pip cache mount in ${withMount}`);
    writeFileSync(withoutMount, text.replace(PIP_CACHE_MOUNT, ''));
    return { out, withMount, withoutMount };
  });
  const [before, after] = generated;
  const bumped = (file) => {
    emptyBuildCache();
    build(project.dir, before.out, before[file]);
    return build(project.dir, after.out, after[file]);
  };
  const withCache = bumped('withMount');
  const withoutCache = bumped('withoutMount');
  return {
    example,
    bump: pins.join(' → '),
    withPipCacheSeconds: withCache,
    withoutPipCacheSeconds: withoutCache,
    ratio: withCache / withoutCache,
  };
}
