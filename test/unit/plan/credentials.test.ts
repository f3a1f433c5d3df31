import { describe, expect, it } from 'vitest';
import { detect } from '../../../src/detect/index.js';
import { buildxArgs } from '../../../src/image/args.js';
import { resolverArgs } from '../../../src/lock/args.js';
import {
  credentialsOf,
  pipConfig,
  secretsOf,
  stripCredentials,
  withCredentials,
} from '../../../src/plan/credentials.js';
import { plan } from '../../../src/plan/index.js';
import { baseOf } from '../../../src/plan/types.js';
import { memoryReader } from '../../../src/project/reader.js';
import { renderDockerfile } from '../../../src/render/dockerfile.js';
import { BASE_DIGEST, inputsWith, irisLock, irisPlan } from '../helpers.js';

const PRIVATE = 'https://ci:t0ken%2Fx@pypi.corp.example/simple';

describe('index credentials', () => {
  it('strips them from URLs, and puts them back only from the store', () => {
    expect(stripCredentials(PRIVATE)).toBe('https://pypi.corp.example/simple');
    expect(stripCredentials('https://pypi.org/simple')).toBe('https://pypi.org/simple');
    const store = credentialsOf([PRIVATE, 'https://pypi.org/simple', null]);
    expect([...store.keys()]).toEqual(['https://pypi.corp.example/simple']);
    expect(withCredentials('https://pypi.corp.example/simple', store)).toBe(PRIVATE);
    expect(secretsOf(store)).toEqual(['t0ken%2Fx', 't0ken/x']);
  });

  it('writes pip configuration with every index', () => {
    expect(pipConfig(PRIVATE, ['https://a.example/simple', 'https://b.example/simple'])).toBe(
      `[global]\nindex-url = ${PRIVATE}\nextra-index-url =\n    https://a.example/simple\n    https://b.example/simple\n`,
    );
  });

  it('keeps them out of the plan and the Dockerfile, which mounts them as a secret', () => {
    const plan = irisPlan({ 'index-url': PRIVATE });
    expect(plan.indexUrl).toBe('https://pypi.corp.example/simple');
    expect(plan.privateIndexes).toBe(true);
    expect(JSON.stringify(plan)).not.toContain('t0ken');
    const dockerfile = renderDockerfile(plan, irisLock());
    expect(dockerfile).not.toContain('t0ken');
    expect(dockerfile).toContain(
      '--mount=type=secret,id=pip-config,target=/run/secrets/pip-config,required=true',
    );
    expect(dockerfile).toContain(
      'PIP_CONFIG_FILE=/run/secrets/pip-config /opt/venv/bin/pip install --require-hashes --no-deps',
    );
    expect(dockerfile).not.toContain('--index-url');
  });

  it('passes the secret file to buildx by path, never its content', () => {
    const args = buildxArgs(irisPlan({ 'index-url': PRIVATE }), {
      contextDir: '/c',
      generatedDir: '/g',
      dockerfile: '/g/Dockerfile',
      metadataFile: '/g/m.json',
      tags: ['t'],
      labels: {},
      provenance: true,
      pipConfigSecret: '/tmp/secret/pip.conf',
      sourceDateEpoch: null,
      ociArchive: null,
    });
    expect(args).toEqual(expect.arrayContaining(['--secret', 'id=pip-config,src=/tmp/secret/pip.conf']));
    expect(args.join(' ')).not.toContain('t0ken');
  });
});

describe('credentials on the PyTorch index root', () => {
  const ROOT = 'https://u:t0psecret@torch-mirror.corp.example/whl';

  it('strip even from a URL the WHATWG parser refuses', () => {
    expect(stripCredentials('https://u:tok@host.example:99999/simple')).toBe(
      'https://host.example:99999/simple',
    );
  });

  it('reach /cpu and /cuXXX below the root, and only below it', () => {
    const store = credentialsOf([ROOT]);
    expect(withCredentials('https://torch-mirror.corp.example/whl/cpu', store)).toBe(`${ROOT}/cpu`);
    expect(withCredentials('https://torch-mirror.corp.example/whl/cu121', store)).toBe(`${ROOT}/cu121`);
    expect(withCredentials('https://torch-mirror.corp.example/whlx', store)).toBe(
      'https://torch-mirror.corp.example/whlx',
    );
  });

  it('stay out of the CPU variant plan and the resolver command line, which then reads indexes from its environment', () => {
    const spec = detect(memoryReader({ 'requirements.txt': 'torch>=2.13\n', 'predict.py': 'print(1)\n' }));
    const [cpu] = plan(spec, inputsWith({ variant: 'cpu', 'pytorch-index-url': ROOT }), {
      hasDockerignore: false,
    });
    if (!cpu) throw new Error('no plan');
    baseOf(cpu).digest = BASE_DIGEST;
    expect(cpu.cpuTorch?.indexUrl).toBe('https://torch-mirror.corp.example/whl/cpu');
    expect(cpu.privateIndexes).toBe(true);
    const args = resolverArgs(cpu, 'S');
    expect(args.join(' ')).not.toContain('t0psecret');
    expect(args).toContain('ML_CONTAINER_INDEXES');
    expect(JSON.stringify(cpu)).not.toContain('t0psecret');
  });
});
