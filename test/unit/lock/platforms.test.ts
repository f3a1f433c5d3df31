import { describe, expect, it } from 'vitest';
import { platformMachine } from '../../../src/lock/index.js';
import { type LockedPackage, lockFromPackages, mergePlatformLocks } from '../../../src/lock/report.js';

const pkg = (name: string, version: string, hash: string): LockedPackage => ({
  name,
  version,
  sha256: [hash.repeat(64)],
  url: null,
});
const lockOf = (...packages: LockedPackage[]) => lockFromPackages(packages, [], { platform_machine: 'x' });

describe('mergePlatformLocks', () => {
  it('keeps one line per package pinned alike everywhere, with every platform’s wheel hash', () => {
    const merged = mergePlatformLocks(
      [
        { machine: 'x86_64', lock: lockOf(pkg('numpy', '2.1.0', 'a'), pkg('joblib', '1.4.2', 'j')) },
        { machine: 'aarch64', lock: lockOf(pkg('numpy', '2.1.0', 'b'), pkg('joblib', '1.4.2', 'j')) },
      ],
      ['two platforms'],
    );
    expect(merged.text).toBe(
      [
        '# two platforms',
        `joblib==1.4.2 --hash=sha256:${'j'.repeat(64)}`,
        `numpy==2.1.0 --hash=sha256:${'a'.repeat(64)} --hash=sha256:${'b'.repeat(64)}`,
        '',
      ].join('\n'),
    );
  });

  it('marks pins that differ, or exist on some platforms only, with platform_machine', () => {
    const merged = mergePlatformLocks(
      [
        {
          machine: 'x86_64',
          lock: lockOf(pkg('torch', '2.13.0+cpu', 'c'), pkg('intel-openmp', '2025.1', 'i')),
        },
        { machine: 'aarch64', lock: lockOf(pkg('torch', '2.13.0', 'd')) },
      ],
      [],
    );
    expect(merged.text.split('\n')).toEqual([
      `intel-openmp==2025.1 ; platform_machine == "x86_64" --hash=sha256:${'i'.repeat(64)}`,
      `torch==2.13.0 ; platform_machine == "aarch64" --hash=sha256:${'d'.repeat(64)}`,
      `torch==2.13.0+cpu ; platform_machine == "x86_64" --hash=sha256:${'c'.repeat(64)}`,
      '',
    ]);
    expect(merged.packages.filter((entry) => entry.name === 'torch').map((entry) => entry.marker)).toEqual([
      'platform_machine == "aarch64"',
      'platform_machine == "x86_64"',
    ]);
  });

  it('is the lock itself for one platform', () => {
    const single = lockOf(pkg('numpy', '2.1.0', 'a'));
    expect(mergePlatformLocks([{ machine: 'x86_64', lock: single }], []).text).toBe(single.text);
  });
});

describe('platformMachine', () => {
  it.each([
    ['linux/amd64', 'x86_64'],
    ['linux/arm64', 'aarch64'],
    ['linux/arm/v7', 'armv7l'],
    ['linux/arm/v6', 'armv6l'],
    ['linux/386', 'i686'],
    ['linux/ppc64le', 'ppc64le'],
    ['linux/s390x', 's390x'],
  ])('%s is %s to Python', (platform, machine) => {
    expect(platformMachine(platform)).toBe(machine);
  });
});
