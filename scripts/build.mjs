// Bundles the action (dist/index.js) and the CLI (dist/cli/index.js) with ncc, so the action runs
// without node_modules, as GitHub runs actions. ncc copies the Python scripts that run inside
// containers (read with readFileSync at start-up) beside each bundle; the check below keeps it so.
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const ncc = 'node_modules/@vercel/ncc/dist/ncc/cli.js';
const pythonScripts = ['src/lock/resolve.py', 'src/smoke/harness.py', 'src/size/listing.py'];

rmSync('dist', { recursive: true, force: true });
for (const [entry, out] of [
  ['src/index.ts', 'dist'],
  ['src/cli.ts', 'dist/cli'],
]) {
  execFileSync(
    process.execPath,
    [ncc, 'build', entry, '--out', out, '--license', 'licenses.txt', '--quiet'],
    {
      stdio: 'inherit',
    },
  );
  // ncc names a shipped file after itself or after its content hash (webpack's `new URL()` assets):
  // either way the bundle refers to that name, so check by content that each script is there.
  const shipped = readdirSync(out).filter((name) => name.endsWith('.py'));
  for (const script of pythonScripts) {
    const text = readFileSync(script, 'utf8');
    if (!shipped.some((name) => readFileSync(`${out}/${name}`, 'utf8') === text))
      throw new Error(`ncc did not ship ${script} beside ${out}/index.js`);
  }
}
const cli = 'dist/cli/index.js';
const body = readFileSync(cli, 'utf8');
if (!body.startsWith('#!')) writeFileSync(cli, `#!/usr/bin/env node\n${body}`);
chmodSync(cli, 0o755);
