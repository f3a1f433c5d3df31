// Figure 4: detection speed. Synthetic monorepos (bench/detect.mjs: 1k, 10k, 100k files; 1k and
// 10k in quick mode) and every fixture repository under test/fixtures/detect, each timed as the
// spawned CLI (`detect --json`, start-up included).
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, median, readJson, run } from '../lib.mjs';

export function detectSpeed(quick) {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-detect-')), 'detect.json');
  run(process.execPath, ['bench/detect.mjs', '--out', out, ...(quick ? ['--quick'] : [])]);
  const synthetic = readJson(out);
  const runs = quick ? 1 : 3;
  const fixtures = readdirSync('test/fixtures/detect')
    .filter((name) => existsSync(join('test/fixtures/detect', name, 'expected.json')))
    .map((name) => {
      const dir = join('test/fixtures/detect', name);
      const expectsError = 'error' in readJson(join(dir, 'expected.json'));
      // A fixture's options.json holds the inputs it is detected with (as the unit test reads it).
      const options = existsSync(join(dir, 'options.json')) ? readJson(join(dir, 'options.json')) : {};
      const flags = options.dependencyFile ? ['--dependency-file', options.dependencyFile] : [];
      const seconds = Array.from({ length: runs }, () => {
        const result = run(process.execPath, [CLI, 'detect', dir, '--json', ...flags], {
          allowFailure: true,
        });
        if (result.status !== (expectsError ? 2 : 0))
          throw new Error(`detect ${name} exited ${result.status}`);
        return result.seconds;
      });
      return { fixture: name, medianSeconds: median(seconds), error: expectsError };
    });
  const largest = synthetic.results.at(-1);
  return {
    synthetic: synthetic.results.map((result) => ({
      files: result.files,
      medianSeconds: result.medianSeconds,
      ratioToFirst: result.ratioToFirst,
    })),
    floorSeconds: synthetic.floor,
    largest: {
      files: largest.files,
      seconds: largest.medianSeconds,
      goalSeconds: largest.files >= 100_000 ? 1 : null,
    },
    fixtures,
    fixturesMaxSeconds: Math.max(...fixtures.map((fixture) => fixture.medianSeconds)),
  };
}
