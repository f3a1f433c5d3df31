import { type ServerKind, type ServerRow, servers } from '../data/servers.js';
import type { RepoReader } from '../project/reader.js';
import { normalizeName } from '../python/pep508.js';
import type { LockRead, Requirement } from '../python/types.js';
import { formatSource } from '../source.js';
import { hasControlCharacters, quoted } from '../text.js';
import type { ConsoleScript } from './console-script.js';
import type { Warning } from './spec.js';

/** An app object the code defines, as its server is told to load it. */
export interface ServedApp {
  kind: ServerKind;
  /** `module:attribute` (`module:create_app()` for a Flask factory), or the script for Streamlit and Gradio. */
  target: string;
  /** file:line of the line that makes it. */
  source: string;
  /** False for a FastAPI app made with `openapi_url=None`, which serves no /openapi.json. */
  ownRoute?: false;
}

/**
 * How the image serves the project, each part with where it was read. `how` is what starts it: the
 * framework's runner on the app found in the code, the Procfile's `web` command, or a console
 * script that starts its own server; `app` is what the code defines (probed with its framework's
 * routes), absent when only a Procfile or script says there is a server.
 */
export interface DetectedServer {
  how:
    | { by: 'runner'; runner: string; command: string; why: string }
    | { by: 'procfile'; command: string; port: number | null; source: string }
    | { by: 'script'; script: string; port: number | null; source: string };
  app: ServedApp | null;
  /** A GET route of the app whose name says it reports health (`/health`, `/healthz`, `/ping` …). */
  health: { path: string; source: string } | null;
}

/** Python files whose names frameworks and tutorials give the app, in the order they are taken. */
const APP_FILE_NAMES = [
  'main.py',
  'app.py',
  'server.py',
  'serve.py',
  'api.py',
  'wsgi.py',
  'asgi.py',
  'application.py',
  'streamlit_app.py',
  'Home.py',
];
/** Folders whose code is not the app: tests, docs, examples, notebooks, and a Streamlit app's other pages. */
const NOT_APP = /(?:^|\/)(?:tests?|docs?|examples?|notebooks?|benchmarks?|pages)\//;
/** Path parts: a file at most two folders down (`app/api/main.py`). */
const MAX_DEPTH = 3;
const MAX_FILES = 400;
const MAX_BYTES = 512 * 1024;
/** A module path and attribute uvicorn, gunicorn and flask load, and no shell reads as syntax. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A script path a shell reads as one word: no quoting, no expansion, not an option. */
const SCRIPT_PATH = /^[A-Za-z0-9_][A-Za-z0-9_./-]*\.py$/;
export const HTTP_PATH = /^\/[A-Za-z0-9._~/-]*$/;
const HEALTH_NAMES =
  /^(?:health|healthz|healthcheck|health-check|health_check|ping|ready|readyz|livez|status)$/;

interface AppPattern {
  kind: ServerKind;
  imports: RegExp;
  /** Module-level assignments of the app, the name in group 1. */
  assignment: RegExp | null;
}

const APP_PATTERNS: AppPattern[] = [
  {
    kind: 'fastapi',
    imports: /^(?:from fastapi\b|import fastapi\b)/m,
    assignment: /^([A-Za-z_]\w*)\s*(?::[^=\n]+)?=\s*(?:fastapi\.)?FastAPI\(/m,
  },
  {
    kind: 'starlette',
    imports: /^(?:from starlette\b|import starlette\b)/m,
    assignment: /^([A-Za-z_]\w*)\s*(?::[^=\n]+)?=\s*(?:starlette\.applications\.)?Starlette\(/m,
  },
  {
    kind: 'flask',
    imports: /^(?:from flask\b|import flask\b)/m,
    assignment: /^([A-Za-z_]\w*)\s*(?::[^=\n]+)?=\s*(?:flask\.)?Flask\(/m,
  },
  // A script the framework runs from its first line: it must call the framework at module level.
  // Launched at module level, or from a `__main__` guard (an uncalled `def main()` serves nothing).
  {
    kind: 'gradio',
    imports:
      /^(?:import gradio\b|from gradio\b)[^\n]*[\s\S]*(?:^[^\s#][^\n]*\.launch\(|\.launch\([\s\S]*^if __name__ == ['"]__main__['"]|^if __name__ == ['"]__main__['"][\s\S]*\.launch\()/m,
    assignment: null,
  },
  {
    kind: 'streamlit',
    imports: /^(?:import streamlit\b|from streamlit\b)[^\n]*[\s\S]*^(?:st|streamlit)\.[a-z_]+\(/m,
    assignment: null,
  },
];

/**
 * The server the project runs, from its Procfile's `web` process, cog.yaml's predictor, a
 * `[project.scripts]` entry that starts a server, or else an app object the code defines (a
 * FastAPI, Starlette or Flask app, a Streamlit or Gradio script) whose framework and runner are
 * among the dependencies. Null, with a warning saying what is missing, when there is none to run.
 */
export function detectServer(
  reader: RepoReader,
  found: {
    requirements: readonly Requirement[];
    lock: LockRead | null;
    /** cog.yaml's `predict` file, when cog.yaml is the manifest. */
    cogPredict: { path: string; source: string } | null;
    script: { script: ConsoleScript; target: string; source: string } | null;
  },
  warnings: Warning[],
): DetectedServer | null {
  const installed = installedNames(found.requirements, found.lock);
  const apps = findApps(reader, installed);
  const [app = null] = apps;
  const health = app ? findHealthRoute(reader, app) : null;
  const procfile = readProcfile(reader, warnings);
  if (procfile?.by === 'procfile') return named(procfile, procfile.command, apps, reader);
  if (found.cogPredict) {
    const cog = installed.get('cog');
    if (!cog) {
      warnings.push({
        message:
          "cog's HTTP server comes with the `cog` package, which the dependencies do not name: the image runs no server (add `cog` to `python_packages` to serve the predictor)",
        source: found.cogPredict.source,
      });
      return null;
    }
    const row = servers.find((candidate) => candidate.kind === 'cog') as ServerRow;
    const [runner] = row.runners;
    return {
      how: {
        by: 'runner',
        runner: 'cog',
        command: runner?.command ?? '',
        why: `cog.yaml names the predictor (${found.cogPredict.source}); cog is installed (${cog})`,
      },
      app: { kind: 'cog', target: found.cogPredict.path, source: found.cogPredict.source },
      health: null,
    };
  }
  const script = found.script ? scriptServer(reader, found.script, warnings) : null;
  if (script) return named(script.how, script.text, apps, reader);
  if (!app) return null;
  const row = servers.find((candidate) => candidate.kind === app.kind) as ServerRow;
  const runner = row.runners.find((candidate) => installed.has(normalizeName(candidate.package)));
  if (!runner) {
    warnings.push({
      message: `${app.source.split(':')[0]} defines a ${app.kind} app, but nothing installs ${listRunners(row)}: the image runs no server (add ${row.runners[0]?.package} to the dependencies to serve it)`,
      source: app.source,
    });
    return null;
  }
  if (app.kind === 'flask' && runner.package === 'flask') {
    warnings.push({
      message:
        "served by Flask's development server, which Flask says not to use in production: add gunicorn to the dependencies",
      source: app.source,
    });
  }
  return {
    how: {
      by: 'runner',
      runner: runner.package,
      command: runner.command.replace('{target}', shellWord(app.target)),
      why: `${app.source} defines the ${app.kind} app; ${runner.package} is installed (${installed.get(normalizeName(runner.package))})`,
    },
    app,
    health,
  };
}

/**
 * A Procfile's or console script's server, with the app its text names (`module:app`, or the
 * script's path): only then are that framework's routes probed, never those of an app elsewhere.
 */
function named(
  how: DetectedServer['how'],
  text: string,
  apps: readonly ServedApp[],
  reader: RepoReader,
): DetectedServer {
  const app = apps.find((candidate) => text.includes(candidate.target)) ?? null;
  return { how, app, health: app ? findHealthRoute(reader, app) : null };
}

/** The app as one shell word: a factory's `()` would be shell syntax unquoted. Targets hold no `'`. */
function shellWord(target: string): string {
  return /^[A-Za-z0-9_.:/-]+$/.test(target) ? target : `'${target}'`;
}

function listRunners(row: ServerRow): string {
  return row.runners.map((runner) => runner.package).join(' or ');
}

/** Every distribution the project installs by name, with where it is named. */
function installedNames(requirements: readonly Requirement[], lock: LockRead | null): Map<string, string> {
  const names = new Map<string, string>();
  for (const requirement of requirements) {
    const name = normalizeName(requirement.name);
    names.set(name, formatSource(requirement.source));
    // fastapi[standard] installs uvicorn, as FastAPI's own install guide says.
    if (name === 'fastapi' && requirement.extras.some((extra) => ['standard', 'all'].includes(extra))) {
      names.set('uvicorn', `${formatSource(requirement.source)}, fastapi[${requirement.extras.join(',')}]`);
    }
  }
  for (const pkg of lock?.packages ?? []) {
    const name = normalizeName(pkg.name);
    if (!names.has(name)) names.set(name, formatSource(pkg.source));
  }
  return names;
}

/**
 * The apps the code defines whose framework is installed, best first: top-level files before
 * deeper ones, then by the names tutorials give them, then by path.
 */
function findApps(reader: RepoReader, installed: ReadonlyMap<string, string>): ServedApp[] {
  const patterns = APP_PATTERNS.filter((pattern) => installed.has(pattern.kind));
  if (patterns.length === 0) return [];
  const rank = (path: string) => {
    const index = APP_FILE_NAMES.indexOf(path.split('/').at(-1) ?? '');
    return [path.split('/').length, index < 0 ? APP_FILE_NAMES.length : index] as const;
  };
  const candidates = reader
    .files()
    .filter(
      (path) =>
        path.endsWith('.py') &&
        path.split('/').length <= MAX_DEPTH &&
        !NOT_APP.test(path) &&
        !/(?:^|\/)(?:test_[^/]*|[^/]*_test|conftest|setup)\.py$/.test(path),
    )
    .sort((left, right) => {
      const [leftDepth, leftName] = rank(left);
      const [rightDepth, rightName] = rank(right);
      return leftDepth - rightDepth || leftName - rightName || (left < right ? -1 : left > right ? 1 : 0);
    })
    .slice(0, MAX_FILES);
  const apps: ServedApp[] = [];
  for (const path of candidates) {
    if ((reader.size(path) ?? Number.POSITIVE_INFINITY) > MAX_BYTES) continue;
    const text = reader.readText(path);
    if (text === null) continue;
    for (const pattern of patterns) {
      if (!pattern.imports.test(text)) continue;
      const app = appIn(path, text, pattern);
      if (app) apps.push(app);
    }
  }
  return apps;
}

function appIn(path: string, text: string, pattern: AppPattern): ServedApp | null {
  if (!pattern.assignment) {
    if (!SCRIPT_PATH.test(path)) return null;
    const line = lineOf(text, pattern.kind === 'gradio' ? /\.launch\(/ : /^(?:import|from) streamlit\b/m);
    return { kind: pattern.kind, target: path, source: `${path}:${line}` };
  }
  const module = path.slice(0, -'.py'.length).split('/');
  if (module.at(-1) === '__init__') module.pop();
  if (module.length === 0 || !module.every((part) => IDENTIFIER.test(part))) return null;
  const assigned = pattern.assignment.exec(text);
  if (assigned?.[1]) {
    return {
      kind: pattern.kind,
      target: `${module.join('.')}:${assigned[1]}`,
      source: `${path}:${lineAt(text, assigned.index)}`,
      ...(pattern.kind === 'fastapi' && /\bopenapi_url\s*=\s*None\b/.test(text)
        ? { ownRoute: false as const }
        : {}),
    };
  }
  // Flask's application factory, which gunicorn and flask both call by name with `()`.
  const factory = pattern.kind === 'flask' ? /^def (create_app|make_app)\(\s*\)/m.exec(text) : null;
  if (factory?.[1]) {
    return {
      kind: 'flask',
      target: `${module.join('.')}:${factory[1]}()`,
      source: `${path}:${lineAt(text, factory.index)}`,
    };
  }
  return null;
}

/** A health route the app's own file defines on the app itself, or in a Starlette route list. */
function findHealthRoute(reader: RepoReader, app: ServedApp): DetectedServer['health'] {
  if (app.kind !== 'fastapi' && app.kind !== 'starlette' && app.kind !== 'flask') return null;
  const file = app.source.slice(0, app.source.lastIndexOf(':'));
  // A factory's routes hang on a name local to it: any decorated route of the file counts.
  const attribute = app.target.endsWith('()') ? '' : (app.target.split(':')[1] ?? '');
  const text = reader.readText(file) ?? '';
  const lines = text.split('\n');
  const decorator = /^\s*@([A-Za-z_]\w*)\.(get|route|api_route)\(\s*(['"])(\/[^'"]*)\3([^)\n]*)/;
  const starletteRoute = /\bRoute\(\s*(['"])(\/[^'"]*)\1/;
  for (const [index, line] of lines.entries()) {
    let path: string | null = null;
    const routed = decorator.exec(line);
    if (routed && (attribute === '' || routed[1] === attribute)) {
      const methods = /methods\s*=\s*\[([^\]]*)\]/.exec(routed[5] ?? '');
      if (routed[2] === 'get' || !methods || /['"]GET['"]/i.test(methods[1] ?? '')) path = routed[4] ?? null;
    } else if (app.kind === 'starlette') {
      path = starletteRoute.exec(line)?.[2] ?? null;
    }
    if (path && HTTP_PATH.test(path) && HEALTH_NAMES.test(path.split('/').filter(Boolean).at(-1) ?? '')) {
      return { path, source: `${file}:${index + 1}` };
    }
  }
  return null;
}

/**
 * The Procfile's `web` process, as Heroku-style platforms start it (`sh -c`, with $PORT set). Its
 * port is $PORT when the command says so (or runs gunicorn, which binds $PORT itself), else the
 * port it names; a command that names neither cannot be probed, and is warned about.
 */
function readProcfile(reader: RepoReader, warnings: Warning[]): DetectedServer['how'] | null {
  const text = reader.readText('Procfile');
  if (text === null) return null;
  const lines = text.split('\n');
  const index = lines.findIndex((line) => /^web\s*:/.test(line));
  if (index < 0) return null;
  const source = `Procfile:${index + 1}`;
  const command = (lines[index] ?? '').replace(/^web\s*:/, '').trim();
  if (command === '' || hasControlCharacters(command) || command.length > 1000) {
    warnings.push({
      message: "the Procfile's web command is empty, too long or holds control characters: it is not used",
      source,
    });
    return null;
  }
  const named = /(?:--port[=\s]+|-p\s+|--server\.port[=\s]+|--bind[=\s]+\S*:|-b\s+\S*:)(\d{2,5})\b/.exec(
    command,
  );
  if (named) {
    const port = Number(named[1]);
    if (port > 0 && port <= 65535) return { by: 'procfile', command, port, source };
  }
  // gunicorn binds $PORT itself when no --bind is given.
  if (/\$\{?PORT\b/.test(command) || /^(?:exec\s+)?gunicorn\b/.test(command)) {
    return { by: 'procfile', command, port: null, source };
  }
  warnings.push({
    message: `the Procfile's web command (${quoted(command)}) names no port and not $PORT: it is not used, since its server could not be found`,
    source,
  });
  return null;
}

/**
 * A `[project.scripts]` entry whose function starts a server (uvicorn.run, app.run, waitress's
 * serve): the image runs the script; its port is what the module reads from $PORT or names.
 */
function scriptServer(
  reader: RepoReader,
  found: { script: ConsoleScript; target: string; source: string },
  warnings: Warning[],
): { how: DetectedServer['how']; text: string } | null {
  const module = found.target.split(':')[0]?.trim() ?? '';
  if (!/^[A-Za-z_][\w.]*$/.test(module)) return null;
  const base = module.replaceAll('.', '/');
  const path = [`${base}.py`, `src/${base}.py`, `${base}/__init__.py`, `src/${base}/__init__.py`].find(
    (candidate) => reader.files().includes(candidate),
  );
  if (!path) return null;
  const text = reader.readText(path) ?? '';
  if (!/\buvicorn\.run\(|\bwaitress\b[\s\S]*\bserve\(|\.run\([^)]*\bhost\s*=|\bweb\.run_app\(/.test(text))
    return null;
  const environment = /\bPORT['"]\s*(?:,\s*['"]?(\d{2,5}))?/.exec(text);
  const literal = /\bport\s*=\s*(\d{2,5})\b/.exec(text);
  const port = environment ? null : literal ? Number(literal[1]) : undefined;
  if (port === undefined || (port !== null && (port < 1 || port > 65535))) {
    warnings.push({
      message: `${path} starts a server, but its port is neither read from $PORT nor written as port=N: its serve test is skipped`,
      source: found.source,
    });
    return null;
  }
  const source = `${path}:${lineAt(text, text.search(/\buvicorn\.run\(|serve\(|\.run\(|run_app\(/))}`;
  return { how: { by: 'script', script: found.script.name, port, source }, text };
}

function lineAt(text: string, offset: number): number {
  return offset < 0 ? 1 : text.slice(0, offset).split('\n').length;
}

function lineOf(text: string, pattern: RegExp): number {
  const match = pattern.exec(text);
  return match ? lineAt(text, match.index) : 1;
}
