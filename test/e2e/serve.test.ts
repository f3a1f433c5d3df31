import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2eRequired, registry, testbed, unavailableReason } from './testbed.js';
import { inputs, run, runOnPush } from './workflow.js';

/**
 * Model servers shaped after public apps (test/fixtures/projects/serve-*): each is detected, served
 * by its own CMD in the smoke test's confinement, probed, pushed on a release tag, and the pushed
 * image, pulled again by digest and run offline, answers on the port it EXPOSEs. A server whose
 * startup fails stops the run before anything is pushed.
 */
function checkout(fixture: string): string {
  const workspace = mkdtempSync(join(tmpdir(), 'ml-container-e2e-'));
  cpSync(resolve('test/fixtures/projects', fixture), join(workspace, 'model'), { recursive: true });
  return workspace;
}

function release(fixture: string, extra: Record<string, string> = {}) {
  const repository = `e2e-${run}/${fixture}`;
  // No smoke-command: the server is the image's command, and the serve test is what runs it.
  const { 'smoke-command': _, ...rest } = inputs(repository, { push: 'true', ...extra });
  return { repository, result: runOnPush('refs/tags/v1.0.0', rest, checkout(fixture)) };
}

interface Variant {
  smoke: {
    checks: { kind: string; name: string; status: string }[];
    serve: {
      kind: string;
      command: string;
      port: number;
      first_answer_seconds: number;
      probes: { path: string; status: number }[];
    } | null;
  };
  server: { kind: string; port: number } | null;
}

function variantOf(metadata: string | undefined): Variant {
  const [variant] = JSON.parse(metadata ?? '{}').variants as Variant[];
  if (!variant) throw new Error('no variant in the metadata output');
  return variant;
}

/** Python's urllib in the image, run in the container's own network namespace, as the probe does. */
const ASK = [
  'import json, sys, time, urllib.request, urllib.error',
  'port, path = sys.argv[1], sys.argv[2]',
  'for _ in range(200):',
  '    try:',
  '        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:',
  '            print(r.status, r.read(200).decode()); break',
  '    except urllib.error.HTTPError as e:',
  '        print(e.code); break',
  '    except OSError:',
  '        time.sleep(0.25)',
].join('\n');

/**
 * Pulls the pushed image by digest, starts it offline with its own command and asks `path` on the
 * port its configuration EXPOSEs: what a user gets from the registry, not what the run built.
 */
function servePushed(reference: string, path: string): { port: string; answer: string } {
  const pulled = spawnSync('docker', ['pull', reference], { encoding: 'utf8' });
  expect(pulled.status, pulled.stderr).toBe(0);
  const inspect = spawnSync(
    'docker',
    ['image', 'inspect', '--format', '{{json .Config.ExposedPorts}}', reference],
    {
      encoding: 'utf8',
    },
  );
  const [exposed = ''] = Object.keys(JSON.parse(inspect.stdout) ?? {});
  const port = exposed.split('/')[0] ?? '';
  const name = `e2e-serve-${run}-${Math.random().toString(36).slice(2, 8)}`;
  const started = spawnSync(
    'docker',
    ['run', '--detach', '--network=none', '--read-only', '--tmpfs', '/tmp', '--name', name, reference],
    {
      encoding: 'utf8',
    },
  );
  expect(started.status, started.stderr).toBe(0);
  try {
    const asked = spawnSync('docker', ['exec', name, 'python3', '-c', ASK, port, path], { encoding: 'utf8' });
    return { port, answer: asked.stdout.trim() };
  } finally {
    spawnSync('docker', ['rm', '--force', name]);
  }
}

/** A project's own Dockerfile as many are written: no USER, its own port and command. */
const OWN_DOCKERFILE = `ARG BASE
FROM \${BASE}
ARG INDEX_URL
RUN python3 -m venv /opt/env
WORKDIR /srv
COPY requirements.txt .
RUN /opt/env/bin/pip install --no-cache-dir --index-url "$INDEX_URL" -r requirements.txt
COPY . .
ENV PATH=/opt/env/bin:$PATH
EXPOSE 8080
CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8080"]
`;

const reason = unavailableReason();
if (reason !== null) {
  describe('serve test end-to-end', () => {
    it.skipIf(!e2eRequired)(`cannot run: ${reason}`, () => {
      throw new Error(`end-to-end tests are required here but cannot run: ${reason}`);
    });
  });
}

describe.skipIf(reason !== null)('the serve test on the test bed', () => {
  it('serves a FastAPI app with uvicorn, answers its health route and a golden prediction, and pushes it', async () => {
    const { repository, result: running } = release('serve-fastapi', {
      'smoke-request': 'smoke-request.yml',
    });
    const result = await running;
    expect(result.exitCode, result.log).toBe(0);
    const variant = variantOf(result.outputs.metadata);
    expect(variant.server).toMatchObject({ kind: 'fastapi', port: 8000 });
    expect(variant.smoke.serve).toMatchObject({
      kind: 'fastapi',
      command: 'exec uvicorn main:app --host 0.0.0.0 --port "$PORT"',
      port: 8000,
      probes: [
        { path: '/health', status: 200 },
        { path: '/', status: 404 },
        { path: '/predict', status: 200 },
      ],
    });
    expect(variant.smoke.serve?.first_answer_seconds).toBeGreaterThan(0);
    expect(variant.smoke.checks.filter((check) => check.kind === 'response')).toEqual([
      expect.objectContaining({ name: 'smoke-request.yml', status: 'passed' }),
    ]);
    expect(result.summary).toContain('### Serve test');
    expect(await registry.tags(repository)).toContain('v1.0.0');
    const pushed = servePushed(`${testbed.registry}/${repository}@${result.outputs.digest}`, '/health');
    expect(pushed).toEqual({ port: '8000', answer: '200 {"status":"ok"}' });
  });

  it('serves a Flask app with gunicorn, renders its template page, and pushes it', async () => {
    const { repository, result: running } = release('serve-flask');
    const result = await running;
    expect(result.exitCode, result.log).toBe(0);
    const variant = variantOf(result.outputs.metadata);
    expect(variant.smoke.serve).toMatchObject({
      kind: 'flask',
      command: 'exec gunicorn --bind "0.0.0.0:$PORT" app:app',
      probes: [
        { path: '/healthz', status: 200 },
        { path: '/', status: 200 },
      ],
    });
    const pushed = servePushed(`${testbed.registry}/${repository}@${result.outputs.digest}`, '/');
    expect(pushed.port).toBe('8000');
    expect(pushed.answer).toMatch(/^200 /);
  });

  it('serves a Streamlit app, runs its script once through Streamlit, and pushes it', async () => {
    const { repository, result: running } = release('serve-streamlit');
    const result = await running;
    expect(result.exitCode, result.log).toBe(0);
    const variant = variantOf(result.outputs.metadata);
    expect(variant.smoke.serve).toMatchObject({
      kind: 'streamlit',
      port: 8501,
      probes: [
        { path: '/_stcore/health', status: 200 },
        { path: '/_stcore/script-health-check', status: 200 },
        { path: '/', status: 200 },
      ],
    });
    const pushed = servePushed(
      `${testbed.registry}/${repository}@${result.outputs.digest}`,
      '/_stcore/health',
    );
    expect(pushed).toEqual({ port: '8501', answer: '200 ok' });
  });

  it("probes a project's own Dockerfile on the port it EXPOSEs, running its own command as nobody", async () => {
    const repository = `e2e-${run}/serve-own-dockerfile`;
    const workspace = checkout('serve-fastapi');
    writeFileSync(join(workspace, 'model', 'Dockerfile'), OWN_DOCKERFILE);
    const {
      'smoke-command': _,
      'base-image': base,
      'index-url': index,
      ...rest
    } = inputs(repository, {
      push: 'true',
    });
    const result = await runOnPush(
      'refs/tags/v1.0.0',
      { ...rest, file: 'Dockerfile', 'build-args': `BASE=${base}\nINDEX_URL=${index}` },
      workspace,
    );
    expect(result.exitCode, result.log).toBe(0);
    const variant = variantOf(result.outputs.metadata);
    expect(variant.smoke.serve).toMatchObject({
      kind: 'fastapi',
      command: '["uvicorn","main:app","--host","0.0.0.0","--port","8080"]',
      port: 8080,
      probes: [
        { path: '/health', status: 200 },
        { path: '/', status: 404 },
      ],
    });
    expect(await registry.tags(repository)).toContain('v1.0.0');
  });

  it('fails the step with the server log, and pushes nothing, when the startup hook fails', async () => {
    const { repository, result: running } = release('serve-fastapi-startup-fails');
    const result = await running;
    expect(result.exitCode).not.toBe(0);
    expect(result.log).toMatch(
      /::error[^\n]*::smoke test failed: serve port 8000: the server exited with code 3 before answering/,
    );
    // The models loaded: only the server failed, and its own log says why.
    expect(result.log).toMatch(/passed +model model\.joblib/);
    expect(result.log).toContain('RuntimeError: model not found at /models/iris.joblib');
    expect(result.outputs.pushed).toBe('false');
    expect(await registry.tags(repository)).toEqual([]);
  });
});
