/**
 * The line of each `key =` from the line after `header` (1-based) to the next table header, found
 * in one pass: a search from the header per key would be quadratic in a long table. Bare and
 * quoted keys (`"torch"`, `'torch'`) are keyed by their text; the first of a repeated key wins.
 */
export function keyLinesAfter(text: string, header: number): Map<string, number> {
  const lines = new Map<string, number>();
  const all = text.split(/\r?\n/);
  for (let index = header; index < all.length; index++) {
    const line = all[index] ?? '';
    if (/^\s*\[/.test(line)) break;
    const key = /^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_.-]+))\s*=/.exec(line);
    const name = key?.[1] ?? key?.[2] ?? key?.[3];
    if (name !== undefined && !lines.has(name)) lines.set(name, index + 1);
  }
  return lines;
}
