import { describe, expect, it } from 'vitest';
import compat from '../../src/data/compat.json' with { type: 'json' };

describe('src/data/compat.json', () => {
  const rows: { table: string; row: { source?: string } }[] = [
    ...compat.python.baseImages.map((row) => ({ table: 'python.baseImages', row })),
    ...compat.frameworks.map((row) => ({ table: 'frameworks', row })),
    { table: 'python.default', row: compat.python.default },
    ...compat.cuda.frameworkDefaults.map((row) => ({ table: 'cuda.frameworkDefaults', row })),
    ...compat.cuda.gpuStrategies.map((row) => ({ table: 'cuda.gpuStrategies', row })),
    ...compat.cuda.systemBaseImages.map((row) => ({ table: 'cuda.systemBaseImages', row })),
    { table: 'cuda.pythonInstaller', row: compat.cuda.pythonInstaller },
    ...compat.renamedPackages.map((row) => ({ table: 'renamedPackages', row })),
  ];

  it.each(rows)(
    '$table row $row.image$row.name$row.framework$row.package $row.minor names a public source that exists',
    ({ row }) => {
      expect(row.source, JSON.stringify(row)).toBeTruthy();
      expect(Object.keys(compat.sources)).toContain(row.source);
    },
  );

  it('every source is described', () => {
    for (const [key, text] of Object.entries(compat.sources)) expect(text.length, key).toBeGreaterThan(20);
  });

  it('has a base image for every supported Python', () => {
    expect(compat.python.baseImages.map((row) => row.python)).toEqual(compat.python.supported);
    expect(compat.python.supported).toContain(compat.python.default.version);
  });

  it('gives each CUDA default and nvidia/cuda base once per framework minor or CUDA minor', () => {
    const defaults = compat.cuda.frameworkDefaults.map((row) => `${row.framework} ${row.minor}`);
    expect(new Set(defaults).size).toBe(defaults.length);
    const bases = compat.cuda.systemBaseImages.map((row) => row.cuda);
    expect(new Set(bases).size).toBe(bases.length);
    for (const row of compat.cuda.systemBaseImages)
      expect(row.image).toMatch(
        new RegExp(
          `^docker\\.io/nvidia/cuda:${row.cuda.replace('.', '\\.')}\\.\\d+-cudnn\\d*-runtime-ubuntu\\d+\\.\\d+$`,
        ),
      );
  });

  it('names each renamed package once, by PEP 503 names, with what it installs and why', () => {
    const normalized = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');
    const names = compat.renamedPackages.map((row) => row.name);
    expect(new Set(names).size).toBe(names.length);
    for (const row of compat.renamedPackages) {
      expect(row.name, row.name).toBe(normalized(row.name));
      expect(row.installs, row.name).toBe(normalized(row.installs));
      expect(row.installs, row.name).not.toBe(row.name);
      expect(['deprecated', 'placeholder'], row.name).toContain(row.kind);
      expect(names, `${row.name} installs another renamed name`).not.toContain(row.installs);
      expect(row.why.length, row.name).toBeGreaterThan(20);
      expect(compat.sources[row.source as keyof typeof compat.sources], row.name).toMatch(/https:\/\//);
    }
  });
});
