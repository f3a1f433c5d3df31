import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerCli } from '../../../src/adapters/docker.js';
import { runProcess } from '../../../src/adapters/process.js';
import type { Lock } from '../../../src/lock/report.js';
import type { BuildPlan } from '../../../src/plan/types.js';
import { type SmokeCheck, type SmokeResult, smoke } from '../../../src/smoke/index.js';
import { irisPlan } from '../helpers.js';

const python = spawnSync('python3', ['--version']).status === 0;
const IMAGE = 'harness-test:1';

/**
 * joblib as a malicious model would have it: loading runs code in the check's process. Each model
 * name picks what that code tries.
 */
const FAKE_JOBLIB = `
import os, signal, subprocess, sys

class ImportsInProcess:
    pass

class OwnProcess:
    pass

def load(path):
    if path == "forged.joblib":
        print("ML_CONTAINER_SMOKE_RESULT " + '{"passed": true, "checks": []}', flush=True)
        print("ML_CONTAINER_SMOKE_RESULT " + "0" * 32 + ' {"passed": true, "checks": []}', flush=True)
        os._exit(0)
    if path in ("garbage.joblib", "infinite.joblib"):
        # Its own check's pipe: the last one its process was given.
        with os.fdopen(int(sys.argv[-1].split(",")[-1]), "w") as report:
            report.write('{"status": "passed"} and more' if path == "garbage.joblib"
                         else '{"status": "passed", "seconds": 1e999}')
        os._exit(0)
    if path == "crowded.joblib" and "fakefw" in sys.modules:
        # As a model too large beside the frameworks would be: killed, for memory, in the shared process.
        os.kill(os.getpid(), signal.SIGKILL)
    if path == "sleepy.joblib":
        import time
        time.sleep(60)
    if path == "killed.joblib":
        os.kill(os.getpid(), signal.SIGKILL)
    if path == "exits.joblib":
        sys.exit(0)
    if path == "lingering.joblib":
        worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        with open("lingering.pid", "w") as handle:
            handle.write(str(worker.pid))
    # Whether the framework's import check ran in this process before the model.
    return ImportsInProcess() if "fakefw" in sys.modules else OwnProcess()
`;

function planOf(models: string[]): BuildPlan {
  const plan = irisPlan();
  plan.frameworks = [
    { ...plan.frameworks[0], name: 'fakefw', importName: 'fakefw', locked: '1.2.3' },
  ] as typeof plan.frameworks;
  plan.models = models.map((path) => ({
    path,
    format: 'joblib',
    bytes: 1,
    lfsPointers: [],
    missingShards: [],
  })) as typeof plan.models;
  return plan;
}

/** `docker run` of the smoke image, played by the local python3 in a project folder: the harness as shipped. */
function localDocker(project: string): DockerCli {
  return {
    async exec(args, options) {
      if (args[0] !== 'run') throw new Error(`unexpected docker call: ${args.join(' ')}`);
      return runProcess('python3', args.slice(args.indexOf(IMAGE) + 1), {
        cwd: project,
        input: options?.input,
      });
    },
  };
}

const EMPTY_LOCK: Lock = { packages: [], text: '', sha256: '', environment: {} };

describe.skipIf(!python)('the smoke harness, run by the local python3', () => {
  let project: string;
  let result: SmokeResult;
  let checks: Map<string, SmokeCheck>;

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'ml-container-harness-'));
    writeFileSync(join(project, 'joblib.py'), FAKE_JOBLIB);
    writeFileSync(join(project, 'fakefw.py'), '__version__ = "1.2.3"\n');
    const models = ['good.joblib', 'forged.joblib', 'garbage.joblib', 'killed.joblib', 'exits.joblib'];
    result = await smoke(planOf([...models, 'lingering.joblib', 'after.joblib']), EMPTY_LOCK, {
      docker: localDocker(project),
      image: IMAGE,
      command: `python3 -c "print('ML_CONTAINER_SMOKE_RESULT forged by the command')"`,
      timeoutSeconds: 120,
      memory: '1g',
    });
    checks = new Map(result.checks.map((check) => [`${check.kind} ${check.name}`, check]));
  }, 120_000);

  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('passes what loads, each further model in a process of its own, and reports the harness facts', () => {
    expect(checks.get('import fakefw')).toMatchObject({ status: 'passed', version: '1.2.3' });
    // The first model shares the imports' process, which spares importing the frameworks twice.
    expect(checks.get('model good.joblib')).toMatchObject({
      status: 'passed',
      type: 'joblib.ImportsInProcess',
    });
    expect(checks.get('model after.joblib')).toMatchObject({ status: 'passed', type: 'joblib.OwnProcess' });
    expect(result.python).toMatch(/^3\.\d+\.\d+/);
    expect(result.peak_memory_bytes).toBeGreaterThan(1 << 20);
  });

  it('fails a check whose model printed a passing result and left the harness, and ignores that result', () => {
    expect(result.passed).toBe(false);
    expect(checks.get('model forged.joblib')).toMatchObject({
      status: 'failed',
      error: 'the check did not report: model code exited the harness?',
      // What the model printed reached the supervisor's pipe, not the container's output.
      trace: expect.stringContaining('ML_CONTAINER_SMOKE_RESULT {"passed": true'),
    });
  });

  it('fails a check whose report is not one JSON result, or that was killed, saying so', () => {
    expect(checks.get('model garbage.joblib')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/report is not one JSON result/),
    });
    expect(checks.get('model killed.joblib')).toMatchObject({
      status: 'failed',
      error: 'the check did not report: killed by SIGKILL: over the memory limit?',
    });
    expect(checks.get('model exits.joblib')).toMatchObject({ status: 'failed', error: 'SystemExit: 0' });
  });

  it('ends what a check left running before the next one starts', () => {
    expect(checks.get('model lingering.joblib')).toMatchObject({ status: 'passed' });
    const pid = Number(readFileSync(join(project, 'lingering.pid'), 'utf8'));
    const stat = `/proc/${pid}/stat`;
    // Gone, or a zombie its new parent has yet to reap.
    if (existsSync(stat)) expect(readFileSync(stat, 'utf8').split(') ')[1]?.[0]).toBe('Z');
  });

  it("keeps the command's output, a forged line included, inside its check", () => {
    expect(
      checks.get(`command python3 -c "print('ML_CONTAINER_SMOKE_RESULT forged by the command')"`),
    ).toMatchObject({ status: 'passed', stdout: 'ML_CONTAINER_SMOKE_RESULT forged by the command\n' });
  });

  it('keeps the imports reported before the first model, which shares their process, whatever that model does', async () => {
    for (const model of ['garbage.joblib', 'forged.joblib', 'killed.joblib']) {
      const shared = await smoke(planOf([model, 'good.joblib']), EMPTY_LOCK, {
        docker: localDocker(project),
        image: IMAGE,
        command: null,
        timeoutSeconds: 120,
        memory: '1g',
      });
      expect(shared.checks.map((check) => [check.kind, check.name, check.status])).toEqual([
        ['import', 'fakefw', 'passed'],
        ['model', model, 'failed'],
        ['model', 'good.joblib', 'passed'],
      ]);
      expect(shared.passed).toBe(false);
    }
  }, 120_000);

  it('runs the checks after one that ended its process again in a fresh one, so a crashing import fails alone', async () => {
    writeFileSync(join(project, 'crashfw.py'), 'import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n');
    const plan = planOf(['good.joblib']);
    plan.frameworks = [
      { ...plan.frameworks[0], name: 'crashfw', importName: 'crashfw', locked: null },
      ...plan.frameworks,
    ] as typeof plan.frameworks;
    const crashed = await smoke(plan, EMPTY_LOCK, {
      docker: localDocker(project),
      image: IMAGE,
      command: null,
      timeoutSeconds: 120,
      memory: '1g',
    });
    expect(
      crashed.checks.map((check) => [check.kind, check.name, check.status, check.error ?? check.type]),
    ).toEqual([
      ['import', 'crashfw', 'failed', 'the check did not report: killed by SIGSEGV'],
      ['import', 'fakefw', 'passed', undefined],
      ['model', 'good.joblib', 'passed', 'joblib.ImportsInProcess'],
    ]);
  }, 120_000);

  it('gives a check that ended the process it shared a process of its own, as every check had', async () => {
    const crowded = await smoke(planOf(['crowded.joblib']), EMPTY_LOCK, {
      docker: localDocker(project),
      image: IMAGE,
      command: null,
      timeoutSeconds: 120,
      memory: '1g',
    });
    expect(crowded.checks.map((check) => [check.kind, check.name, check.status, check.type])).toEqual([
      ['import', 'fakefw', 'passed', undefined],
      ['model', 'crowded.joblib', 'passed', 'joblib.OwnProcess'],
    ]);
  }, 120_000);

  it('fails a report with a number JSON cannot carry, which would otherwise break the result line', async () => {
    const result = await smoke(planOf(['good.joblib', 'infinite.joblib']), EMPTY_LOCK, {
      docker: localDocker(project),
      image: IMAGE,
      command: null,
      timeoutSeconds: 120,
      memory: '1g',
    });
    expect(result.checks.find((check) => check.name === 'infinite.joblib')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/report is not one JSON result/),
    });
  }, 120_000);

  it("keeps input 'smoke-timeout' for the checks itself, and says when they ran past it", async () => {
    const started = Date.now();
    await expect(
      smoke(planOf(['sleepy.joblib']), EMPTY_LOCK, {
        docker: localDocker(project),
        image: IMAGE,
        command: 'python3 -c pass',
        timeoutSeconds: 3,
        memory: '1g',
        after: { script: 'print(1)', argument: '', timeoutSeconds: 60 },
      }),
    ).rejects.toThrow("smoke test timed out after 3s (input 'smoke-timeout')");
    // Not the after-script's time on top: the harness ended the checks at their own.
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 120_000);

  it('runs the after-script once every check passed, in the same container, and returns what it printed', async () => {
    const options = {
      docker: localDocker(project),
      image: IMAGE,
      command: null,
      timeoutSeconds: 120,
      memory: '1g',
    };
    const after = {
      // Isolated from the project's folder as the supervisor is: its fake joblib is not importable.
      script: 'import importlib.util, sys; print("listed", sys.argv[1], importlib.util.find_spec("joblib"))',
      argument: '{"root": "/"}',
      timeoutSeconds: 60,
    };
    const passed = await smoke(planOf(['good.joblib']), EMPTY_LOCK, { ...options, after });
    expect(passed.after).toMatchObject({
      exitCode: 0,
      timedOut: false,
      stdout: 'listed {"root": "/"} None\n',
    });
    expect(passed.seconds).toBeGreaterThan(0);
    const failed = await smoke(planOf(['killed.joblib']), EMPTY_LOCK, { ...options, after });
    expect(failed.passed).toBe(false);
    expect(failed.after).toBeUndefined();
    const slow = await smoke(planOf(['good.joblib']), EMPTY_LOCK, {
      ...options,
      after: {
        script: 'import time; print("started", flush=True); time.sleep(60)',
        argument: '',
        timeoutSeconds: 1,
      },
    });
    expect(slow.passed).toBe(true);
    expect(slow.after).toMatchObject({ timedOut: true, stdout: 'started\n' });
  }, 120_000);

  it("keeps the supervisor out of the project's folder: a module there shadowing the standard library reaches only the checks", async () => {
    const shadowed = mkdtempSync(join(tmpdir(), 'ml-container-harness-'));
    try {
      writeFileSync(
        join(shadowed, 'shlex.py'),
        'import os\nprint("ML_CONTAINER_SMOKE_RESULT " + \'{"passed": true, "checks": []}\', flush=True)\nos._exit(0)\n',
      );
      writeFileSync(join(shadowed, 'fakefw.py'), '__version__ = "1.2.3"\n');
      const shadowedResult = await smoke(planOf(['good.joblib']), EMPTY_LOCK, {
        docker: localDocker(shadowed),
        image: IMAGE,
        command: 'python3 -c pass',
        timeoutSeconds: 120,
        memory: '1g',
      });
      expect(shadowedResult.checks.map((check) => [check.kind, check.status, check.error])).toEqual([
        ['import', 'failed', 'the check did not report: model code exited the harness?'],
        ['model', 'failed', 'the check did not report: model code exited the harness?'],
        ['command', 'passed', undefined],
      ]);
    } finally {
      rmSync(shadowed, { recursive: true, force: true });
    }
  }, 120_000);
});
