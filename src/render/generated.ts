import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { LOCK_FILE } from './dockerfile.js';

/** One generated file, named relative to the folder it is written into. */
export interface GeneratedFile {
  name: string;
  content: string;
}

/** A committed generated file that no longer matches what would be generated now. */
export interface StaleFile {
  name: string;
  /** Unified diff from the committed file (a/) to the generated one (b/). */
  diff: string;
}

/** The generated files, always in the same order, so the list and any report built from it are stable. */
export function generatedFiles(options: {
  dockerfile: string;
  dockerignore: string | null;
  lockText: string;
  planJson: string;
}): GeneratedFile[] {
  const files: GeneratedFile[] = [{ name: 'Dockerfile', content: options.dockerfile }];
  if (options.dockerignore !== null) {
    files.push({ name: 'Dockerfile.dockerignore', content: options.dockerignore });
  }
  files.push({ name: LOCK_FILE, content: options.lockText });
  files.push({ name: 'plan.json', content: options.planJson });
  return files;
}

/** Writes the files into `dir` (created if needed); nothing else in `dir` is touched. */
export function writeGeneratedFolder(dir: string, files: readonly GeneratedFile[]): void {
  mkdirSync(dir, { recursive: true });
  for (const file of files) writeFileSync(join(dir, file.name), file.content);
}

/**
 * Compares the files committed in `dir` with the ones generated now. A missing file is stale
 * (compared as empty). Line endings are not compared: git may check the files out with CRLF.
 * `displayDir` is the folder as the user knows it, used in the diff headers.
 */
export function compareGenerated(
  dir: string,
  files: readonly GeneratedFile[],
  displayDir: string,
): StaleFile[] {
  const stale: StaleFile[] = [];
  for (const file of files) {
    const committed = normalizeEol(readCommitted(join(dir, file.name)) ?? '');
    const generated = normalizeEol(file.content);
    if (committed === generated) continue;
    const shown = displayPath(displayDir, file.name);
    const diff = createTwoFilesPatch(`a/${shown}`, `b/${shown}`, committed, generated, undefined, undefined, {
      context: 3,
      headerOptions: FILE_HEADERS_ONLY,
    });
    stale.push({ name: file.name, diff });
  }
  return stale;
}

/** The one-line error for stale generated files. */
export function staleMessage(stale: readonly StaleFile[], displayDir: string, command: string): string {
  const names = stale.map((file) => file.name).join(', ');
  return `generated files in ${displayDir} are stale: ${names} — regenerate with '${command}' and commit them`;
}

function readCommitted(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

function normalizeEol(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

/** `displayDir/name` with forward slashes, no `./` prefix and no doubled or trailing slash. */
function displayPath(displayDir: string, name: string): string {
  const dir = displayDir
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
  return dir === '' || dir === '.' ? name : `${dir}/${name}`;
}
