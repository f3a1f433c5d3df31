import { describe, expect, it } from 'vitest';
import { detect } from '../../../src/detect/index.js';
import { plan } from '../../../src/plan/index.js';
import type { DockerfileSource } from '../../../src/plan/types.js';
import { memoryReader } from '../../../src/project/reader.js';
import { renderDockerfile } from '../../../src/render/dockerfile.js';
import { BASE_DIGEST, inputsWith, irisLock, userError } from '../helpers.js';

const fastapi = {
  'requirements.txt': 'scikit-learn==1.6.1\nfastapi[standard]\n',
  'model.joblib': 'binary',
  'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n@app.get("/health")\ndef health(): ...\n',
};
const streamlit = {
  'requirements.txt': 'scikit-learn==1.6.1\nstreamlit\n',
  'model.joblib': 'binary',
  'streamlit_app.py': 'import streamlit as st\nst.title("iris")\n',
};
const own: DockerfileSource = { kind: 'project', path: 'Dockerfile', target: null, why: "input 'file'" };

function planOf(
  tree: Record<string, string>,
  values: Record<string, string> = {},
  dockerfile?: DockerfileSource,
) {
  const [first] = plan(detect(memoryReader(tree)), inputsWith(values), {
    hasDockerignore: false,
    dockerfile,
  });
  if (!first) throw new Error('no plan');
  if (first.base) first.base.digest ??= BASE_DIGEST;
  return first;
}

describe('the server plan', () => {
  it("probes the app's health route, then the root, and says both in the plan", () => {
    const planned = planOf(fastapi);
    expect(planned.server).toMatchObject({
      kind: 'fastapi',
      command: 'exec uvicorn main:app --host 0.0.0.0 --port "$PORT"',
      port: 8000,
      portFromEnv: true,
      readiness: 'answers',
      test: true,
      probes: [
        { method: 'GET', path: '/health', expect: 'success', why: "the app's route (main.py:3)" },
        { method: 'GET', path: '/', expect: 'answers', why: 'the page or API root must not fail' },
      ],
    });
    expect(planned.decisions.find((decision) => decision.topic === 'server')).toEqual({
      topic: 'server',
      choice: 'exec uvicorn main:app --host 0.0.0.0 --port "$PORT" on $PORT (default 8000)',
      why: 'main.py:2 defines the fastapi app; uvicorn is installed (requirements.txt:2, fastapi[standard])',
    });
  });

  it("takes smoke-http-path over the app's route, and the framework's own route without either", () => {
    expect(planOf(fastapi, { 'smoke-http-path': '/v1/ready?deep=1' }).server?.probes[0]).toEqual({
      method: 'GET',
      path: '/v1/ready?deep=1',
      expect: 'success',
      why: "input 'smoke-http-path'",
    });
    const bare = { ...fastapi, 'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n' };
    expect(planOf(bare).server?.probes[0]).toMatchObject({ path: '/openapi.json', expect: 'success' });
  });

  it("runs a Streamlit script on its port and asks Streamlit to run it once, in the test's container only", () => {
    const server = planOf(streamlit).server;
    expect(server?.port).toBe(8501);
    expect(server?.probes.map((probe) => probe.path)).toEqual([
      '/_stcore/health',
      '/_stcore/script-health-check',
      '/',
    ]);
    expect(server?.testEnv).toEqual({ STREAMLIT_SERVER_SCRIPT_HEALTH_CHECK_ENABLED: 'true' });
  });

  it('renders the server as the CMD, with ENV PORT and EXPOSE, through a shell that reads $PORT', () => {
    const dockerfile = renderDockerfile(planOf(fastapi), irisLock());
    expect(dockerfile).toContain(
      'ENV PORT=8000\nEXPOSE 8000\nUSER 10001:10001\nCMD ["/bin/sh","-c","exec uvicorn main:app --host 0.0.0.0 --port \\"$PORT\\""]\n',
    );
  });

  it("keeps a Procfile's own port, with no ENV PORT that would not apply", () => {
    const planned = planOf({ ...fastapi, Procfile: 'web: uvicorn main:app --host 0.0.0.0 --port 9000\n' });
    expect(planned.server).toMatchObject({ port: 9000, portFromEnv: false });
    const dockerfile = renderDockerfile(planned, irisLock());
    expect(dockerfile).not.toContain('ENV PORT');
    expect(dockerfile).toContain('EXPOSE 9000\n');
    expect(dockerfile).toContain('CMD ["/bin/sh","-c","uvicorn main:app --host 0.0.0.0 --port 9000"]');
  });

  it("keeps the project's own Dockerfile's command, probing the port its image EXPOSEs", () => {
    const server = planOf(fastapi, { file: 'Dockerfile' }, own).server;
    expect(server).toMatchObject({ command: null, port: 8000, portFromEnv: false, kind: 'fastapi' });
    const forced = planOf(
      { 'requirements.txt': 'scikit-learn\n', 'model.joblib': 'x' },
      { file: 'Dockerfile', 'smoke-serve': 'true' },
      own,
    ).server;
    expect(forced).toMatchObject({ command: null, port: 0, kind: null });
    expect(forced?.probes).toEqual([
      { method: 'GET', path: '/', expect: 'answers', why: 'the page or API root must not fail' },
    ]);
  });

  it('runs no serve test with smoke-serve: false, but the image still serves', () => {
    const planned = planOf(fastapi, { 'smoke-serve': 'false' });
    expect(planned.server?.test).toBe(false);
    expect(planned.decisions.find((decision) => decision.topic === 'serve test')?.choice).toBe('off');
    expect(renderDockerfile(planned, irisLock())).toContain('EXPOSE 8000');
  });

  it('refuses serve inputs when no server was found, saying what counts as one', () => {
    const iris = { 'requirements.txt': 'scikit-learn\n', 'model.joblib': 'x', 'predict.py': '' };
    const asked: Record<string, string>[] = [
      { 'smoke-serve': 'true' },
      { 'smoke-http-path': '/health' },
      { 'smoke-request': 'r.yml' },
    ];
    for (const values of asked) {
      const error = userError(() => planOf(iris, values));
      expect(error.phase).toBe('plan');
      expect(error.message).toMatch(/but no server was found: no Procfile web process/);
    }
  });

  it('has no server, and the old command, for a project that serves nothing', () => {
    const planned = planOf({ 'requirements.txt': 'scikit-learn\n', 'model.joblib': 'x', 'predict.py': '' });
    expect(planned.server).toBeNull();
    const dockerfile = renderDockerfile(planned, irisLock());
    expect(dockerfile).toContain('CMD ["python","predict.py"]');
    expect(dockerfile).not.toContain('EXPOSE');
  });
});

describe('the serve inputs', () => {
  it('refuses a smoke-http-path a request line would read as more than a path', () => {
    for (const path of ['health', '/a b', '/x\r\nHost: evil', `/${'a'.repeat(2048)}`]) {
      const error = userError(() => inputsWith({ 'smoke-http-path': path }));
      expect(error.phase).toBe('inputs');
      expect(error.message).toContain("input 'smoke-http-path' must be a path starting with '/'");
    }
    expect(inputsWith({ 'smoke-http-path': '/v1/health?deep=true' }).smokeHttpPath).toBe(
      '/v1/health?deep=true',
    );
  });

  it('refuses serve-test inputs beside smoke-serve: false, which would ignore them', () => {
    expect(userError(() => inputsWith({ 'smoke-serve': 'false', 'smoke-request': 'r.yml' })).message).toBe(
      "input 'smoke-request' asks the serve test, which 'smoke-serve: false' turns off",
    );
    expect(userError(() => inputsWith({ 'smoke-serve': 'maybe' })).message).toContain("input 'smoke-serve'");
  });
});
