import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detect } from '../../../src/detect/index.js';
import { directoryReader, memoryReader, skippedFolders } from '../../../src/project/reader.js';

describe('memoryReader', () => {
  const reader = memoryReader({ 'b.txt': 'héllo', 'a/c.txt': '', 'A.txt': 'x' });

  it('lists the paths sorted', () => {
    expect(reader.files()).toEqual(['A.txt', 'a/c.txt', 'b.txt']);
  });

  it('reads text and UTF-8 byte sizes, and null for what is not there', () => {
    expect(reader.readText('b.txt')).toBe('héllo');
    expect(reader.size('b.txt')).toBe(6);
    expect(reader.readText('a/c.txt')).toBe('');
    expect(reader.size('a/c.txt')).toBe(0);
    expect(reader.readText('missing.txt')).toBeNull();
    expect(reader.size('missing.txt')).toBeNull();
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
    'does not see Object.prototype.%s as a file',
    (name) => {
      expect(reader.readText(name)).toBeNull();
      expect(reader.size(name)).toBeNull();
    },
  );
});

describe('directoryReader', () => {
  let root: string;

  const write = (path: string, text: string): void => {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'detect-reader-'));
    write('requirements.txt', 'numpy\n');
    write('predict.py', 'print()\n');
    write('src/pkg/__init__.py', '');
    write('src/pkg/model.onnx', 'onnx bytes');
    write('src/pkg/__pycache__/mod.cpython-311.pyc', 'x');
    write('.git/HEAD', 'ref: refs/heads/main\n');
    write('.git/objects/ab/cdef', 'x');
    write('node_modules/left-pad/index.js', '');
    write('web/node_modules/dep/model.pt', 'x');
    write('.venv/lib/python3.11/site-packages/torch/model.pt', 'x');
    write('env/pyvenv.cfg', 'home = /usr/bin\n');
    write('env/lib/python3.11/site-packages/sklearn/model.pkl', 'x');
    write('tools/env2/pyvenv.cfg', 'home = /usr/bin\n');
    write('tools/env2/bin/python', '');
    write('tools/run.sh', 'echo\n');
    write('.github/workflows/ci.yml', 'on: push\n');
    write('.ml-container/cache.json', '{}');
    write('notes/pyvenv.cfg/readme.txt', 'a folder named pyvenv.cfg is not a virtualenv marker');
    mkdirSync(join(root, 'empty/dir'), { recursive: true });
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('lists project files sorted, skipping tool folders and virtualenvs at any depth', () => {
    expect(directoryReader(root).files()).toEqual([
      '.github/workflows/ci.yml',
      'notes/pyvenv.cfg/readme.txt',
      'predict.py',
      'requirements.txt',
      'src/pkg/__init__.py',
      'src/pkg/model.onnx',
      'tools/run.sh',
    ]);
  });

  it.each(['.git', 'node_modules', '__pycache__', '.venv', 'venv', '.ml-container'])('skips %s', (folder) => {
    expect(skippedFolders.has(folder)).toBe(true);
  });

  it('reads text and sizes, and null for a missing file or a folder', () => {
    const reader = directoryReader(root);
    expect(reader.readText('requirements.txt')).toBe('numpy\n');
    expect(reader.size('src/pkg/model.onnx')).toBe(10);
    expect(reader.readText('missing.txt')).toBeNull();
    expect(reader.size('missing.txt')).toBeNull();
    expect(reader.readText('src')).toBeNull();
  });

  it('gives detect only the project: models in skipped folders are not models', () => {
    const spec = detect(directoryReader(root));
    expect(spec.models.map((model) => model.path)).toEqual(['src/pkg/model.onnx']);
    expect(spec.entrypoint?.path).toBe('predict.py');
  });
});
