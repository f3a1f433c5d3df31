let findLineText: string | undefined;
let findLineLines: string[] = [];

/**
 * 1-based line of the first line at or after `from` (1-based) that matches, or undefined. Readers
 * call it once per item of the same text: the lines of the last text are kept, not split again.
 */
export function findLine(
  text: string,
  pattern: RegExp | string,
  from = 1,
  to = Number.POSITIVE_INFINITY,
): number | undefined {
  if (text !== findLineText) {
    findLineText = text;
    findLineLines = text.split(/\r?\n/);
  }
  const lines = findLineLines;
  const end = Math.min(lines.length, to);
  for (let index = Math.max(0, from - 1); index < end; index++) {
    const line = lines[index] ?? '';
    if (typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line)) return index + 1;
  }
  return undefined;
}
