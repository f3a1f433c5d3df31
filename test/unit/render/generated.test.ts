import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLAMP_SCRIPT } from '../../../src/render/clamp.js';
import {
  compareGenerated,
  type GeneratedFile,
  generatedFiles,
  staleMessage,
  writeGeneratedFolder,
} from '../../../src/render/generated.js';

const DOCKERFILE = [
  'FROM python:3.11-slim AS base',
  'ENV A=1',
  'ENV B=2',
  'ENV C=3',
  'ENV D=4',
  'ENV E=5',
  'ENV F=6',
  'ENV G=7',
  'CMD ["python","predict.py"]',
  '',
].join('\n');
const DOCKERIGNORE = '.git\n__pycache__\n';
const LOCK = 'numpy==2.2.0 \\\n    --hash=sha256:abc\n';
const PLAN = '{\n  "python": "3.11"\n}\n';

function files(dockerignore: string | null = DOCKERIGNORE): GeneratedFile[] {
  return generatedFiles({ dockerfile: DOCKERFILE, dockerignore, lockText: LOCK, planJson: PLAN });
}

describe('generatedFiles', () => {
  it('lists the files in a fixed order with their contents', () => {
    expect(files()).toEqual([
      { name: 'Dockerfile', content: DOCKERFILE },
      { name: 'Dockerfile.dockerignore', content: DOCKERIGNORE },
      { name: 'requirements.lock', content: LOCK },
      { name: 'clamp.py', content: CLAMP_SCRIPT },
      { name: 'plan.json', content: PLAN },
    ]);
  });

  it('lists the heavy files the source step leaves out, only when there are some', () => {
    const withHeavy = generatedFiles({
      dockerfile: DOCKERFILE,
      dockerignore: null,
      lockText: LOCK,
      planJson: PLAN,
      heavyFiles: './data/train.csv\n',
    });
    expect(withHeavy.map((file) => file.name)).toEqual([
      'Dockerfile',
      'requirements.lock',
      'clamp.py',
      'heavy-files.txt',
      'plan.json',
    ]);
  });

  it('leaves out the dockerignore when there is none', () => {
    expect(files(null).map((file) => file.name)).toEqual([
      'Dockerfile',
      'requirements.lock',
      'clamp.py',
      'plan.json',
    ]);
  });
});

describe('writeGeneratedFolder and compareGenerated', () => {
  let root: string;
  let dir: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ml-container-generated-'));
    dir = join(root, '.ml-container');
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('creates the folder, writes each file byte for byte and touches nothing else', () => {
    mkdirSync(dir);
    writeFileSync(join(dir, 'README.md'), 'keep me\n');
    writeGeneratedFolder(dir, files());
    expect(readdirSync(dir).sort()).toEqual([
      'Dockerfile',
      'Dockerfile.dockerignore',
      'README.md',
      'clamp.py',
      'plan.json',
      'requirements.lock',
    ]);
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(DOCKERFILE);
    expect(readFileSync(join(dir, 'Dockerfile.dockerignore'), 'utf8')).toBe(DOCKERIGNORE);
    expect(readFileSync(join(dir, 'requirements.lock'), 'utf8')).toBe(LOCK);
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe(PLAN);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('keep me\n');
  });

  it('creates nested folders', () => {
    const nested = join(root, 'a', 'b', 'c');
    writeGeneratedFolder(nested, files(null));
    expect(readdirSync(nested).sort()).toEqual(['Dockerfile', 'clamp.py', 'plan.json', 'requirements.lock']);
  });

  it('finds nothing stale right after writing', () => {
    writeGeneratedFolder(dir, files());
    expect(compareGenerated(dir, files(), '.ml-container')).toEqual([]);
  });

  it('shows a changed Dockerfile line as a unified diff with a/ and b/ headers and 3 lines of context', () => {
    writeGeneratedFolder(dir, files());
    writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE.replace('ENV E=5', 'ENV E=old'));
    expect(compareGenerated(dir, files(), '.ml-container')).toEqual([
      {
        name: 'Dockerfile',
        diff: [
          '--- a/.ml-container/Dockerfile',
          '+++ b/.ml-container/Dockerfile',
          '@@ -3,7 +3,7 @@',
          ' ENV B=2',
          ' ENV C=3',
          ' ENV D=4',
          '-ENV E=old',
          '+ENV E=5',
          ' ENV F=6',
          ' ENV G=7',
          ' CMD ["python","predict.py"]',
          '',
        ].join('\n'),
      },
    ]);
  });

  it('counts a missing file as stale, diffed against empty', () => {
    writeGeneratedFolder(dir, files());
    rmSync(join(dir, 'plan.json'));
    expect(compareGenerated(dir, files(), '.ml-container')).toEqual([
      {
        name: 'plan.json',
        diff: [
          '--- a/.ml-container/plan.json',
          '+++ b/.ml-container/plan.json',
          '@@ -0,0 +1,3 @@',
          '+{',
          '+  "python": "3.11"',
          '+}',
          '',
        ].join('\n'),
      },
    ]);
  });

  it('counts every file as stale when the folder does not exist, in the files order', () => {
    expect(compareGenerated(dir, files(), '.ml-container').map((file) => file.name)).toEqual([
      'Dockerfile',
      'Dockerfile.dockerignore',
      'requirements.lock',
      'clamp.py',
      'plan.json',
    ]);
  });

  it('treats a CRLF checkout as equal', () => {
    mkdirSync(dir);
    for (const file of files()) {
      writeFileSync(join(dir, file.name), file.content.replace(/\n/g, '\r\n'));
    }
    expect(compareGenerated(dir, files(), '.ml-container')).toEqual([]);
  });

  it('shows a real change in a CRLF checkout without carriage returns in the diff', () => {
    writeGeneratedFolder(dir, files());
    writeFileSync(join(dir, 'requirements.lock'), 'numpy==2.1.0 \\\r\n    --hash=sha256:abc\r\n');
    const stale = compareGenerated(dir, files(), '.ml-container');
    expect(stale.map((file) => file.name)).toEqual(['requirements.lock']);
    expect(stale[0]?.diff).not.toContain('\r');
    expect(stale[0]?.diff).toContain('\n-numpy==2.1.0 \\\n+numpy==2.2.0 \\\n');
  });

  it('writes the display folder in the headers with forward slashes and no ./ prefix', () => {
    const stale = compareGenerated(dir, files(), './build\\generated/');
    expect(stale[0]?.diff.split('\n').slice(0, 2)).toEqual([
      '--- a/build/generated/Dockerfile',
      '+++ b/build/generated/Dockerfile',
    ]);
  });
});

describe('staleMessage', () => {
  it('names the folder, the stale files and the command to regenerate them', () => {
    const stale = [
      { name: 'Dockerfile', diff: '' },
      { name: 'requirements.lock', diff: '' },
    ];
    expect(staleMessage(stale, '.ml-container', 'ml-container lock --write-generated .ml-container')).toBe(
      "generated files in .ml-container are stale: Dockerfile, requirements.lock — regenerate with 'ml-container lock --write-generated .ml-container' and commit them",
    );
  });
});
