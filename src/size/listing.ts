/**
 * What listing.py found in the image: only what the size findings need, so its output stays small
 * whatever the image holds. Each file is counted once, however many hard links it has.
 */
export interface SizeListing {
  /** Regular files of at least the listed size, and CUDA libraries of any size, largest first. */
  files: ListedFile[];
  /** Every distribution installed in a site-packages or dist-packages folder. */
  packages: InstalledPackage[];
  /** The outermost test/ or tests/ folder of each package in site-packages or dist-packages, with its total. */
  testDirs: { path: string; bytes: number }[];
  pycache: { bytes: number; dirs: number };
  /** Folders the image's user may not read, left out. */
  unreadable: number;
}

export interface ListedFile {
  path: string;
  bytes: number;
  /** Only for a file large enough to matter that has another of its exact size; null else. */
  sha256: string | null;
}

export interface InstalledPackage {
  name: string;
  version: string;
  /** What the files its RECORD (or installed-files.txt) lists take; null when it lists none. */
  bytes: number | null;
}

/** Caps on what is read back, so a listing made by an image's own Python cannot fill memory. */
const MOST = { files: 5000, packages: 5000, testDirs: 2000 };
const TEXT_LENGTH = 1024;

/**
 * The listing from listing.py's JSON, each entry checked: the image's Python printed it, and a
 * pull request's image can have any Python. Throws on anything that is not a listing.
 */
export function parseListing(json: string): SizeListing {
  const raw = JSON.parse(json) as Record<string, unknown>;
  const rows = (key: string, most: number): unknown[][] => {
    const value = raw[key];
    if (!Array.isArray(value)) throw new Error(`the size listing has no ${key}`);
    return value.slice(0, most).map((row) => {
      if (!Array.isArray(row)) throw new Error(`the size listing's ${key} holds a non-row`);
      return row;
    });
  };
  const [pycacheBytes, pycacheDirs] = Array.isArray(raw.pycache) ? raw.pycache : [];
  return {
    files: rows('files', MOST.files).map(([path, bytes, sha256]) => ({
      path: text(path),
      bytes: count(bytes),
      sha256: sha256 === null ? null : hex(sha256),
    })),
    packages: rows('packages', MOST.packages).map(([name, version, bytes]) => ({
      name: text(name),
      version: text(version),
      bytes: bytes === null ? null : count(bytes),
    })),
    testDirs: rows('tests', MOST.testDirs).map(([path, bytes]) => ({
      path: text(path),
      bytes: count(bytes),
    })),
    pycache: { bytes: count(pycacheBytes), dirs: count(pycacheDirs) },
    unreadable: count(raw.unreadable),
  };
}

function text(value: unknown): string {
  if (typeof value !== 'string') throw new Error('the size listing holds a name that is not text');
  return value.length > TEXT_LENGTH ? `${value.slice(0, TEXT_LENGTH)}…` : value;
}

function count(value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0)
    throw new Error('the size listing holds a size that is not a whole number');
  return value as number;
}

function hex(value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{64}$/.test(value))
    throw new Error('the size listing holds a sha256 that is not one');
  return value;
}
