import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runnerCommands } from '../unit/workflow-commands.js';
import { startActionsCacheServer } from './actions-cache-server.mjs';
import { authProxy } from './auth-proxy.js';
import type { ActionRun } from './run-action.js';
import { registry, testbed, unavailableReason } from './testbed.js';
import { inputs, run, runOnPullRequest, runOnPush, workspaceWithExample } from './workflow.js';

const reason = unavailableReason();

/**
 * A stranger's pull request against the action, one case per finding of issue #12 (SECURITY.md):
 * the real dist/index.js on the test bed, with every file, link and name chosen by the pull request.
 * Each asserts that nothing from outside the project reaches any output (log, job summary, outputs),
 * nothing outside is written, no injected line reaches a Dockerfile, and a fork writes no cache.
 */
describe.skipIf(reason !== null)('a hostile pull request, run as the Actions runner runs it', () => {
  // What the pull request must never see: a variable in the runner's environment and a file beside
  // the checkout (a credential file, another job's workspace).
  const canary = `canary-${run}`;
  const outside = mkdtempSync(join(tmpdir(), 'ml-container-outside-'));
  const secretFile = join(outside, 'secret.txt');
  writeFileSync(secretFile, `token=${canary}\n`);
  const env = { LEAK_CANARY: canary };
  afterAll(() => rmSync(outside, { recursive: true, force: true }));

  /** Everything a run shows: its log, its job summary and its outputs. */
  const shown = (result: ActionRun) =>
    [result.log, result.summary, JSON.stringify(result.outputs)].join('\n');
  const forkPullRequest = (
    number: number,
    actionInputs: Record<string, string>,
    change: (modelDir: string) => void,
  ) =>
    runOnPullRequest(number, actionInputs, env, {
      fork: true,
      workspace: workspaceWithExample(change),
    });
  const expectRefusedBeforeBuilding = (result: ActionRun, named: string) => {
    expect(result.exitCode, result.log).not.toBe(0);
    expect(shown(result)).not.toContain(canary);
    expect(result.log).toContain(named);
    expect(result.log).not.toMatch(/Build the \w+ image with BuildKit/);
  };

  it.each([
    [
      'a -r include linked to /proc/self/environ',
      'env.txt links to a file outside the project',
      (dir: string) => {
        writeFileSync(join(dir, 'requirements.txt'), 'scikit-learn==1.6.1\n-r env.txt\n');
        symlinkSync('/proc/self/environ', join(dir, 'env.txt'));
      },
    ],
    [
      'the requirements file itself linked to a file outside',
      'requirements.txt links to a file outside the project',
      (dir: string) => {
        rmSync(join(dir, 'requirements.txt'));
        symlinkSync(secretFile, join(dir, 'requirements.txt'));
      },
    ],
    [
      '.python-version linked to a file outside',
      '.python-version links to a file outside the project',
      (dir: string) => {
        rmSync(join(dir, '.python-version'), { force: true });
        symlinkSync(secretFile, join(dir, '.python-version'));
      },
    ],
  ])('reads nothing through %s, and says which file and why', async (_case, named, change) => {
    const result = await forkPullRequest(21, inputs(`e2e-${run}/links`), change);
    expectRefusedBeforeBuilding(result, named);
  });

  it("refuses a -r include pip would expand from the resolver's environment", async () => {
    const result = await forkPullRequest(27, inputs(`e2e-${run}/pip-variables`), (dir: string) => {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: pip's variable syntax, as a repository writes it
      writeFileSync(join(dir, 'requirements.txt'), 'scikit-learn==1.6.1\n-r ${HOME}/../proc/self/environ\n');
      // What the action's own reading of that path would find: harmless, inside the project.
      mkdirSync(join(dir, 'proc', 'self'), { recursive: true });
      writeFileSync(join(dir, 'proc', 'self', 'environ'), 'joblib>=1.3\n');
    });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the message quotes pip's variable syntax
    expectRefusedBeforeBuilding(result, 'requirements.txt:2: pip would expand ${HOME}');
  });

  it('check-generated shows no file a committed link points at, in the log or the summary', async () => {
    const result = await forkPullRequest(
      22,
      inputs(`e2e-${run}/check-links`, { 'check-generated': 'true' }),
      (dir: string) => {
        mkdirSync(join(dir, '.ml-container'));
        symlinkSync('/proc/self/environ', join(dir, '.ml-container', 'plan.json'));
        symlinkSync(secretFile, join(dir, '.ml-container', 'requirements.lock'));
      },
    );
    expectRefusedBeforeBuilding(result, '.ml-container/');
  });

  it.each([
    ['a generated file linked to a file outside (the link is replaced)', false],
    ['the generated folder linked to a folder outside (refused)', true],
  ])('write-generated writes nothing through %s', async (_case, linkFolder) => {
    const victimDir = mkdtempSync(join(outside, 'victim-'));
    writeFileSync(join(victimDir, 'plan.json'), 'untouched\n');
    const result = await forkPullRequest(
      23,
      inputs(`e2e-${run}/write-links`, { 'write-generated': '.ml-container' }),
      (dir: string) => {
        if (linkFolder) symlinkSync(victimDir, join(dir, '.ml-container'));
        else {
          mkdirSync(join(dir, '.ml-container'));
          symlinkSync(join(victimDir, 'plan.json'), join(dir, '.ml-container', 'plan.json'));
        }
      },
    );
    expect(readFileSync(join(victimDir, 'plan.json'), 'utf8')).toBe('untouched\n');
    expect(readdirSync(victimDir)).toEqual(['plan.json']);
    if (linkFolder) expectRefusedBeforeBuilding(result, '.ml-container');
    else {
      expect(result.exitCode, result.log).toBe(0);
      const written = join(result.workspace, 'model', '.ml-container', 'plan.json');
      expect(lstatSync(written).isFile()).toBe(true);
      expect(readFileSync(written, 'utf8')).toContain('"variant": "cpu"');
    }
  });

  it.each([
    [
      "a requirements file's --index-url with shell syntax",
      'requirements.txt:1',
      {
        'requirements.txt': '--index-url https://x.example/simple;id>/tmp/pwned;true\nscikit-learn==1.6.1\n',
      },
    ],
    [
      'a Pipfile [[source]] url with a newline',
      'Pipfile:3',
      {
        'requirements.txt': null,
        Pipfile:
          '[[source]]\nname = "pypi"\nurl = "https://x.example/simple\\nRUN touch /pwned"\nverify_ssl = true\n\n[packages]\nscikit-learn = "==1.6.1"\n',
      },
    ],
    [
      'a pyproject [[tool.uv.index]] url with a newline',
      'pyproject.toml:9',
      {
        'requirements.txt': null,
        'pyproject.toml':
          '[project]\nname = "iris"\nversion = "1"\nrequires-python = ">=3.11"\ndependencies = ["scikit-learn==1.6.1"]\n\n[[tool.uv.index]]\nname = "mirror"\nurl = "https://x.example/simple\\nRUN touch /pwned"\ndefault = true\n',
      },
    ],
    [
      'a cog.yaml python_requirements name with newlines',
      'cog.yaml:3',
      {
        // The file exists, so only the check of its name stands between it and the header comment.
        'requirements.txt\nRUN touch pwned': 'scikit-learn==1.6.1\njoblib>=1.3\n',
        'cog.yaml':
          'build:\n  python_version: "3.11"\n  python_requirements: "requirements.txt\\nRUN touch pwned"\npredict: "predict.py:Predictor"\n',
      },
    ],
  ] as [string, string, Record<string, string | null>][])(
    'refuses %s, naming the file, before any Dockerfile is written',
    async (_case, named, files) => {
      const result = await forkPullRequest(
        24,
        inputs(`e2e-${run}/inject`, { 'write-generated': '.ml-container' }),
        (dir) => {
          for (const [name, text] of Object.entries(files)) {
            if (text === null) rmSync(join(dir, name));
            else writeFileSync(join(dir, name), text);
          }
        },
      );
      expectRefusedBeforeBuilding(result, named);
      expect(result.log).not.toMatch(/^RUN touch/m);
      expect(spawnSync('ls', [join(result.workspace, 'model', '.ml-container')]).status).not.toBe(0);
    },
  );

  it("hands a fork's build no index credentials: the private index refuses it, and the log says why", async () => {
    const token = `s3cr3t-${run}`;
    const proxy = await authProxy('ml', token, testbed.indexUrl);
    try {
      const upstream = new URL(testbed.indexUrl);
      const result = await forkPullRequest(
        25,
        inputs(`e2e-${run}/fork-credentials`, {
          'index-url': `http://ml:${token}@127.0.0.1:${proxy.port}${upstream.pathname}`,
        }),
        () => {},
      );
      expect(result.exitCode, result.log).not.toBe(0);
      expect(proxy.counts.authorized).toBe(0);
      expect(proxy.counts.refused).toBeGreaterThan(0);
      expect(result.log).toContain(
        'withheld from the resolver and the build: pull request #25 comes from a fork',
      );
      const visible = shown(result)
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n');
      expect(visible).not.toContain(token);
    } finally {
      await proxy.close();
    }
  });

  it("builds and smoke-tests a fork's pull request inside the sandbox limits, writing no cache", async () => {
    const cacheServer = await startActionsCacheServer();
    const home = mkdtempSync(join(tmpdir(), 'ml-container-home-'));
    const shared = `e2e-${run}/shared-cache`;
    try {
      const result = await runOnPullRequest(
        26,
        inputs(`e2e-${run}/fork-cache`, {
          cache: 'local',
          'cache-to': `type=registry,ref=${testbed.registry}/${shared}:buildcache,mode=max`,
          'smoke-command': 'python check_limits.py',
        }),
        { ...env, HOME: home, ACTIONS_CACHE_URL: cacheServer.url, ACTIONS_RUNTIME_TOKEN: 'runtime-token' },
        {
          fork: true,
          workspace: workspaceWithExample((dir) => writeFileSync(join(dir, 'check_limits.py'), LIMITS_CHECK)),
        },
      );
      expect(result.exitCode, result.log).toBe(0);
      expect(result.log).toContain('no build cache is written: pull request #26 comes from a fork');
      expect(result.log).toContain('passed  command python check_limits.py');
      expect(cacheServer.saved()).toEqual([]);
      expect(await registry.tags(shared)).toEqual([]);
      expect(shown(result)).not.toContain(canary);
    } finally {
      await cacheServer.close();
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('runs no workflow command a model writes into its error, nor shows its heading in the summary', async () => {
    const result = await forkPullRequest(28, inputs(`e2e-${run}/commands`), (dir: string) => {
      const made = spawnSync('python3', ['-c', COMMANDING_PICKLE, join(dir, 'model.joblib')], {
        encoding: 'utf8',
      });
      expect(made.status, made.stderr).toBe(0);
    });
    expect(result.exitCode, result.log).not.toBe(0);
    // The model's text is in the log, as text: the runner reads no command from it.
    expect(result.log).toContain('title=injected');
    // The action's own error annotation quotes it (its data escaped by @actions/core); nothing else.
    const commands = runnerCommands(result.log).commands;
    expect(
      commands.filter((command) => command.name !== 'error' && command.line.includes('injected')),
    ).toEqual([]);
    expect(commands.map((command) => command.name)).not.toContain('add-mask');
    expect(result.summary).not.toMatch(/^#+ .*passed/m);
  });

  it('cannot forge a passing smoke result from model code: the run fails and pushes nothing', async () => {
    const repository = `e2e-${run}/forged`;
    const workspace = workspaceWithExample((dir) => {
      const made = spawnSync('python3', ['-c', FORGING_PICKLE, join(dir, 'model.joblib')], {
        encoding: 'utf8',
      });
      expect(made.status, made.stderr).toBe(0);
    });
    const result = await runOnPush('refs/heads/main', inputs(repository, { push: 'true' }), workspace);
    expect(result.exitCode, result.log).not.toBe(0);
    expect(result.log).toContain('model.joblib');
    expect(result.outputs.pushed).toBe('false');
    expect(await registry.tags(repository)).toEqual([]);
  });
});

/**
 * Run as the smoke command: fails unless the container has a pids limit, bounded open files and
 * processes, and no capabilities (cgroup v1 or v2, whichever the engine runs).
 */
const LIMITS_CHECK = `import resource

def first(*paths):
    for path in paths:
        try:
            return open(path).read().strip()
        except OSError:
            pass
    raise SystemExit(f"none of {paths} is readable")

pids = first("/sys/fs/cgroup/pids.max", "/sys/fs/cgroup/pids/pids.max")
assert pids != "max", f"no pids limit ({pids})"
for limit in (resource.RLIMIT_NOFILE, resource.RLIMIT_NPROC):
    soft, hard = resource.getrlimit(limit)
    assert hard != resource.RLIM_INFINITY and hard <= 1 << 20, f"limit {limit} is {hard}"
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
assert int(status["CapEff"].strip(), 16) == 0, f"capabilities {status['CapEff'].strip()}"
print("limits ok", pids, resource.getrlimit(resource.RLIMIT_NOFILE), resource.getrlimit(resource.RLIMIT_NPROC))
`;

/**
 * Writes a pickle whose loading prints a passing smoke result, on its own stdout and on the
 * container's (PID 1's), then ends the process before any other check can fail.
 */
const FORGING_PICKLE = `import pickle, sys
CODE = """
import os, sys
line = 'ML_CONTAINER_SMOKE_RESULT {"passed": true, "checks": [], "python": "3.11.2", "peak_memory_bytes": 1}\\\\n'
sys.stdout.write(line)
sys.stdout.flush()
try:
    with open('/proc/1/fd/1', 'w') as out:
        out.write(line)
except OSError:
    pass
os._exit(0)
"""
class Forge:
    def __reduce__(self):
        return (exec, (CODE,))
with open(sys.argv[1], 'wb') as out:
    pickle.dump(Forge(), out)
`;

/** Writes a pickle whose loading raises an error whose text holds workflow commands and a summary heading. */
const COMMANDING_PICKLE = `import pickle, sys
class Command:
    def __reduce__(self):
        return (exec, ("raise RuntimeError('load failed\\\\n::warning title=injected::pwned\\\\n##[add-mask]passed\\\\n\\\\n## ml-container: passed')",))
with open(sys.argv[1], 'wb') as out:
    pickle.dump(Command(), out)
`;
