import { mkdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { projectFiles } from '../adapters/project-file.js';
import { makeProjectFolder, replaceFile } from '../adapters/project-folder.js';
import { CLAMP_FILE, CLAMP_SCRIPT } from './clamp.js';
import { HEAVY_FILES_LIST, LOCK_FILE } from './dockerfile.js';

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
  /** The list of heavy files the source step leaves out; null when there are none. */
  heavyFiles?: string | null;
}): GeneratedFile[] {
  const files: GeneratedFile[] = [{ name: 'Dockerfile', content: options.dockerfile }];
  if (options.dockerignore !== null) {
    files.push({ name: 'Dockerfile.dockerignore', content: options.dockerignore });
  }
  files.push({ name: LOCK_FILE, content: options.lockText });
  // The Dockerfile's steps run it from a mount of this folder (render/clamp.ts).
  files.push({ name: CLAMP_FILE, content: CLAMP_SCRIPT });
  if (options.heavyFiles) files.push({ name: HEAVY_FILES_LIST, content: options.heavyFiles });
  files.push({ name: 'plan.json', content: options.planJson });
  return files;
}

/** Writes the files into `dir` (created if needed); nothing else in `dir` is touched. */
export function writeGeneratedFolder(dir: string, files: readonly GeneratedFile[]): void {
  mkdirSync(dir, { recursive: true });
  for (const file of files) replaceFile(dir, file.name, file.content, 'render');
}

/**
 * Writes the files into `folder` (relative, '/'-separated, no '..') of the project at `root`, to
 * be committed. The project is the repository's, so its links are not trusted: the folder, created
 * if needed, must resolve inside the project, and a file there that is a link is replaced, never
 * written through. Nothing else in the folder is touched.
 */
export function writeGeneratedInProject(root: string, folder: string, files: readonly GeneratedFile[]): void {
  const dir = makeProjectFolder(root, folder, 'render');
  for (const file of files) {
    replaceFile(
      dir,
      file.name,
      file.content,
      'render',
      folder === '.' ? file.name : `${folder}/${file.name}`,
    );
  }
}

/**
 * Compares the files committed in `dir` with the ones generated now. A missing file is stale
 * (compared as empty). Line endings are not compared: git may check the files out with CRLF.
 * `displayDir` is the folder as the user knows it, used in the diff headers. Each file is read
 * under the project's rule (`projectFiles`) with `root` as the project: one that is a link out of
 * it, or no regular file, is an error, and what it points at never reaches the diff.
 */
export function compareGenerated(
  dir: string,
  files: readonly GeneratedFile[],
  displayDir: string,
  root: string = dir,
): StaleFile[] {
  const project = projectFiles(root, 'render');
  const stale: StaleFile[] = [];
  for (const file of files) {
    const path = relative(root, join(dir, file.name)).split(sep).join('/');
    const committed = normalizeEol(project.readText(path) ?? '');
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
