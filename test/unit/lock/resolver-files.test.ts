import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detect } from '../../../src/detect/index.js';
import { isUserError } from '../../../src/errors.js';
import { resolverFiles } from '../../../src/lock/resolver-files.js';
import { plan } from '../../../src/plan/index.js';
import { directoryReader } from '../../../src/project/reader.js';
import { inputsWith } from '../helpers.js';

let project = '';
afterEach(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

function projectWith(files: Record<string, string>): string {
  project = mkdtempSync(join(tmpdir(), 'resolver-files-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(project, path, '..'), { recursive: true });
    writeFileSync(join(project, path), text);
  }
  return project;
}

function sent(dir: string): Record<string, string> {
  const spec = detect(directoryReader(dir));
  const [variantPlan] = plan(spec, inputsWith({ context: dir }), { hasDockerignore: false });
  if (!variantPlan) throw new Error('no plan');
  const files = resolverFiles(spec, variantPlan, dir);
  return Object.fromEntries(
    Object.entries(files).map(([path, base64]) => [path, Buffer.from(base64, 'base64').toString()]),
  );
}

describe('resolverFiles: what the resolver receives on stdin, in place of a bind mount', () => {
  it('sends the requirements file with its includes, and nothing else of the project', () => {
    const dir = projectWith({
      'requirements.txt': '-r base.txt\nscikit-learn==1.6.1\n',
      'base.txt': 'numpy==2.2.0\n',
      'model.joblib': 'weights',
      'secrets/token.txt': 'do not send',
    });
    expect(sent(dir)).toEqual({
      'requirements.txt': '-r base.txt\nscikit-learn==1.6.1\n',
      'base.txt': 'numpy==2.2.0\n',
    });
  });

  it('sends a local package named with file:, folder and all, .git and links left out', () => {
    const dir = projectWith({
      'requirements.txt': 'mypkg @ file:///project/libs/mypkg\nscikit-learn==1.6.1\n',
      'libs/mypkg/pyproject.toml': '[project]\nname = "mypkg"\n',
      'libs/mypkg/src/mypkg/__init__.py': '',
      'libs/mypkg/.git/config': '[core]\n',
    });
    symlinkSync('/etc/hostname', join(dir, 'libs/mypkg/leak'));
    expect(Object.keys(sent(dir)).sort()).toEqual([
      'libs/mypkg/pyproject.toml',
      'libs/mypkg/src/mypkg/__init__.py',
      'requirements.txt',
    ]);
  });

  it('refuses a local package linked outside the project, naming the requirement', () => {
    const outside = mkdtempSync(join(tmpdir(), 'resolver-outside-'));
    try {
      writeFileSync(join(outside, 'setup.py'), 'secret');
      const dir = projectWith({ 'requirements.txt': 'mypkg @ file:///project/vendor\n' });
      symlinkSync(outside, join(dir, 'vendor'));
      let error: unknown;
      try {
        sent(dir);
      } catch (caught) {
        error = caught;
      }
      expect(isUserError(error) ? error.message : String(error)).toMatch(
        /vendor.*outside the project|links? outside/,
      );
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses a package folder linked out of the project without listing it', () => {
    const dir = projectWith({ 'requirements.txt': 'mypkg @ file:lnk\n' });
    symlinkSync('/etc', join(dir, 'lnk'));
    expect(() => sent(dir)).toThrow(/^file:lnk names a path outside the project/);
  });

  it('sends a folder named with a trailing slash under plain paths, and files named like Object keys', () => {
    const dir = projectWith({
      'requirements.txt': '-r constructor\nmypkg @ file:./libs/mypkg/\n',
      constructor: 'numpy==2.2.0\n',
      'libs/mypkg/setup.py': '',
    });
    expect(Object.keys(sent(dir)).sort()).toEqual(['constructor', 'libs/mypkg/setup.py', 'requirements.txt']);
  });

  it('refuses a malformed %-escape at its requirement', () => {
    const dir = projectWith({ 'requirements.txt': 'mypkg @ file:wheels/%zz\n' });
    expect(() => sent(dir)).toThrow(/not a valid file: URL/);
  });
});
