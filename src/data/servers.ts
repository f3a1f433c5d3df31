import table from './servers.json' with { type: 'json' };

/** A program that serves the app, in the order a project's dependencies are tried. */
export interface ServerRunnerRow {
  /** The distribution that installs it: the project must depend on it. */
  package: string;
  /** A `/bin/sh -c` line, `{target}` the app or script; the port comes from `$PORT`. */
  command: string;
  note: string;
  source: string;
}

/** A kind of model server: how it is started and how the serve smoke test asks whether it is up. */
export interface ServerRow {
  kind: ServerKind;
  /** The distribution whose presence among the dependencies makes code that uses it count. */
  framework: string;
  /** What $PORT defaults to in the image, and what it EXPOSEs. */
  port: number;
  /** The framework's own route that answers once the server is up; null when it has none. */
  health: string | null;
  healthNote: string;
  healthSource: string;
  runners: ServerRunnerRow[];
  /**
   * Set only in the serve test's container, to make the server run the app on a probe (Streamlit
   * runs a script per browser session, so its plain health route never runs it).
   */
  testEnv?: Record<string, string>;
  /** The route that runs the app once `testEnv` is set; it must answer 2xx. */
  scriptProbe?: string;
  scriptProbeSource?: string;
}

export type ServerKind = 'fastapi' | 'starlette' | 'flask' | 'streamlit' | 'gradio' | 'cog';

export const servers: readonly ServerRow[] = table.servers as ServerRow[];

export function serverRow(kind: ServerKind): ServerRow {
  const row = servers.find((candidate) => candidate.kind === kind);
  if (!row) throw new Error(`src/data/servers.json has no row for ${kind}`);
  return row;
}
