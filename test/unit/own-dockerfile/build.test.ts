import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DockerCli } from '../../../src/adapters/docker.js';
import type { ProcessResult } from '../../../src/adapters/process.js';
import { builderInfo } from '../../../src/image/builder.js';
import { build } from '../../../src/image/index.js';
import { plan } from '../../../src/plan/index.js';
import { inputsWith, irisSpec } from '../helpers.js';

const ok = (stdout = ''): ProcessResult => ({ exitCode: 0, stdout, stderr: '', timedOut: false });
const BUILT = `sha256:${'a'.repeat(64)}`;
const work = mkdtempSync(join(tmpdir(), 'ml-container-own-build-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A docker engine that records each build's arguments and the secret files as BuildKit would read them. */
function engine() {
  const builds: { args: string[]; secrets: Record<string, { text: string; mode: number }> }[] = [];
  const docker: DockerCli = {
    async exec(args) {
      if (args[1] === 'build') {
        const secrets: (typeof builds)[number]['secrets'] = {};
        args.forEach((arg, index) => {
          const match = args[index - 1] === '--secret' ? /^id=([^,]+),src=(.+)$/.exec(arg) : null;
          if (match?.[1] && match[2])
            secrets[match[1]] = {
              text: readFileSync(match[2], 'utf8'),
              mode: statSync(match[2]).mode & 0o777,
            };
        });
        builds.push({ args: [...args], secrets });
        writeFileSync(
          args[args.indexOf('--metadata-file') + 1] ?? '',
          JSON.stringify({ 'containerimage.digest': BUILT }),
        );
        return ok();
      }
      if (args[0] === 'image') return ok(`${BUILT} 123\n`);
      throw new Error(`unexpected docker call: ${args.join(' ')}`);
    },
  };
  return { docker, builds };
}

describe("building the project's own Dockerfile", () => {
  it('hands each secret over as a private file that is gone after the build, and no pip configuration', async () => {
    // Credentials in the project's own index URL: the generated Dockerfile would get a pip-config secret.
    const spec = irisSpec();
    spec.dependencies.indexUrl = {
      url: 'https://user:pw@private.example/simple',
      source: 'requirements.txt:1',
    };
    const [ownPlan] = plan(spec, inputsWith({ file: 'Dockerfile' }), {
      hasDockerignore: false,
      dockerfile: { kind: 'project', path: 'Dockerfile', target: null, why: "input 'file'" },
    });
    if (!ownPlan) throw new Error('no plan');
    expect(ownPlan.privateIndexes).toBe(true);
    const { docker, builds } = engine();
    await build(ownPlan, {
      docker,
      builder: builderInfo(
        'Name: default\nDriver: docker\n',
        null,
        '[["driver-type","io.containerd.snapshotter.v1"]]',
      ),
      contextDir: '/w/model',
      generatedDir: mkdtempSync(join(work, 'gen-')),
      tags: ['r/iris:main'],
      labels: {},
      provenance: true,
      sourceDateEpoch: null,
      reproducible: false,
      credentials: new Map([['private.example', 'user:pw']]),
      dockerfileInputs: {
        buildArgs: [{ name: 'A', value: '1' }],
        secrets: [{ id: 'token', value: 'hunter2' }],
      },
    });
    const [only] = builds;
    expect(only?.secrets).toEqual({ token: { text: 'hunter2', mode: 0o600 } });
    expect(only?.args.join(' ')).not.toContain('hunter2');
    expect(only?.args).toContain('A=1');
    const secretFile =
      /src=(.+)$/.exec(only?.args.find((arg) => arg.startsWith('id=token,')) ?? '')?.[1] ?? '';
    expect(secretFile).not.toBe('');
    expect(existsSync(secretFile)).toBe(false);
  });
});
