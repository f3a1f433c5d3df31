import { type Dirent, lstatSync, readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import { join, posix, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { linkedOutside, type ProjectFiles, projectFiles } from '../adapters/project-file.js';
import { UserError } from '../errors.js';
import { oneLine } from '../text.js';
import { LOCK_MANIFESTS, MANIFEST_FILES } from './manifest-names.js';

/**
 * What detect may see of a repository. Detect is pure over this interface, so tests feed it an
 * in-memory tree and the action feeds it the checkout.
 */
export interface RepoReader {
  /** Project files, relative with '/' separators, sorted, excluding folders that never hold the project. */
  files(): readonly string[];
  readText(path: string): string | null;
  /**
   * The first `bytes` bytes of a file as text, whatever its size, to tell a model by its start.
   * Optional: readers without it are asked for the whole text.
   */
  readHead?(path: string, bytes: number): string | null;
  size(path: string): number | null;
  /**
   * What a path that is not among `files()` is, so an error can say why it is not a project file:
   * a `link` is one `files()` does not follow (to a folder, outside the root, or a folder on the
   * way), `excluded` a file an ignore rule or a skipped folder hides. Optional: readers without
   * it get a vaguer message.
   */
  pathKind?(path: string): PathKind;
}

export type PathKind = 'file' | 'folder' | 'link' | 'excluded' | 'missing' | 'other';

/** Folders that hold tools, caches or environments rather than the project itself. */
export const skippedFolders: ReadonlySet<string> = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.ipynb_checkpoints',
  '.ml-container',
]);

/**
 * Folders of data sets, experiment tracking and training logs. Detect does not scan them (they are
 * large and hold no manifests or models to ship), but unlike `skippedFolders` they are not kept out
 * of the image: a program may read its data at run time.
 */
export const dataFolders: ReadonlySet<string> = new Set([
  'data',
  'datasets',
  'wandb',
  'mlruns',
  'lightning_logs',
]);

export function memoryReader(tree: Record<string, string>): RepoReader {
  const paths = Object.keys(tree).sort();
  return {
    files: () => paths,
    // Own keys only: 'constructor' or '__proto__' named in a requirements file is no file of the tree.
    readText: (path) => (Object.hasOwn(tree, path) ? (tree[path] ?? null) : null),
    readHead: (path, bytes) =>
      Object.hasOwn(tree, path)
        ? Buffer.from(tree[path] ?? '')
            .subarray(0, bytes)
            .toString('utf8')
        : null,
    size: (path) => (Object.hasOwn(tree, path) ? Buffer.byteLength(tree[path] ?? '') : null),
    pathKind: (path) =>
      Object.hasOwn(tree, path)
        ? 'file'
        : paths.some((candidate) => candidate.startsWith(`${path}/`))
          ? 'folder'
          : 'missing',
  };
}

/**
 * The checkout at `root`, less `skippedFolders`, `dataFolders`, virtualenvs (a folder holding
 * `pyvenv.cfg`) and what the root `.dockerignore` and the `.gitignore` files (the root's and any
 * folder's) exclude. Ignored folders are pruned, never read, so, as in git, a file inside an
 * ignored folder cannot be re-included. Symbolic links are listed when they point at a file inside
 * `root`; linked folders are never followed. Every read, a path a manifest names included, keeps
 * to the rule of `projectFiles`: a link leading out of `root` is an error, never followed.
 */
export function directoryReader(root: string): RepoReader {
  const project = projectFiles(root, 'detect');
  let cached: string[] | null = null;
  const files = (): string[] => {
    if (!cached) {
      cached = walkRepository(root, project);
      cached.sort();
    }
    return cached;
  };
  return {
    files,
    readText: (path) => project.readText(path),
    readHead: (path, bytes) => project.readHead(path, bytes),
    size: (path) => project.size(path),
    pathKind: (path) => {
      if (files().includes(path)) return 'file';
      const full = join(root, path);
      let entry: ReturnType<typeof lstatSync>;
      try {
        entry = lstatSync(full);
      } catch {
        return 'missing';
      }
      try {
        // A link anywhere on the way makes the real path differ from the path as written.
        if (realpathSync(full) !== join(realpathSync(root), path)) return 'link';
      } catch {
        return entry.isSymbolicLink() ? 'link' : 'missing'; // dangling, or a loop
      }
      if (entry.isDirectory()) return 'folder';
      return entry.isFile() ? 'excluded' : 'other';
    },
  };
}

/** One `.gitignore`: its folder relative to the root, with a trailing '/' ('' at the root), and its rules. */
interface GitignoreFile {
  prefix: string;
  rules: Ignore;
  /**
   * When every rule is slash-free, a rule matches at any depth exactly when it matches the last
   * segment: verdicts are then kept by name (a folder's with its trailing '/'), so the many
   * `__init__.py` of a monorepo are tested once. Null otherwise.
   */
  byName: Map<string, Verdict> | null;
}

type Verdict = 'ignored' | 'unignored' | 'none';

// Git matches case-insensitively where it set core.ignorecase at clone, which it does on the
// case-insensitive file systems of macOS and Windows; Docker always matches case-sensitively.
const gitIgnoreCase = process.platform === 'darwin' || process.platform === 'win32';
// The walk hands `ignore` only well-formed relative paths; a name it might think otherwise of
// (`...`) is still tested rather than thrown at.
const gitRules = (): Ignore => ignore({ ignorecase: gitIgnoreCase, allowRelativePaths: true });

/**
 * The names detect chooses a project by, at the top: a link by one of them that leads out of the
 * project is an error right away, as the file it names is, rather than a file silently missing.
 */
const PROJECT_NAMES: ReadonlySet<string> = new Set([...MANIFEST_FILES, ...Object.keys(LOCK_MANIFESTS)]);

/** A folder the walk has yet to list: its path relative to the root ('' or ending in '/') and the `.gitignore` files above it. */
interface Pending {
  prefix: string;
  gitignores: readonly GitignoreFile[];
}

function walkRepository(root: string, project: ProjectFiles): string[] {
  // Paths are built by concatenation: path.join would normalise each of them again.
  const base = root.endsWith('/') || root.endsWith(sep) ? root : `${root}${sep}`;
  // The root is listed first: when it is unreadable, that is the error, not its .dockerignore.
  const top = listFolder(base, '');
  const dockerignore = top.some((entry) => entry.name === '.dockerignore')
    ? project.readText('.dockerignore')
    : null;
  const docker = dockerignore === null ? null : dockerRules(dockerignore);
  const files: string[] = [];
  // An explicit stack: a tree of any depth is walked without recursion.
  const pending: Pending[] = [{ prefix: '', gitignores: [] }];
  for (let folder = pending.pop(); folder; folder = pending.pop()) {
    const { prefix, gitignores } = folder;
    const entries = prefix ? listFolder(base, prefix) : top;
    let chain = gitignores;
    if (prefix && entries.some((entry) => entry.name === 'pyvenv.cfg' && entry.isFile())) continue; // a virtualenv
    for (const entry of entries) {
      if (entry.name === '.gitignore' && entry.isFile()) {
        const text = project.readText(`${prefix}.gitignore`);
        if (text?.trim()) {
          const byName = slashFree(text) ? new Map<string, Verdict>() : null;
          chain = [...gitignores, { prefix, rules: gitRules().add(text), byName }];
        }
      }
    }
    for (const entry of entries) {
      const path = prefix + entry.name;
      if (entry.isDirectory()) {
        if (skippedFolders.has(entry.name) || dataFolders.has(entry.name)) continue;
        const asFolder = `${path}/`;
        if (docker?.ignores(asFolder)) continue;
        const decision = gitDecision(chain, asFolder, `${entry.name}/`);
        if (decision < IGNORED_BY_NONE) continue;
        pending.push({
          prefix: asFolder,
          gitignores: decision > 0 ? reincluded(chain, decision, path) : chain,
        });
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        if (docker?.ignores(path)) continue;
        if (chain.length > 0 && gitDecision(chain, path, entry.name) < IGNORED_BY_NONE) continue;
        if (entry.isSymbolicLink()) {
          const out = project.leadsOut(path);
          const target = statOrNull(base + path); // null: dangling, a loop, or unreadable
          if (out && !prefix && PROJECT_NAMES.has(entry.name)) {
            throw linkedOutside(path, 'detect', target?.isDirectory() ? 'a folder' : 'a file');
          }
          if (out || !target?.isFile()) continue;
        }
        files.push(path);
      }
    }
  }
  return files;
}

/**
 * The entries of a folder of the walk ('' for the root). One the system will not list is an error
 * naming it rather than a part of the project silently missing: the image would lack it, and
 * Docker's build fails on it anyway. A folder removed meanwhile has no entries.
 */
function listFolder(base: string, prefix: string): Dirent[] {
  try {
    return readdirSync(base + prefix, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (prefix && (code === 'ENOENT' || code === 'ENOTDIR')) return [];
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? 'cannot be read: permission denied'
        : code === 'ENAMETOOLONG'
          ? 'cannot be read: its path is too long to open'
          : code === 'ENOENT'
            ? 'does not exist'
            : code === 'ENOTDIR'
              ? 'is not a folder'
              : null;
    if (why === null) throw error;
    const folder = prefix ? prefix.slice(0, -1) : '.';
    const named = prefix
      ? oneLine(folder)
      : `the project folder ${oneLine(base.replace(/[/\\]+$/, '') || base)}`;
    const advice =
      prefix && code !== 'ENAMETOOLONG' ? '; make it readable, or leave it out with .dockerignore' : '';
    throw new UserError(`${named} ${why}${advice}`, 'detect', { file: folder });
  }
}

const IGNORED = -2;
const IGNORED_BY_NONE = -1;

/**
 * Git's verdict on `path` (a folder ends in '/'; `name` is its last segment, '/' included), whose
 * parent folders are known not to be ignored: the deepest `.gitignore` with a rule that matches
 * decides, its last matching rule winning. IGNORED, IGNORED_BY_NONE when no rule matches, or the
 * index in `chain` of the file whose negation re-includes it.
 */
function gitDecision(chain: readonly GitignoreFile[], path: string, name: string): number {
  for (let index = chain.length - 1; index >= 0; index--) {
    const file = chain[index] as GitignoreFile;
    let verdict = file.byName?.get(name);
    if (verdict === undefined) {
      const result = file.rules.test(file.byName ? name : path.slice(file.prefix.length));
      verdict = result.ignored ? 'ignored' : result.unignored ? 'unignored' : 'none';
      file.byName?.set(name, verdict);
    }
    if (verdict === 'ignored') return IGNORED;
    if (verdict === 'unignored') return index;
  }
  return IGNORED_BY_NONE;
}

/**
 * Whether no rule of a `.gitignore` holds a '/' but a trailing one, so that each matches names at
 * any depth. Escapes, `**` and rules left empty are left to the full test.
 */
function slashFree(text: string): boolean {
  for (const line of text.split('\n')) {
    const rule = line.trim();
    if (!rule || rule.startsWith('#')) continue;
    const body = rule.replace(/^!/, '').replace(/\/$/, '');
    if (!body || body.includes('/') || body.includes('\\') || body.includes('**')) return false;
  }
  return true;
}

/**
 * A deeper `.gitignore` (at `by`) re-included `folder`, which a shallower one may exclude. The
 * `ignore` package tests a path's parents too, so each shallower file that excludes `folder` gets,
 * below it, an anchored negation of `folder` itself: its own rules still decide for what is inside.
 */
function reincluded(chain: readonly GitignoreFile[], by: number, folder: string): readonly GitignoreFile[] {
  let result = chain;
  for (let index = 0; index < by; index++) {
    const file = chain[index] as GitignoreFile;
    const relative = folder.slice(file.prefix.length);
    // Tested by name, a slash-free file never looks at parents: it needs no negation.
    if (file.byName || !file.rules.test(`${relative}/`).ignored) continue;
    const rules = gitRules()
      .add(file.rules)
      .add({ pattern: `!/${relative.replace(/[\\*?[\] ]/g, '\\$&')}` });
    if (result === chain) result = [...chain];
    (result as GitignoreFile[])[index] = { prefix: file.prefix, rules, byName: null };
  }
  return result;
}

/**
 * A `.dockerignore` as gitignore rules. Docker matches each pattern against the whole path from the
 * context root (`*.pyc` is only the root's), so each is anchored with a leading '/'.
 */
export function dockerRules(text: string): Ignore | null {
  const patterns: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    let pattern = line.trim();
    if (!pattern || pattern.startsWith('#')) continue;
    const negated = pattern.startsWith('!');
    if (negated) pattern = pattern.slice(1).trim();
    pattern = posix.normalize(pattern).replace(/^\/+|\/+$/g, '');
    if (!pattern || pattern === '.' || pattern === '..' || pattern.startsWith('../')) continue;
    patterns.push(`${negated ? '!' : ''}/${pattern}`);
  }
  return patterns.length > 0 ? ignore({ ignorecase: false, allowRelativePaths: true }).add(patterns) : null;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
