import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectFolderPath } from '../../../src/adapters/project-folder.js';
import {
  compareGenerated,
  type GeneratedFile,
  generatedFiles,
  writeGeneratedInProject,
} from '../../../src/render/generated.js';
import { userError } from '../helpers.js';

const SECRET = 'ghp_0123456789SECRETabcdef';
const VICTIM = `{"auths":{"ghcr.io":{"auth":"${SECRET}"}}}\n`;
const RULE = 'links to a file outside the project; links may only point inside it';

const files = (): GeneratedFile[] =>
  generatedFiles({
    dockerfile: 'FROM python:3.11-slim\n',
    dockerignore: null,
    lockText: 'numpy==2.2.0\n',
    planJson: '{}\n',
  });

describe.skipIf(process.platform === 'win32')('generated files and links out of the project', () => {
  let root: string;
  let outside: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ml-container-generated-links-'));
    outside = mkdtempSync(join(tmpdir(), 'ml-container-outside-'));
    writeFileSync(join(outside, 'victim.json'), VICTIM);
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('replaces a generated file that is a link instead of writing through it', () => {
    mkdirSync(join(root, '.ml-container'));
    writeFileSync(join(root, '.ml-container', 'README.md'), 'keep me\n');
    symlinkSync(join(outside, 'victim.json'), join(root, '.ml-container', 'plan.json'));
    writeGeneratedInProject(root, '.ml-container', files());
    expect(readFileSync(join(outside, 'victim.json'), 'utf8')).toBe(VICTIM);
    expect(lstatSync(join(root, '.ml-container', 'plan.json')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(root, '.ml-container', 'plan.json'), 'utf8')).toBe('{}\n');
    // Nothing else in the folder is touched, and no temporary file is left behind.
    expect(readdirSync(join(root, '.ml-container')).sort()).toEqual([
      'Dockerfile',
      'README.md',
      'clamp.py',
      'plan.json',
      'requirements.lock',
    ]);
    expect(readFileSync(join(root, '.ml-container', 'README.md'), 'utf8')).toBe('keep me\n');
  });

  it('refuses a generated folder that links out, writing nothing there', () => {
    symlinkSync(outside, join(root, '.ml-container'));
    const error = userError(() => writeGeneratedInProject(root, '.ml-container', files()));
    expect(error.message).toBe(
      '.ml-container links to a folder outside the project; links may only point inside it',
    );
    expect(error.phase).toBe('render');
    expect(readdirSync(outside)).toEqual(['victim.json']);
  });

  it('refuses a folder on the way that links out', () => {
    symlinkSync(outside, join(root, 'build'));
    expect(userError(() => writeGeneratedInProject(root, 'build/generated', files())).message).toBe(
      'build links to a folder outside the project; links may only point inside it',
    );
    expect(readdirSync(outside)).toEqual(['victim.json']);
  });

  it('writes through a folder link that stays inside the project', () => {
    mkdirSync(join(root, 'real'));
    symlinkSync('real', join(root, '.ml-container'));
    writeGeneratedInProject(root, '.ml-container', files());
    expect(readdirSync(join(root, 'real')).sort()).toEqual([
      'Dockerfile',
      'clamp.py',
      'plan.json',
      'requirements.lock',
    ]);
  });

  it('creates nested folders, and writes at the top for "."', () => {
    writeGeneratedInProject(root, 'a/b', files());
    expect(readdirSync(join(root, 'a', 'b')).sort()).toEqual([
      'Dockerfile',
      'clamp.py',
      'plan.json',
      'requirements.lock',
    ]);
    writeGeneratedInProject(root, '.', files());
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toBe('FROM python:3.11-slim\n');
  });

  it('refuses committed files that link out, without showing what they point at', () => {
    mkdirSync(join(root, '.ml-container'));
    symlinkSync(join(outside, 'victim.json'), join(root, '.ml-container', 'requirements.lock'));
    const error = userError(() =>
      compareGenerated(join(root, '.ml-container'), files(), '.ml-container', root),
    );
    expect(error.message).toBe(`.ml-container/requirements.lock ${RULE}`);
    expect(error.source).toEqual({ file: '.ml-container/requirements.lock' });
    expect(`${error.located}\n${error.detail ?? ''}`).not.toContain(SECRET);
  });

  it('refuses a committed folder that links out', () => {
    symlinkSync(outside, join(root, '.ml-container'));
    writeFileSync(join(outside, 'plan.json'), VICTIM);
    const error = userError(() =>
      compareGenerated(join(root, '.ml-container'), files(), '.ml-container', root),
    );
    expect(error.message).toContain(RULE);
    expect(error.message).not.toContain(SECRET);
  });

  it('keeps to the folder itself when no project is given', () => {
    mkdirSync(join(root, 'gen'));
    writeFileSync(join(root, 'plan.json'), '{}\n');
    symlinkSync('../plan.json', join(root, 'gen', 'plan.json'));
    expect(userError(() => compareGenerated(join(root, 'gen'), files(), 'gen')).message).toBe(
      `plan.json ${RULE}`,
    );
    expect(compareGenerated(join(root, 'gen'), files(), 'gen', root).map((file) => file.name)).toEqual([
      'Dockerfile',
      'requirements.lock',
      'clamp.py',
    ]);
  });
});

describe("input 'write-generated' as a folder of the project", () => {
  it.each([
    ['.ml-container', '.ml-container'],
    ['./build//generated/', 'build/generated'],
    ['build\\generated', 'build/generated'],
    ['a/../b', 'b'],
    ['.', '.'],
  ])('takes %s as %s', (input, path) => {
    expect(projectFolderPath(input, 'write-generated')).toBe(path);
  });

  it.each([
    ['../x', "input 'write-generated': '../x' leaves 'context'; the folder must be inside it"],
    ['a/../../x', "input 'write-generated': 'a/../../x' leaves 'context'; the folder must be inside it"],
    [
      '/tmp/x',
      "input 'write-generated': '/tmp/x' is an absolute path; write it relative to 'context' (e.g. .ml-container)",
    ],
    [
      'C:\\x',
      "input 'write-generated': 'C:\\x' is an absolute path; write it relative to 'context' (e.g. .ml-container)",
    ],
  ])('refuses %s', (input, message) => {
    const error = userError(() => projectFolderPath(input, 'write-generated'));
    expect(error.message).toBe(message);
    expect(error.phase).toBe('inputs');
  });
});
