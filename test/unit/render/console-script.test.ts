import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detect } from '../../../src/detect/index.js';
import { plan } from '../../../src/plan/index.js';
import { type BuildPlan, baseOf } from '../../../src/plan/types.js';
import { memoryReader } from '../../../src/project/reader.js';
import { renderDockerfile } from '../../../src/render/dockerfile.js';
import { BASE_DIGEST, inputsWith, irisLock } from '../helpers.js';

const PYPROJECT = `[build-system]
requires = ["flit_core>=3.4,<5"]
build-backend = "flit_core.buildapi"

[project]
name = "iris_cli"
version = "0.1.0"
description = "Iris species from four measurements"
dependencies = ["scikit-learn==1.6.1", "joblib>=1.3"]

[project.scripts]
iris-predict = "iris_cli:main"
`;

function planOf(tree: Record<string, string>, values: Record<string, string> = {}): BuildPlan {
  const [first] = plan(detect(memoryReader(tree)), inputsWith(values), { hasDockerignore: false });
  if (!first) throw new Error('no plan');
  baseOf(first).digest = BASE_DIGEST;
  return first;
}

const uvFixture = 'test/fixtures/detect/uv-lock-lightgbm';

describe('a console-script project', () => {
  const planned = planOf({ 'pyproject.toml': PYPROJECT, 'iris_cli/__init__.py': '' });
  const dockerfile = renderDockerfile(planned, irisLock());
  const lines = dockerfile.split('\n');

  it('locks its build backend with its dependencies, and says why', () => {
    expect(planned.requirementLines).toEqual(['scikit-learn==1.6.1', 'joblib>=1.3', 'flit-core>=3.4,<5']);
    expect(planned.installProject).toEqual({ script: 'iris-predict', buildIsolation: false });
    expect(planned.entrypoint).toBeNull();
    expect(planned.decisions).toContainEqual({
      topic: 'entry point',
      choice:
        'console script iris-predict: the project installed without dependencies after the lock, its build requirements (flit-core>=3.4,<5) locked with them, built offline',
      why: "pyproject.toml:12 names script 'iris-predict', which exists once the project is installed; build backend flit_core.buildapi (pyproject.toml:1)",
    });
  });

  it('installs the project offline after the lock, from a mount of the context, and runs the script by name', () => {
    const copy = lines.findIndex((line) => line.includes('| tar -C /app --touch -xf -'));
    expect(lines.slice(copy + 2, copy + 9)).toEqual([
      'RUN --mount=type=bind,target=/tmp/ml-container-project,rw \\',
      '    --mount=type=bind,from=generated,target=/tmp/ml-container-generated \\',
      '    started=$(date +%s) \\',
      '    && SOURCE_DATE_EPOCH=0 /opt/venv/bin/pip install --no-deps --no-cache-dir --no-build-isolation --no-index /tmp/ml-container-project \\',
      '    && test -x /opt/venv/bin/iris-predict \\',
      // What pip wrote is the project's: it takes the commit time, as the source does.
      `    && python3 -I -S -B /tmp/ml-container-generated/clamp.py "$started" "${'$'}{SOURCE_DATE_EPOCH:-0}"`,
      'ENV PATH=/opt/venv/bin:$PATH \\',
    ]);
    expect(lines.indexOf('FROM dependencies AS application')).toBeLessThan(copy);
    expect(lines.filter((line) => line.startsWith('CMD '))).toEqual(['CMD ["iris-predict"]']);
    // The venv's bin, where the script is, is on PATH for the command.
    expect(dockerfile).toContain('ENV PATH=/opt/venv/bin:$PATH');
  });

  it("builds in isolation, from the plan's indexes, when the lock is the project's own (it records no build backend)", () => {
    const uvPlan = planOf(
      {
        'pyproject.toml': readFileSync(`${uvFixture}/pyproject.toml`, 'utf8'),
        'uv.lock': readFileSync(`${uvFixture}/uv.lock`, 'utf8'),
      },
      { 'index-url': 'https://pypi.example/simple' },
    );
    expect(uvPlan.installProject).toEqual({ script: 'sk-server', buildIsolation: true });
    expect(uvPlan.decisions).toContainEqual(
      expect.objectContaining({
        topic: 'entry point',
        choice: expect.stringContaining('built in isolation with an unpinned hatchling from the index'),
        why: expect.stringContaining('uv.lock records no build requirements'),
      }),
    );
    const rendered = renderDockerfile(uvPlan, irisLock());
    expect(rendered).toContain(
      '    && SOURCE_DATE_EPOCH=0 /opt/venv/bin/pip install --no-deps --no-cache-dir --index-url https://pypi.example/simple /tmp/ml-container-project \\\n    && test -x /opt/venv/bin/sk-server',
    );
    expect(rendered).toContain('CMD ["sk-server"]');
  });

  it('gives pip a private index only as the secret, for that build too', () => {
    const privatePlan = planOf(
      {
        'pyproject.toml': readFileSync(`${uvFixture}/pyproject.toml`, 'utf8'),
        'uv.lock': readFileSync(`${uvFixture}/uv.lock`, 'utf8'),
      },
      { 'index-url': 'https://user:token@pypi.example/simple' },
    );
    const rendered = renderDockerfile(privatePlan, irisLock());
    expect(rendered).not.toContain('token');
    expect(rendered).toContain(
      'RUN --mount=type=bind,target=/tmp/ml-container-project,rw \\\n    --mount=type=bind,from=generated,target=/tmp/ml-container-generated \\\n    --mount=type=secret,id=pip-config,target=/run/secrets/pip-config,required=true \\\n    started=$(date +%s) \\\n    && SOURCE_DATE_EPOCH=0 PIP_CONFIG_FILE=/run/secrets/pip-config /opt/venv/bin/pip install --no-deps --no-cache-dir /tmp/ml-container-project \\',
    );
  });

  it('keeps a file entry point as it was: no install, run with python', () => {
    const filePlan = planOf({ 'pyproject.toml': PYPROJECT, 'predict.py': '' });
    expect(filePlan.installProject).toBeNull();
    const rendered = renderDockerfile(filePlan, irisLock());
    expect(rendered).not.toContain('ml-container-project');
    expect(rendered).toContain('CMD ["python","predict.py"]');
  });

  it('refuses, as an internal error, a script name that reached the plan unchecked', () => {
    const bad = { ...planned, installProject: { script: 'x;id', buildIsolation: false } };
    expect(() => renderDockerfile(bad, irisLock())).toThrow(/console script 'x;id' cannot be written/);
  });
});
