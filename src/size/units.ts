/**
 * What each unit multiplies by: SI units in powers of 1000, as `docker images` prints sizes, and
 * IEC units in powers of 1024. Docker's own one-letter units (`2g`) are not here: they mean 1024
 * to `docker run` and 1000 to `docker images`, so a limit written with one would be a guess.
 */
const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/**
 * A size as a person writes it (`2GiB`, `500MB`, `1.5GB`, `750 MiB`, `123456789`) in whole bytes;
 * null when it is not one, or not more than nothing. A bare number is bytes, and only whole ones.
 */
export function parseByteSize(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?) ?([a-z]+)?$/i.exec(text);
  if (!match) return null;
  const [, number = '', unit] = match;
  const factor = unit === undefined ? (number.includes('.') ? undefined : 1) : UNITS[unit.toLowerCase()];
  if (factor === undefined) return null;
  const bytes = Math.floor(Number(number) * factor);
  return bytes > 0 && Number.isSafeInteger(bytes) ? bytes : null;
}

/** Bytes for a person, in powers of 1024 as `du -h` prints them: `1.5 GiB`. */
export function formatBytes(count: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
