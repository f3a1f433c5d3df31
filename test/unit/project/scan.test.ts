import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataFolders, directoryReader, skippedFolders } from '../../../src/project/reader.js';
import { renderDockerignore } from '../../../src/render/dockerignore.js';

const roots: string[] = [];

/** A temporary tree: each key a file, each value its text. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'detect-scan-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const scan = (files: Record<string, string>): readonly string[] => directoryReader(tree(files)).files();

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('.gitignore at the root', () => {
  it('leaves out ignored files, by name at any depth or anchored with a slash', () => {
    expect(
      scan({
        '.gitignore': '# secrets\nsecret.txt\n/top.log\n\n',
        'secret.txt': '',
        'src/secret.txt': '',
        'top.log': '',
        'src/top.log': '',
        'train.py': '',
      }),
    ).toEqual(['.gitignore', 'src/top.log', 'train.py']);
  });

  it('leaves out ignored folders at any depth, and a folder-only pattern spares a file of that name', () => {
    expect(
      scan({
        '.gitignore': 'build/\noutputs\n',
        'build/lib/model.pt': '',
        'pkg/build/model.pt': '',
        'pkg/outputs/run1/model.pt': '',
        'docs/build': 'a file, not a folder',
        'pkg/model.py': '',
      }),
    ).toEqual(['.gitignore', 'docs/build', 'pkg/model.py']);
  });

  it('matches globs: *, ** and a slash-containing pattern anchored to the root', () => {
    expect(
      scan({
        '.gitignore': '*.ckpt\n**/tmp/**\nruns/*.pt\n',
        'epoch1.ckpt': '',
        'a/b/epoch2.ckpt': '',
        'a/tmp/x.py': '',
        'tmp/y.py': '',
        'runs/last.pt': '',
        'runs/sub/deep.pt': '',
        'a/runs/last.pt': '',
        'keep.py': '',
      }),
    ).toEqual(['.gitignore', 'a/runs/last.pt', 'keep.py', 'runs/sub/deep.pt']);
  });

  it('re-includes with a negation, last rule winning', () => {
    expect(
      scan({
        '.gitignore': '*.pt\n!keep.pt\n',
        'a.pt': '',
        'keep.pt': '',
        'models/keep.pt': '',
        'models/other.pt': '',
      }),
    ).toEqual(['.gitignore', 'keep.pt', 'models/keep.pt']);
  });

  it('cannot re-include a file inside an ignored folder, as git cannot', () => {
    expect(
      scan({
        '.gitignore': 'checkpoints/\n!checkpoints/best.pt\n',
        'checkpoints/best.pt': '',
        'checkpoints/last.pt': '',
        'predict.py': '',
      }),
    ).toEqual(['.gitignore', 'predict.py']);
  });

  it('re-includes a folder only by un-ignoring the folders on the way', () => {
    expect(
      scan({
        '.gitignore': '/*\n!/src/\n!requirements.txt\n',
        'requirements.txt': '',
        'src/app.py': '',
        'notebooks/eda.ipynb': '',
        'README.md': '',
      }),
    ).toEqual(['requirements.txt', 'src/app.py']);
  });
});

describe('.gitignore in subfolders', () => {
  it('applies its patterns relative to its own folder', () => {
    expect(
      scan({
        'proj/.gitignore': '/local/\n*.log\n',
        'proj/local/x.py': '',
        'proj/sub/local/y.py': '',
        'proj/sub/run.log': '',
        'local/z.py': '',
        'run.log': '',
      }),
    ).toEqual(['local/z.py', 'proj/.gitignore', 'proj/sub/local/y.py', 'run.log']);
  });

  it('overrides the root, deeper files deciding first', () => {
    expect(
      scan({
        '.gitignore': '*.pt\ncache/\n',
        'model.pt': '',
        'cache/a': '',
        'proj/.gitignore': '!model.pt\n!cache/\n',
        'proj/model.pt': '',
        'proj/other.pt': '',
        'proj/cache/b': '',
        'proj/cache/c.pt': '',
      }),
    ).toEqual(['.gitignore', 'proj/.gitignore', 'proj/cache/b', 'proj/model.pt']);
  });

  it('is never read inside an ignored folder', () => {
    expect(
      scan({
        '.gitignore': 'vendor/\n',
        'vendor/.gitignore': '!*\n',
        'vendor/lib.py': '',
        'app.py': '',
      }),
    ).toEqual(['.gitignore', 'app.py']);
  });
});

describe('.dockerignore at the root', () => {
  it('leaves out what the build context leaves out, patterns anchored at the root as Docker reads them', () => {
    expect(
      scan({
        '.dockerignore': '# context\n*.md\nsecrets/\n**/*.tmp\n/logs\n',
        'README.md': '',
        'docs/guide.md': '',
        'secrets/key': '',
        'pkg/secrets/key': '',
        'a/b/c.tmp': '',
        'logs/x': '',
        'app.py': '',
      }),
    ).toEqual(['.dockerignore', 'app.py', 'docs/guide.md', 'pkg/secrets/key']);
  });

  it('keeps what an allow-list .dockerignore re-includes', () => {
    expect(
      scan({
        '.dockerignore': '*\n!src\n!requirements.txt\n',
        'requirements.txt': '',
        'src/app.py': '',
        'src/nested/model.onnx': '',
        'notebooks/eda.ipynb': '',
        'train.py': '',
      }),
    ).toEqual(['requirements.txt', 'src/app.py', 'src/nested/model.onnx']);
  });

  it('applies together with .gitignore: what either leaves out is out', () => {
    expect(
      scan({
        '.gitignore': '*.log\n',
        '.dockerignore': 'tests\n',
        'a.log': '',
        'tests/test_a.py': '',
        'app.py': '',
      }),
    ).toEqual(['.dockerignore', '.gitignore', 'app.py']);
  });
});

describe('folders that are not the project', () => {
  it.each([...dataFolders])('skips the data folder %s at any depth', (folder) => {
    expect(
      scan({
        [`${folder}/train.csv`]: '',
        [`${folder}/model.pt`]: '',
        [`proj/${folder}/run/model.ckpt`]: '',
        'proj/train.py': '',
      }),
    ).toEqual(['proj/train.py']);
  });

  it('keeps data folders in the image: the generated .dockerignore does not list them', () => {
    const lines = renderDockerignore().split('\n');
    for (const folder of dataFolders) {
      expect(skippedFolders.has(folder)).toBe(false);
      expect(lines).not.toContain(`**/${folder}`);
    }
  });

  it('skips a virtualenv, a folder holding pyvenv.cfg, whatever its name and depth', () => {
    expect(
      scan({
        'env/pyvenv.cfg': 'home = /usr/bin\n',
        'env/lib/python3.11/site-packages/torch/model.pt': '',
        'tools/py311/pyvenv.cfg': '',
        'tools/py311/bin/python': '',
        'tools/run.sh': '',
        'notes/pyvenv.cfg/readme.txt': 'a folder named pyvenv.cfg marks nothing',
      }),
    ).toEqual(['notes/pyvenv.cfg/readme.txt', 'tools/run.sh']);
  });

  it('skips tool folders and caches', () => {
    expect(
      scan({
        '.git/HEAD': '',
        'node_modules/x/index.js': '',
        'pkg/__pycache__/a.pyc': '',
        '.venv/bin/python': '',
        'pkg/a.py': '',
      }),
    ).toEqual(['pkg/a.py']);
  });
});

describe.skipIf(process.platform === 'win32')('symbolic links', () => {
  it('lists a link to a file inside the repository, never follows a linked folder, and survives loops', () => {
    const root = tree({ 'src/model.onnx': 'onnx', 'src/app.py': '' });
    symlinkSync('..', join(root, 'src/parent')); // a loop back up
    symlinkSync(root, join(root, 'self'));
    symlinkSync('src', join(root, 'alias'));
    symlinkSync('loop-b', join(root, 'loop-a'));
    symlinkSync('loop-a', join(root, 'loop-b'));
    symlinkSync('missing.txt', join(root, 'dangling.txt'));
    symlinkSync('src/model.onnx', join(root, 'model.onnx'));
    const outside = tree({ 'weights.pt': 'x' });
    symlinkSync(join(outside, 'weights.pt'), join(root, 'weights.pt'));
    expect(directoryReader(root).files()).toEqual(['model.onnx', 'src/app.py', 'src/model.onnx']);
  });
});

describe('directoryReader', () => {
  it('returns sorted, /-separated paths, walking once', () => {
    const reader = directoryReader(tree({ 'b/z.py': '', 'a-b.py': '', 'a/c.py': '', 'B.py': '' }));
    const first = reader.files();
    expect(first).toEqual(['B.py', 'a-b.py', 'a/c.py', 'b/z.py']);
    expect(reader.files()).toBe(first);
  });

  it('copes with names that look like patterns or relative paths', () => {
    expect(
      scan({
        '.gitignore': '\\#hash\n\\!bang\n',
        '.../x.py': '',
        '..a': '',
        '#hash': '',
        '!bang': '',
        '[a]/b*.py': '',
        'a b/c .txt': '',
      }),
    ).toEqual(['.../x.py', '..a', '.gitignore', '[a]/b*.py', 'a b/c .txt']);
  });

  it('fails for a root that is not there', () => {
    expect(() => directoryReader(join(tmpdir(), 'detect-scan-missing-root-0')).files()).toThrow();
  });
});

const hasGit = (() => {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasGit)('agreement with git', () => {
  it('lists what `git ls-files --others --exclude-standard` lists, over random trees and rules', () => {
    let seed = 20240607;
    const pick = <T>(items: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return items[seed % items.length] as T;
    };
    const names = ['a', 'b', 'c.pt', 'd.txt', 'e'];
    const rules = ['a', 'a/', '/a', '*.pt', '!*.pt', '!a', '!a/', 'b/c.pt', '!b/c.pt', '**/e', '!e/'];
    const more = ['b/*', '!b/a/', '*', '!*/', 'a/**', '!d.txt', 'e/d.txt', '/b/a', '!/b/a/'];
    for (let round = 0; round < 60; round++) {
      const paths = new Set<string>();
      for (let file = 0; file < 12; file++) {
        paths.add(Array.from({ length: 1 + (file % 4) }, () => pick(names)).join('/'));
      }
      // A path cannot be both a file and a folder.
      const files = [...paths].filter((path) => ![...paths].some((other) => other.startsWith(`${path}/`)));
      const folders = new Set(
        files.flatMap((path) => path.split('/').map((_, i, all) => all.slice(0, i).join('/'))),
      );
      const layout: Record<string, string> = Object.fromEntries(files.map((path) => [path, '']));
      for (const folder of folders) {
        if (pick([true, false, false])) {
          const lines = Array.from({ length: 4 }, () => pick([...rules, ...more]));
          layout[folder ? `${folder}/.gitignore` : '.gitignore'] = `${lines.join('\n')}\n`;
        }
      }
      const root = tree(layout);
      const git = (...args: string[]): string =>
        execFileSync('git', ['-c', 'core.excludesFile=', '-c', 'core.ignoreCase=false', ...args], {
          cwd: root,
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '', HOME: root, GIT_CONFIG_NOSYSTEM: '1' },
        });
      git('init', '-q');
      const expected = git('ls-files', '--others', '--exclude-standard', '-z')
        .split('\0')
        .filter(Boolean)
        .sort();
      expect(directoryReader(root).files(), JSON.stringify(layout)).toEqual(expected);
    }
  }, 60_000);
});
