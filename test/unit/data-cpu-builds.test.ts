import { describe, expect, it } from 'vitest';
import { frameworkRow } from '../../src/data/compat.js';
import { cpuCondaPackages, cpuExtras, cpuIndexes, cpuLocalVersions } from '../../src/data/cpu-builds.js';

describe('src/data/cpu-builds.json', () => {
  const rows = [...cpuIndexes, ...cpuLocalVersions, ...cpuExtras, ...cpuCondaPackages];

  it.each(rows)('row %j names a public source and says what it means', (row) => {
    expect(row.source).toMatch(/^https:\/\/[^\s]+$/);
    expect(row.note.length).toBeGreaterThan(20);
  });

  it('speaks of frameworks the framework table knows', () => {
    for (const row of cpuExtras) expect(frameworkRow(row.package), row.package).toBeDefined();
    for (const row of cpuCondaPackages) expect(frameworkRow(row.framework), row.framework).toBeDefined();
    for (const row of [...cpuIndexes, ...cpuLocalVersions]) expect(row.packages).toContain('torch');
  });

  it('matches PyTorch CPU index URLs and nothing else', () => {
    const [row] = cpuIndexes;
    const pattern = new RegExp(row?.pattern ?? '^$');
    for (const url of [
      'https://download.pytorch.org/whl/cpu',
      'https://download.pytorch.org/whl/cpu/',
      'https://mirror.example/pytorch/whl/nightly/cpu',
    ])
      expect(url).toMatch(pattern);
    for (const url of [
      'https://download.pytorch.org/whl/cu121',
      'https://download.pytorch.org/whl/cpu-cxx11-abi/x',
      'https://pypi.org/simple/cpu-tools',
    ])
      expect(url).not.toMatch(pattern);
  });
});
