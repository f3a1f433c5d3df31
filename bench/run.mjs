#!/usr/bin/env node
// The benchmark: what users feel, each figure a ratio or count measured side by side in one run on
// the test bed, with the machine described (see bench/README.md).
//
//   eval "$(bash scripts/testbed.sh env)"
//   npm run bench                 # every figure, full sizes (about half an hour on 2 cores)
//   npm run bench -- --quick      # every figure on the small sklearn example (CI runs this)
//   npm run bench -- --out FILE   # where the JSON goes (bench/results.json; quick: a temp file)
//   npm run bench -- --only size  # re-measure figure 3 alone, merged into bench/results.json/.md
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { detectSpeed } from './figures/detect.mjs';
import { pipCacheRebuild } from './figures/pip-cache.mjs';
import { pushBytes } from './figures/push-bytes.mjs';
import { sourceOnlyRebuild } from './figures/rebuild.mjs';
import { reproducibility } from './figures/reproducibility.mjs';
import { imageSizeRatio } from './figures/size.mjs';
import { smokeFigures } from './figures/smoke.mjs';
import { startup } from './figures/startup.mjs';
import { wholeRun } from './figures/whole-run.mjs';
import { buildWithCli, checkout, machine, testbed } from './lib.mjs';
import { markdown } from './markdown.mjs';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string' },
  },
});
if (values.only !== undefined && values.only !== 'size') {
  process.stderr.write(`--only takes 'size' (figure 3), got '${values.only}'\n`);
  process.exit(2);
}
const quick = values.quick;
const out =
  values.out ?? (quick ? join(mkdtempSync(join(tmpdir(), 'bench-')), 'results.json') : 'bench/results.json');
testbed();

const started = Date.now();
const step = async (title, body) => {
  process.stderr.write(`[bench] ${title}\n`);
  const result = await body();
  process.stderr.write(`[bench] ${title}: done at ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return result;
};
const cpu = ['--variant', 'cpu'];
const release = ['--push', 'true'];
const figures = {};

if (values.only === 'size') {
  // Figure 3 alone, each image built cold from its own checkout, the other figures kept as they were.
  const previous = JSON.parse(readFileSync('bench/results.json', 'utf8'));
  const build = (example, extra = []) =>
    buildWithCli(checkout(example).dir, `${example}-size`, extra).variant;
  const size = await step('3 image size against a naive Dockerfile', () => [
    imageSizeRatio('torch-mnist', build('torch-mnist', cpu), {
      requirements: 'examples/torch-cuda-lock/requirements.txt',
      noDeps: true,
    }),
    imageSizeRatio('sklearn-iris', build('sklearn-iris')),
  ]);
  const results = {
    ...previous,
    figures: { ...previous.figures, size },
    remeasured: { size: { date: new Date().toISOString(), machine: machine() } },
  };
  writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
  const table = markdown(results);
  writeFileSync('bench/results.md', table);
  process.stdout.write(`${table}\n`);
  process.exit(0);
}

figures.rebuild = await step('1 source-only rebuild', () =>
  quick
    ? [sourceOnlyRebuild('sklearn-iris'), sourceOnlyRebuild('sklearn-iris', release, 'release')]
    : [
        sourceOnlyRebuild('sklearn-iris'),
        sourceOnlyRebuild('sklearn-iris', release, 'release'),
        sourceOnlyRebuild('torch-mnist', cpu),
        sourceOnlyRebuild('torch-mnist', [...cpu, ...release], 'release'),
      ],
);
figures.pipCache = await step('2 one dependency bumped, pip cache mount on/off', () =>
  quick
    ? [pipCacheRebuild('sklearn-iris', ['numpy==2.4.0', 'numpy==2.4.1'])]
    : [
        pipCacheRebuild('sklearn-iris', ['numpy==2.4.0', 'numpy==2.4.1']),
        pipCacheRebuild('torch-mnist', ['numpy==2.4.0', 'numpy==2.4.1'], cpu),
      ],
);
const builtBy = (example) =>
  figures.rebuild.find((entry) => entry.example === example && entry.route === 'pull request').runs.cold;
figures.size = await step('3 image size against a naive Dockerfile', () =>
  quick
    ? [imageSizeRatio('sklearn-iris', builtBy('sklearn-iris'))]
    : [
        imageSizeRatio('torch-mnist', builtBy('torch-mnist'), {
          requirements: 'examples/torch-cuda-lock/requirements.txt',
          noDeps: true,
        }),
        imageSizeRatio('sklearn-iris', builtBy('sklearn-iris')),
      ],
);
figures.gpuBaseSize = {
  measured: false,
  why: 'no nvidia/cuda image can be pulled or made on this machine (no Docker Hub, no CUDA packages), so the pip-cuda variant has nothing to be compared with',
};
figures.detect = await step('4 detect speed', () => detectSpeed(quick));
figures.startup = await step('5 action start-up', () => startup(quick ? 3 : 10));
figures.reproducibility = await step('6 reproducibility from empty caches', () =>
  quick
    ? [reproducibility('sklearn-iris')]
    : [
        reproducibility('sklearn-iris'),
        reproducibility('torch-mnist', cpu),
        reproducibility('torch-cuda-lock'),
      ],
);
figures.smoke = await step('7 smoke timings', () => {
  const rows = figures.rebuild
    .filter((entry) => entry.route === 'pull request')
    .map((entry) => smokeFigures(entry.example, entry.runs.cold));
  if (!quick) {
    for (const example of ['lightgbm-tabular', 'sklearn-uv']) {
      rows.push(smokeFigures(example, buildWithCli(checkout(example).dir, `${example}-smoke`).variant));
    }
    const gpu = buildWithCli(checkout('torch-cuda-lock').dir, 'torch-cuda-lock-smoke');
    rows.push(smokeFigures('torch-cuda-lock', gpu.variant));
  }
  return rows;
});

figures.wholeRun = await step('8 the whole pull-request run through dist/index.js', async () =>
  quick
    ? [await wholeRun('sklearn-iris', 'fresh')]
    : [
        await wholeRun('sklearn-iris', 'fresh'),
        await wholeRun('sklearn-iris', 'persistent'),
        await wholeRun('torch-mnist', 'fresh', { variant: 'cpu' }),
      ],
);
figures.pushBytes = await step('9 bytes pushed after a source-only change', async () => [
  await pushBytes('sklearn-iris'),
]);

for (const entry of figures.rebuild) delete entry.runs;
const results = {
  date: new Date().toISOString(),
  quick,
  machine: machine(),
  totalSeconds: (Date.now() - started) / 1000,
  figures,
};
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
const table = markdown(results);
if (!quick) writeFileSync('bench/results.md', table);
process.stdout.write(`${table}\nJSON: ${out}\n`);
