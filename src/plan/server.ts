import { serverRow } from '../data/servers.js';
import type { EnvironmentSpec } from '../detect/spec.js';
import { UserError } from '../errors.js';
import type { Inputs } from '../inputs.js';
import type { Decision, ServeProbe, ServerPlan } from './types.js';

/** $PORT's default where no framework row gives one (a Procfile or script reading $PORT). */
export const DEFAULT_PORT = 8000;

/**
 * The server the image's command starts and how the serve test asks it: the health path first
 * (input 'smoke-http-path', else the app's own health route, else the framework's), then `/`, which
 * must not fail. The project's own Dockerfile keeps its command: only the probes are planned, and
 * the port is the one its image EXPOSEs (`port` 0 until the smoke test reads it), or the framework's.
 */
export function chooseServer(
  spec: EnvironmentSpec,
  inputs: Pick<Inputs, 'smokeServe' | 'smokeHttpPath' | 'smokeRequest'>,
  own: boolean,
  decisions: Decision[],
): ServerPlan | null {
  const server = spec.server ?? null;
  const test = inputs.smokeServe !== 'false';
  if (!server && !(own && inputs.smokeServe === 'true')) {
    const asked = [
      ...(inputs.smokeServe === 'true' ? ["'smoke-serve' is true"] : []),
      ...(inputs.smokeHttpPath ? ["'smoke-http-path' is set"] : []),
      ...(inputs.smokeRequest ? ["'smoke-request' is set"] : []),
    ];
    if (asked.length > 0) {
      throw new UserError(
        `input ${asked.join(', input ')}, but no server was found: no Procfile web process, cog predictor with cog installed, console script that serves, or FastAPI, Starlette, Flask, Streamlit or Gradio app whose framework and runner are among the dependencies (docs/detection.md, "Servers")`,
        'plan',
      );
    }
    return null;
  }
  const kind = server?.app?.kind ?? null;
  const row = kind ? serverRow(kind) : null;
  const how = server?.how ?? null;
  const fixedPort = how && how.by !== 'runner' ? how.port : null;
  const port = fixedPort ?? (own && !row ? 0 : (row?.port ?? DEFAULT_PORT));
  const command = own || !how ? null : how.by === 'script' ? `exec ${how.script}` : how.command;
  const why = !how
    ? "input 'smoke-serve' is true: the image's own command, on the port it EXPOSEs"
    : how.by === 'runner'
      ? how.why
      : how.by === 'procfile'
        ? `the Procfile's web process (${how.source})`
        : `console script '${how.script}' starts a server (${how.source})`;

  const probes: ServeProbe[] = [];
  const health: ServeProbe | null = inputs.smokeHttpPath
    ? { method: 'GET', path: inputs.smokeHttpPath, expect: 'success', why: "input 'smoke-http-path'" }
    : server?.health
      ? {
          method: 'GET',
          path: server.health.path,
          expect: 'success',
          why: `the app's route (${server.health.source})`,
        }
      : row?.health && server?.app?.ownRoute !== false
        ? {
            method: 'GET',
            path: row.health,
            expect: 'success',
            why: `${row.kind}'s own route (src/data/servers.json; ${row.healthSource})`,
          }
        : null;
  if (health) probes.push(health);
  if (row?.scriptProbe) {
    probes.push({
      method: 'GET',
      path: row.scriptProbe,
      expect: 'success',
      why: `runs the script once (src/data/servers.json; ${row.scriptProbeSource ?? row.healthSource})`,
    });
  }
  if (health?.path !== '/') {
    probes.push({ method: 'GET', path: '/', expect: 'answers', why: 'the page or API root must not fail' });
  }
  const portText = own
    ? port === 0
      ? 'the port its image EXPOSEs'
      : `the port its image EXPOSEs, else ${port}`
    : fixedPort !== null
      ? `port ${port}, as the command names it`
      : `$PORT (default ${port})`;
  decisions.push({
    topic: 'server',
    choice: `${command ?? "the image's own command"} on ${portText}`,
    why,
  });
  decisions.push({
    topic: 'serve test',
    choice: test
      ? [
          ...probes.map((probe) => `${probe.method} ${probe.path}`),
          ...(inputs.smokeRequest ? [inputs.smokeRequest] : []),
        ].join(', ')
      : 'off',
    why: test
      ? probes.map((probe) => `${probe.path}: ${probe.why}`).join('; ')
      : "input 'smoke-serve' is false",
  });
  return {
    kind,
    command,
    port,
    portFromEnv: !own && fixedPort === null,
    readiness: kind === 'cog' ? 'cog-ready' : 'answers',
    probes,
    testEnv: row?.testEnv ?? {},
    test,
    required: inputs.smokeServe === 'true',
    why,
  };
}
