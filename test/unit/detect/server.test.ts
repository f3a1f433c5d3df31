import { describe, expect, it } from 'vitest';
import { detect } from '../../../src/detect/index.js';
import { memoryReader } from '../../../src/project/reader.js';

const FASTAPI_APP = [
  'from fastapi import FastAPI',
  'import joblib',
  '',
  'app = FastAPI(title="iris")',
  '',
  '@app.get("/healthz")',
  'def health():',
  '    return {"ok": True}',
  '',
  '@app.post("/predict")',
  'def predict(): ...',
  '',
].join('\n');

function detected(tree: Record<string, string>) {
  const spec = detect(memoryReader({ 'model.joblib': 'binary', ...tree }));
  return { server: spec.server ?? null, warnings: spec.warnings };
}

describe('server detection', () => {
  it('serves a FastAPI app with uvicorn, citing the app line, the runner line and its health route', () => {
    const { server } = detected({
      'requirements.txt': 'scikit-learn==1.6.1\nfastapi>=0.110\nuvicorn>=0.29\n',
      'main.py': FASTAPI_APP,
    });
    expect(server?.app).toEqual({ kind: 'fastapi', target: 'main:app', source: 'main.py:4' });
    expect(server?.how).toEqual({
      by: 'runner',
      runner: 'uvicorn',
      command: 'exec uvicorn main:app --host 0.0.0.0 --port "$PORT"',
      why: 'main.py:4 defines the fastapi app; uvicorn is installed (requirements.txt:3)',
    });
    expect(server?.health).toEqual({ path: '/healthz', source: 'main.py:6' });
  });

  it('takes uvicorn from fastapi[standard], as FastAPI installs it', () => {
    const { server } = detected({
      'requirements.txt': 'fastapi[standard]==0.142.2\n',
      'app/main.py': FASTAPI_APP,
    });
    expect(server?.how).toMatchObject({ by: 'runner', runner: 'uvicorn' });
    expect(server?.app?.target).toBe('app.main:app');
  });

  it('serves nothing, and says what to add, when no runner is installed', () => {
    const { server, warnings } = detected({
      'requirements.txt': 'fastapi==0.142.2\n',
      'main.py': FASTAPI_APP,
    });
    expect(server).toBeNull();
    expect(warnings).toContainEqual({
      message: expect.stringContaining('nothing installs uvicorn: the image runs no server (add uvicorn'),
      source: 'main.py:4',
    });
  });

  it('ignores code whose framework the project does not install', () => {
    expect(detected({ 'requirements.txt': 'uvicorn\n', 'main.py': FASTAPI_APP }).server).toBeNull();
  });

  it('serves Flask with gunicorn, or with its development server and a warning', () => {
    const app = [
      'from flask import Flask, render_template',
      'app = Flask(__name__)',
      '@app.route("/ping", methods=["POST"])',
      'def ping(): ...',
      '@app.route("/health")',
      'def health(): ...',
    ].join('\n');
    const gunicorn = detected({ 'requirements.txt': 'flask\ngunicorn\n', 'app.py': app });
    expect(gunicorn.server?.how).toMatchObject({ command: 'exec gunicorn --bind "0.0.0.0:$PORT" app:app' });
    // A POST-only route is no health check.
    expect(gunicorn.server?.health).toEqual({ path: '/health', source: 'app.py:5' });
    const bare = detected({ 'requirements.txt': 'flask\n', 'app.py': app });
    expect(bare.server?.how).toMatchObject({
      runner: 'flask',
      command: 'exec flask --app app:app run --host 0.0.0.0 --port "$PORT"',
    });
    expect(bare.warnings.map((warning) => warning.message)).toContainEqual(
      expect.stringContaining("Flask's development server"),
    );
  });

  it("calls a Flask application factory, as gunicorn's 'module:create_app()' does", () => {
    const { server } = detected({
      'requirements.txt': 'flask\ngunicorn\n',
      'wsgi.py': 'from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    return app\n',
    });
    expect(server?.app).toEqual({ kind: 'flask', target: 'wsgi:create_app()', source: 'wsgi.py:3' });
    // Quoted: `()` unquoted is shell syntax, and the command runs through /bin/sh -c.
    expect(server?.how).toMatchObject({
      command: `exec gunicorn --bind "0.0.0.0:$PORT" 'wsgi:create_app()'`,
    });
  });

  it('runs a Streamlit script and a Gradio script by path', () => {
    const streamlit = detected({
      'requirements.txt': 'streamlit\n',
      'streamlit_app.py': 'import streamlit as st\n\nst.title("iris")\n',
      'pages/2_About.py': 'import streamlit as st\nst.write("about")\n',
    });
    expect(streamlit.server?.app).toEqual({
      kind: 'streamlit',
      target: 'streamlit_app.py',
      source: 'streamlit_app.py:1',
    });
    expect(streamlit.server?.how).toMatchObject({
      command: expect.stringContaining('streamlit run streamlit_app.py'),
    });
    const gradio = detected({
      'requirements.txt': 'gradio\n',
      'app.py':
        'import gradio as gr\n\ndemo = gr.Interface(fn=str, inputs="text", outputs="text")\ndemo.launch()\n',
    });
    expect(gradio.server?.how).toMatchObject({
      command: 'exec env GRADIO_SERVER_NAME=0.0.0.0 GRADIO_SERVER_PORT="$PORT" python app.py',
    });
  });

  it('prefers the top-level app, then the names tutorials use, and skips tests, docs, examples and pages', () => {
    const { server } = detected({
      'requirements.txt': 'fastapi[standard]\n',
      'tests/main.py': FASTAPI_APP,
      'examples/main.py': FASTAPI_APP,
      'service/main.py': FASTAPI_APP,
      'zzz.py': FASTAPI_APP,
      'api.py': FASTAPI_APP,
    });
    expect(server?.app?.target).toBe('api:app');
  });

  it('never puts a module or script path a shell would read as syntax into the command', () => {
    const { server } = detected({
      'requirements.txt': 'fastapi[standard]\nstreamlit\n',
      'my-app/main.py': FASTAPI_APP,
      '$(reboot).py': 'import streamlit as st\nst.title("x")\n',
      'a b.py': 'import streamlit as st\nst.title("x")\n',
    });
    expect(server).toBeNull();
  });

  it('takes a Gradio script launched at module level or from a __main__ guard, not from an uncalled function', () => {
    const gradio = (text: string) => detected({ 'requirements.txt': 'gradio\n', 'ui.py': text }).server;
    const head = 'import gradio as gr\ndemo = gr.Interface(fn=str, inputs="text", outputs="text")\n';
    expect(gradio(`${head}demo.launch()\n`)).not.toBeNull();
    expect(
      gradio(`${head}def main():\n    demo.launch()\n\nif __name__ == "__main__":\n    main()\n`),
    ).not.toBeNull();
    expect(gradio(`${head}def main():\n    demo.launch()\n`)).toBeNull();
  });

  it('probes a HEAD-only route never, and no /openapi.json of an app that turned it off', () => {
    const { server } = detected({
      'requirements.txt': 'fastapi[standard]\n',
      'main.py':
        'from fastapi import FastAPI\napp = FastAPI(openapi_url=None)\n@app.head("/health")\ndef h(): ...\n',
    });
    expect(server?.health).toBeNull();
    expect(server?.app?.ownRoute).toBe(false);
  });

  it("runs the Procfile's web process, probing the framework the code shows", () => {
    const { server } = detected({
      'requirements.txt': 'fastapi[standard]\n',
      'main.py': FASTAPI_APP,
      Procfile:
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Procfile's shell text, ${PORT} as a shell expands it
        'release: python migrate.py\nweb: uvicorn main:app --host 0.0.0.0 --port ${PORT} --workers 2\n',
    });
    expect(server?.how).toEqual({
      by: 'procfile',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the Procfile's text, kept as written
      command: 'uvicorn main:app --host 0.0.0.0 --port ${PORT} --workers 2',
      port: null,
      source: 'Procfile:2',
    });
    expect(server?.app?.kind).toBe('fastapi');
  });

  it('takes the port a Procfile names, and refuses one that names none', () => {
    const named = detected({
      'requirements.txt': 'flask\n',
      Procfile: 'web: waitress-serve --port=8080 app:app\n',
    });
    expect(named.server?.how).toMatchObject({ by: 'procfile', port: 8080 });
    const gunicorn = detected({ 'requirements.txt': 'flask\n', Procfile: 'web: gunicorn app:app\n' });
    expect(gunicorn.server?.how).toMatchObject({ by: 'procfile', port: null });
    // Its own --bind wins over the $PORT gunicorn would otherwise bind.
    const bound = detected({
      'requirements.txt': 'flask\n',
      Procfile: 'web: gunicorn --bind 0.0.0.0:5000 app:app\n',
    });
    expect(bound.server?.how).toMatchObject({ by: 'procfile', port: 5000 });
    const none = detected({ 'requirements.txt': 'flask\n', Procfile: 'web: python serve.py\n' });
    expect(none.server).toBeNull();
    expect(none.warnings).toContainEqual({
      message: expect.stringContaining('names no port and not $PORT'),
      source: 'Procfile:1',
    });
  });

  it("probes a Procfile's server with the routes of the app it names, not of another app in the code", () => {
    const { server } = detected({
      'requirements.txt': 'flask\ngunicorn\nfastapi[standard]\n',
      'main.py': FASTAPI_APP,
      'api.py': 'from flask import Flask\napp = Flask(__name__)\n',
      Procfile: 'web: gunicorn api:app\n',
    });
    expect(server?.app).toEqual({ kind: 'flask', target: 'api:app', source: 'api.py:2' });
    const unnamed = detected({
      'requirements.txt': 'fastapi[standard]\n',
      'main.py': FASTAPI_APP,
      Procfile: 'web: python -m service --port $PORT\n',
    });
    expect(unnamed.server?.app).toBeNull();
  });

  it("serves a cog predictor with cog's HTTP server only when cog is installed", () => {
    const cogYaml =
      'build:\n  python_version: "3.11"\n  python_packages:\n    - scikit-learn==1.6.1\n    - cog==0.9.0\npredict: "predict.py:Predictor"\n';
    const served = detected({ 'cog.yaml': cogYaml, 'predict.py': 'class Predictor: ...\n' });
    expect(served.server?.how).toMatchObject({
      by: 'runner',
      runner: 'cog',
      command: 'exec python -m cog.server.http',
    });
    const unserved = detected({
      'cog.yaml': cogYaml.replace('    - cog==0.9.0\n', ''),
      'predict.py': 'class Predictor: ...\n',
    });
    expect(unserved.server).toBeNull();
    expect(unserved.warnings.map((warning) => warning.message)).toContainEqual(
      expect.stringContaining("cog's HTTP server comes with the `cog` package"),
    );
  });

  it('runs a console script that starts its own server, on the port it reads from $PORT', () => {
    const { server } = detected({
      'pyproject.toml': [
        '[build-system]',
        'requires = ["flit_core>=3.9"]',
        'build-backend = "flit_core.buildapi"',
        '[project]',
        'name = "iris_api"',
        'version = "1.0"',
        'dependencies = ["fastapi", "uvicorn"]',
        '[project.scripts]',
        'iris-serve = "iris_api.cli:main"',
      ].join('\n'),
      'iris_api/__init__.py': '"""Iris."""\n__version__ = "1.0"\n',
      'iris_api/cli.py':
        'import os\nimport uvicorn\n\ndef main():\n    uvicorn.run("iris_api.app:app", host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))\n',
      'iris_api/app.py': FASTAPI_APP,
    });
    expect(server?.how).toEqual({
      by: 'script',
      script: 'iris-serve',
      port: null,
      source: 'iris_api/cli.py:5',
    });
    expect(server?.app?.target).toBe('iris_api.app:app');
  });

  it('shows the server in the detect --json contract', async () => {
    const { specContract } = await import('../../../src/detect/spec.js');
    const spec = detect(memoryReader({ 'requirements.txt': 'fastapi[standard]\n', 'main.py': FASTAPI_APP }));
    expect(specContract(spec).server).toEqual({
      kind: 'fastapi',
      app: 'main:app',
      source: 'main.py:4',
      runner: 'uvicorn',
      command: 'exec uvicorn main:app --host 0.0.0.0 --port "$PORT"',
      health: '/healthz',
    });
  });
});
