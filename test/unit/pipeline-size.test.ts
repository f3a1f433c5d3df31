/**
 * The size report comes after the smoke test and before any push: input 'max-image-size' fails the
 * run over the size the build recorded, and a listing that cannot run is warned about, never fatal.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pipeline } from '../../src/pipeline.js';
import { outputs } from '../../src/report/outputs.js';
import { summaryMarkdown } from '../../src/report/summary.js';
import { fakeDocker, sizeListingOf } from './fake-docker.js';
import { githubRun, inputsWith, testLogger } from './helpers.js';

const example = resolve('examples/sklearn-iris');
const release = githubRun({ ref: 'refs/tags/v1.0.0' });

/** A release of examples/sklearn-iris that pushes; the fake image's layers add up to 163315392 bytes. */
async function releaseRun(values: Record<string, string>, fake: Parameters<typeof fakeDocker>[0] = {}) {
  const docker = fakeDocker(fake);
  const warning: string[] = [];
  const info: string[] = [];
  const report = await pipeline(
    inputsWith({ context: example, push: 'true', image: 'r/iris', ...values }),
    release,
    { docker, logger: testLogger({ warning, info }) },
  );
  return { docker, report, warning, info };
}

describe('the size report in the pipeline', () => {
  it('measures the tested image before pushing it, and reports it in the summary and metadata', async () => {
    const { docker, report, info } = await releaseRun({ 'max-image-size': '1GB' });
    expect(report.error).toBeUndefined();
    const verbs = docker.calls.map((call) =>
      call[0] === 'run' && !call.includes('python3') ? 'smoke' : call[0],
    );
    // Measured after the smoke test (the tested image, after its build), always before the push.
    const at = (verb: string) => verbs.indexOf(verb);
    expect(at('smoke')).toBeGreaterThan(at('build'));
    expect(at('history')).toBeGreaterThan(at('smoke'));
    expect(at('history')).toBeLessThan(at('push'));
    // The listing rides in the smoke test's container, so it is confined as the checks are (offline,
    // read-only, the image's own non-root user), and starts no container of its own.
    const smokeRuns = docker.calls.filter((call) => call[0] === 'run' && !call.includes('python3'));
    expect(smokeRuns).toHaveLength(1);
    // Its own time, input 'smoke-timeout', on top of the checks'.
    expect(sizeListingOf(smokeRuns[0] ?? [])).toMatchObject({ timeout: 300 });
    expect(smokeRuns[0]).toEqual(
      expect.arrayContaining(['--network=none', '--read-only', '--cap-drop=ALL', '--user', '-I', '-S']),
    );
    expect(info.join('\n')).toContain("limit 953.7 MiB (input 'max-image-size')");
    const summary = summaryMarkdown(report);
    expect(summary).toContain('### Size');
    expect(summary).toContain(
      "Image 155.7 MiB uncompressed (its layers added up), within input 'max-image-size'",
    );
    const [variant] = JSON.parse(outputs(report).metadata ?? '{}').variants;
    expect(variant.size).toMatchObject({
      bytes: 163315392,
      limit: 1000000000,
      packages: [
        { name: 'scipy', version: '1.15.2', bytes: 110000000 },
        { name: 'scikit-learn', version: '1.6.1', bytes: 40000000 },
      ],
      findings: [
        { kind: 'pycache', paths: [], bytes: 9000000, count: 400 },
        {
          kind: 'test-data',
          paths: ['/opt/venv/lib/python3.11/site-packages/scipy'],
          bytes: 2000000,
          count: 1,
        },
      ],
    });
    expect(variant.size.layers.map((layer: { createdBy: string }) => layer.createdBy)).toEqual([
      '',
      expect.stringMatching(/^RUN SOURCE_DATE_EPOCH=0 python3 -m venv \/opt\/venv && /),
      'COPY . /app',
    ]);
  });

  it("fails an image over input 'max-image-size' before anything is pushed, with the report", async () => {
    const { docker, report } = await releaseRun({ 'max-image-size': '100MB' });
    expect(report.error?.phase).toBe('smoke');
    expect(report.error?.message).toBe(
      "the image is 155.7 MiB uncompressed (163315392 bytes), over input 'max-image-size' 95.4 MiB (100000000 bytes)",
    );
    expect(report.error?.detail).toContain('scipy 1.15.2');
    expect(docker.calls.some((call) => call[0] === 'push')).toBe(false);
    expect(report.variants[0]?.publish).toEqual({
      push: false,
      why: "the image is over input 'max-image-size'",
      pushed: [],
    });
    expect(outputs(report).pushed).toBe('false');
    const summary = summaryMarkdown(report);
    expect(summary).toContain('❌ failed in smoke');
    expect(summary).toContain("**over input 'max-image-size' (95.4 MiB)**");
    expect(summary).toContain("Nothing pushed: the image is over input 'max-image-size'.");
  });

  it('warns and goes on when the listing cannot run in the image, and still keeps the limit', async () => {
    const passed = await releaseRun({}, { sizeListing: 'fails' });
    expect(passed.report.error).toBeUndefined();
    expect(passed.warning).toEqual([
      expect.stringMatching(
        /^size report: could not read the cpu image's packages and files, left out of the report: the listing exited 127/,
      ),
    ]);
    expect(passed.report.variants[0]?.publish?.pushed).toEqual(['r/iris:v1.0.0', 'r/iris:latest']);
    expect(summaryMarkdown(passed.report)).toContain('Packages and files: not measured');

    const over = await releaseRun({ 'max-image-size': '1MB' }, { sizeListing: 'fails' });
    expect(over.report.error?.message).toMatch(/over input 'max-image-size'/);
    expect(over.docker.calls.some((call) => call[0] === 'push')).toBe(false);
  });

  it('fails, pushing nothing, when the layers that give the size cannot be read and there is a limit', async () => {
    const unlimited = await releaseRun({}, { history: 'fails' });
    expect(unlimited.report.error).toBeUndefined();
    expect(unlimited.warning).toEqual([expect.stringMatching(/could not read the cpu image's layers/)]);

    const limited = await releaseRun({ 'max-image-size': '1GB' }, { history: 'fails' });
    expect(limited.report.error?.message).toBe(
      "the image's layers could not be read, so input 'max-image-size' (953.7 MiB) cannot be checked",
    );
    expect(limited.docker.calls.some((call) => call[0] === 'push')).toBe(false);
  });
});
