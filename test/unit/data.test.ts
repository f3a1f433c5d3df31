import { describe, expect, it } from 'vitest';
import compat from '../../src/data/compat.json' with { type: 'json' };

describe('src/data/compat.json', () => {
  const rows: { table: string; row: { source?: string } }[] = [
    ...compat.python.baseImages.map((row) => ({ table: 'python.baseImages', row })),
    ...compat.frameworks.map((row) => ({ table: 'frameworks', row })),
    { table: 'python.default', row: compat.python.default },
  ];

  it.each(rows)('$table row $row.image$row.name names a public source that exists', ({ row }) => {
    expect(row.source, JSON.stringify(row)).toBeTruthy();
    expect(Object.keys(compat.sources)).toContain(row.source);
  });

  it('every source is described', () => {
    for (const [key, text] of Object.entries(compat.sources)) expect(text.length, key).toBeGreaterThan(20);
  });

  it('has a base image for every supported Python', () => {
    expect(compat.python.baseImages.map((row) => row.python)).toEqual(compat.python.supported);
    expect(compat.python.supported).toContain(compat.python.default.version);
  });
});
