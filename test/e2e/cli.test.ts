import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { e2eRequired } from './testbed.js';

const CLI = 'dist/cli/index.js';
const FIXTURES = 'test/fixtures/detect';
const built = existsSync(CLI);

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

if (!built) {
  describe('ml-container CLI', () => {
    it.skipIf(!e2eRequired)(`cannot run: ${CLI} is missing (run npm run build)`, () => {
      throw new Error(`${CLI} is missing but the CLI tests are required here`);
    });
  });
}

/** The bundled CLI, as users run it: the detect contract on stdout, errors as file:line:col on stderr. */
describe.skipIf(!built)('ml-container detect, the bundled CLI', () => {
  const fixtures = readdirSync(FIXTURES).filter((name) => existsSync(`${FIXTURES}/${name}/expected.json`));
  const ok = fixtures.filter(
    (name) => !('error' in JSON.parse(readFileSync(`${FIXTURES}/${name}/expected.json`, 'utf8'))),
  );
  const broken = fixtures.filter((name) => !ok.includes(name));

  it.each(ok.slice(0, 6))('prints one JSON object and nothing else for %s, exit 0', (name) => {
    const result = cli('detect', `${FIXTURES}/${name}`, '--json');
    expect(result.status, result.stderr).toBe(0);
    const contract = JSON.parse(result.stdout);
    expect(Object.keys(contract)).toEqual([
      'python',
      'dependencies',
      'frameworks',
      'accelerator',
      'cuda',
      'models',
      'entrypoint',
      'server',
      'projects',
      'warnings',
    ]);
  });

  it.each(broken)('exits 2 with file:line: message and no stack trace for %s', (name) => {
    const expected = JSON.parse(readFileSync(`${FIXTURES}/${name}/expected.json`, 'utf8')).error as {
      source: string;
    };
    const result = cli('detect', `${FIXTURES}/${name}`, '--json');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.startsWith(expected.source), result.stderr).toBe(true);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 with usage for an unknown flag', () => {
    const result = cli('detect', '.', '--no-such-flag');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage:');
  });
});
