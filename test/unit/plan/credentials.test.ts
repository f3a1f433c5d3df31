import { describe, expect, it } from 'vitest';
import { buildxArgs } from '../../../src/build/args.js';
import {
  credentialsOf,
  pipConfig,
  secretsOf,
  stripCredentials,
  withCredentials,
} from '../../../src/plan/credentials.js';
import { renderDockerfile } from '../../../src/render/dockerfile.js';
import { irisLock, irisPlan } from '../helpers.js';

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
