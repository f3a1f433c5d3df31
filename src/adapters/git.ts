import { runProcess } from './process.js';

export interface CommitFacts {
  sha: string | null;
  /** Committer time, ISO 8601: what SOURCE_DATE_EPOCH and the `created` label are made of. */
  time: string | null;
}

const NONE: CommitFacts = { sha: null, time: null };

/**
 * git run over a folder a pull request fills: it may hold what looks like a bare repository (HEAD,
 * objects/, refs/ and a config naming a "promisor" remote with a `core.sshCommand`), which git
 * would discover from `-C` and obey, fetching a missing object through that command. So bare
 * repositories are used only when named, no transport of any kind may run, and nothing is fetched
 * lazily or replaced; only the checkout's own `.git` is read.
 */
const HARDENED = [
  '-c',
  'safe.bareRepository=explicit',
  '-c',
  'protocol.allow=never',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'core.hooksPath=/dev/null',
];
const HARDENED_ENV = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_OPTIONAL_LOCKS: '0',
  GIT_NO_LAZY_FETCH: '1',
  GIT_NO_REPLACE_OBJECTS: '1',
  GIT_PROTOCOL_FROM_USER: '0',
};

/**
 * The commit `revision` (HEAD by default) of the checkout that holds `dir`, read with git. Events
 * without `head_commit` (release, workflow_dispatch, schedule) still get the commit time this way,
 * so every event builds the same reproducible image. No git, no repository or an unknown commit
 * gives nulls: the caller decides what an unknown time means.
 */
export async function commitFacts(dir: string, revision = 'HEAD'): Promise<CommitFacts> {
  // A full or abbreviated object name, or HEAD: nothing git could read as an option.
  if (revision !== 'HEAD' && !/^[0-9a-f]{7,64}$/i.test(revision)) return NONE;
  try {
    const result = await runProcess(
      'git',
      [...HARDENED, '-C', dir, 'log', '-1', '--no-show-signature', '--format=%H %cI', revision, '--'],
      { env: { ...process.env, ...HARDENED_ENV }, timeoutMs: 30_000 },
    );
    const [sha, time] = result.exitCode === 0 ? result.stdout.trim().split(' ') : [];
    return sha && time ? { sha, time } : NONE;
  } catch {
    return NONE;
  }
}
