// The results as the Markdown page the README links to (bench/results.md).
const s = (seconds) =>
  seconds === null || seconds === undefined ? 'n/a' : `${seconds.toFixed(seconds < 1 ? 3 : 1)} s`;
const mib = (bytes) =>
  bytes === null || bytes === undefined ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ratio = (value, goal) =>
  `${value.toFixed(3)}${goal === undefined ? '' : value <= goal ? ` (goal ≤ ${goal}: met)` : ` (goal ≤ ${goal}: **not met**)`}`;

export function markdown(results) {
  const { machine, figures } = results;
  const lines = [
    '# Benchmark results',
    '',
    `Measured ${results.date.slice(0, 10)} with \`npm run bench\`${results.quick ? ' --quick' : ''} in ${Math.round(results.totalSeconds / 60)} min on ${machine.cpu}, ${machine.cpus} CPUs, ${machine.totalMemoryGiB} GiB, ${machine.platform}; Node ${machine.node}, Docker ${machine.docker}, buildx ${machine.buildx}; ${machine.index}. Every figure is a ratio or a count of runs made side by side in this one run. JSON: \`bench/results.json\`.`,
    '',
    '## 1. Source-only change: warm rebuild ÷ cold build',
    '',
    "Edit one source file, rebuild and smoke-test, against the cold build and smoke of the same example (empty BuildKit cache, no lock kept). Build and smoke times are the action's own; the whole CLI run adds detection, the lock (resolved cold, reused warm: same inputs, same day), the size report and, for a release, the push. *pull request*: nothing pushed; *release*: `--push true`, the reproducible image every pushing run makes. Both load straight into the image store: the layers are reproducible as built, so no export rewrites them (before, a release's BuildKit 0.13 `rewrite-timestamp` export cost half a cold build).",
    '',
    '| example | route | cold build + smoke | warm build + smoke | ratio | whole run cold / warm | whole-run ratio |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...figures.rebuild.map(
      (row) =>
        `| ${row.example} | ${row.route} | ${s(row.coldBuildAndSmokeSeconds)} | ${s(row.warmBuildAndSmokeSeconds)} | ${ratio(row.ratio, row.goal)} | ${s(row.coldWallSeconds)} / ${s(row.warmWallSeconds)} | ${ratio(row.wallRatio, row.route === 'release' ? 0.15 : undefined)} |`,
    ),
    '',
    '## 2. One dependency bumped: rebuild with the pip cache mount ÷ without it',
    '',
    '| example | bump | with cache mount | without | ratio |',
    '| --- | --- | ---: | ---: | ---: |',
    ...figures.pipCache.map(
      (row) =>
        `| ${row.example} | ${row.bump} | ${s(row.withPipCacheSeconds)} | ${s(row.withoutPipCacheSeconds)} | ${ratio(row.ratio)} |`,
    ),
    '',
    "## 3. Image size: the action's CPU image ÷ a naive Dockerfile",
    '',
    '| example | ours | naive | ratio | naive install |',
    '| --- | ---: | ---: | ---: | --- |',
    ...figures.size.map(
      (row) =>
        `| ${row.example} | ${mib(row.oursBytes)} | ${mib(row.naiveBytes)} | ${ratio(row.ratio, row.example === 'torch-mnist' ? row.goal : undefined)} | ${row.naive} |`,
    ),
    '',
    ...(results.remeasured?.size
      ? [
          `Re-measured alone on ${results.remeasured.size.date.slice(0, 10)} (\`npm run bench -- --only size\`), on the test bed's PyPI-shaped main index: no \`+cpu\` wheel on it, the CPU torch only from the PyTorch-style \`/whl/cpu\` index.`,
          '',
        ]
      : []),
    `GPU pip-cuda variant ÷ an nvidia/cuda base: not measured — ${figures.gpuBaseSize.why}.`,
    '',
    '## 4. Detect: wall time as the repository grows, and on every fixture',
    '',
    '| files | median | × the first size |',
    '| ---: | ---: | ---: |',
    ...figures.detect.synthetic.map(
      (row) =>
        `| ${row.files.toLocaleString('en-US')} | ${s(row.medianSeconds)} | ${row.ratioToFirst.toFixed(2)} |`,
    ),
    '',
    `Largest: ${figures.detect.largest.files.toLocaleString('en-US')} files in ${s(figures.detect.largest.seconds)}${figures.detect.largest.goalSeconds ? ` (goal ≤ 1 s: ${figures.detect.largest.seconds <= 1 ? 'met' : '**not met**'})` : ''}. Start-up floor: \`node -e 0\` ${s(figures.detect.floorSeconds.nodeStartSeconds)}, detect on a one-file project ${s(figures.detect.floorSeconds.cliDetectMinimalSeconds)}. ${figures.detect.fixtures.length} fixture repositories: slowest ${s(figures.detect.fixturesMaxSeconds)}.`,
    '',
    '<details><summary>Every fixture</summary>',
    '',
    '| fixture | median | outcome |',
    '| --- | ---: | --- |',
    ...figures.detect.fixtures.map(
      (row) =>
        `| ${row.fixture} | ${s(row.medianSeconds)} | ${row.error ? 'the expected error, exit 2' : 'detected'} |`,
    ),
    '',
    '</details>',
    '',
    '## 5. Action start-up',
    '',
    `\`node dist/index.js\` to its first phase starting: median ${s(figures.startup.medianSeconds)} of ${figures.startup.runs} runs. Bundle \`dist/index.js\` ${mib(figures.startup.bundleBytes)}; all of \`dist/\` (action and CLI) ${mib(figures.startup.distBytes)}.`,
    '',
    '## 6. Reproducibility: two builds of one commit from empty caches',
    '',
    '| example | image manifest digests equal | build times |',
    '| --- | --- | ---: |',
    ...figures.reproducibility.map(
      (row) =>
        `| ${row.example} | ${row.equal ? 'yes' : '**no**'} (\`${(row.digests[0] ?? 'none').slice(0, 19)}…\`) | ${row.buildSeconds.map(s).join(', ')} |`,
    ),
    '',
    '## 7. Smoke test: import, first prediction, peak memory',
    '',
    '| example | image | imports | model load / first prediction | peak memory |',
    '| --- | ---: | --- | --- | ---: |',
    ...figures.smoke.map(
      (row) =>
        `| ${row.example} (${row.variant}) | ${mib(row.imageBytes)} | ${Object.entries(row.importSeconds)
          .map(([name, seconds]) => `${name} ${s(seconds)}`)
          .join(', ')} | ${
          Object.entries(row.modelLoadSeconds)
            .map(([name, seconds]) => `${name} ${s(seconds)} / ${s(row.firstPredictionSeconds[name])}`)
            .join(', ') || 'no model'
        } | ${mib(row.peakMemoryBytes)} |`,
    ),
    '',
    ...(figures.wholeRun
      ? [
          '## 8. The whole pull-request run, as a user waits for it: warm ÷ cold',
          '',
          '`node dist/index.js` from start to outputs on a pull request (detect, plan, lock, build, smoke, size report, cache restore and save), `cache: local`, the Actions cache served on 127.0.0.1 by the v1 protocol server of the end-to-end tests. Cold: nothing cached anywhere; warm: after a one-line source change, committed. *fresh*: a GitHub-hosted runner, its BuildKit cache and home emptied before each run, so the warm run gets back only what the Actions cache holds (the build cache folder, the lock); *persistent*: a self-hosted runner that keeps both.',
          '',
          '| example | runner | cold | warm | ratio | warm run resolved its lock |',
          '| --- | --- | ---: | ---: | ---: | --- |',
          ...figures.wholeRun.map(
            (row) =>
              `| ${row.example} | ${row.runner} | ${s(row.coldSeconds)} | ${s(row.warmSeconds)} | ${ratio(row.ratio, row.goal)} | ${row.warmResolvedLock ? 'yes' : 'no (cached)'} |`,
          ),
          '',
        ]
      : []),
    ...(figures.pushBytes
      ? [
          '## 9. What a source-only change pushes',
          '',
          'The example with a 20 MiB data file beside its model, pushed, then one source file edited and pushed again: the bytes of the layers the second image has that the first had not (a push sends only those; the registry holds the rest). Heavy files have layers of their own, before the source.',
          '',
          '| example | image (compressed) | layers | new layers | new bytes |',
          '| --- | ---: | ---: | ---: | ---: |',
          ...figures.pushBytes.map(
            (row) =>
              `| ${row.example} | ${mib(row.imageBytes)} | ${row.layers} | ${row.newLayers} | ${(row.newBytes / 1024).toFixed(1)} KiB (goal ≤ 1 MiB: ${row.newBytes <= row.goalBytes ? 'met' : '**not met**'}) |`,
          ),
          '',
        ]
      : []),
  ];
  return lines.join('\n');
}
