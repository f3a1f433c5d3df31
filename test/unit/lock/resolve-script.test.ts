// resolve.py run here, without Docker, on a project whose one requirement is a source tree with
// its own build backend: pip runs that backend's code as the same user, as it would an sdist's build
// script in the resolver. The backend looks for the index credentials everywhere a process of its
// user could: its environment, every process's command line, and (not being root) every process's
// environment.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = readFileSync('src/lock/resolve.py', 'utf8');
const SECRET = 's3cret-for-the-resolve-test';

/** As root every /proc file is readable whatever the process says: run as nobody where setpriv can. */
const asNobody =
  process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0
    ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--']
    : [];
const runner = [...asNobody, 'env', 'python3'];
const canRun =
  process.platform === 'linux' &&
  spawnSync(runner[0] ?? 'python3', [...runner.slice(1), '-c', 'import ctypes, ensurepip, venv'], {
    cwd: tmpdir(),
  }).status === 0;
const unprivileged = asNobody.length > 0 || process.getuid?.() !== 0;

const BACKEND = `
import json, os

def _look():
    found = []
    if "ML_CONTAINER_INDEXES" in os.environ or ${JSON.stringify(SECRET)} in json.dumps(dict(os.environ)):
        found.append("own environment")
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        for name in ("cmdline", "environ"):
            try:
                with open(f"/proc/{pid}/{name}", "rb") as handle:
                    if ${JSON.stringify(SECRET)}.encode() in handle.read():
                        found.append(f"/proc/{pid}/{name}")
            except OSError:
                pass
    with open(os.path.join(os.environ["HOME"], "found.json"), "w") as out:
        json.dump(found, out)

def get_requires_for_build_wheel(config_settings=None):
    return []

def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _look()
    info = os.path.join(metadata_directory, "evil-1.0.dist-info")
    os.mkdir(info)
    with open(os.path.join(info, "METADATA"), "w") as handle:
        handle.write("Metadata-Version: 2.1\\nName: evil\\nVersion: 1.0\\n")
    return "evil-1.0.dist-info"

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    raise RuntimeError("not built in a dry run")
`;

describe.skipIf(!canRun)('resolve.py, with a build backend of the project', () => {
  let root = '';
  let home = '';
  let result: ReturnType<typeof spawnSync>;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'resolve-script-'));
    const project = join(root, 'project');
    home = join(root, 'home');
    mkdirSync(join(project, 'evil'), { recursive: true });
    mkdirSync(home);
    writeFileSync(
      join(project, 'evil', 'pyproject.toml'),
      '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n',
    );
    writeFileSync(join(project, 'evil', 'backend.py'), BACKEND);
    writeFileSync(join(project, 'requirements.txt'), `--no-index\nevil @ file://${join(project, 'evil')}\n`);
    // `python3 -c` would import this in place of the standard library's json from the working directory.
    writeFileSync(join(project, 'json.py'), 'raise SystemExit("the project\'s json.py was imported")\n');
    for (const dir of [root, project, join(project, 'evil')]) chmodSync(dir, 0o755);
    chmodSync(home, 0o777);
    const [command = 'python3', ...args] = runner;
    result = spawnSync(
      command,
      [
        ...args,
        '-c',
        SCRIPT,
        JSON.stringify({
          requirements: 'requirements.txt',
          lines: null,
          indexUrl: null,
          extraIndexUrls: [],
          cpuTorch: null,
        }),
      ],
      {
        cwd: project,
        encoding: 'utf8',
        timeout: 120_000,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: home,
          ML_CONTAINER_INDEXES: JSON.stringify({
            indexUrl: `https://ci:${SECRET}@127.0.0.1:9/simple`,
            extraIndexUrls: [`https://ci:${SECRET}@127.0.0.1:9/extra`],
          }),
        },
      },
    );
  }, 180_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('resolves, without importing from the project', () => {
    expect(result.stderr).not.toContain("the project's json.py was imported");
    expect(result.status).toBe(0);
    const lines = String(result.stdout)
      .split('\n')
      .filter((line) => line.startsWith('ML_CONTAINER_RESOLVE_REPORT '));
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]?.slice('ML_CONTAINER_RESOLVE_REPORT '.length) ?? '{}');
    expect(report.install.map((item: { metadata: { name: string } }) => item.metadata.name)).toEqual([
      'evil',
    ]);
  });

  it("keeps the credentials out of the build's environment and of every command line", () => {
    const found: string[] = JSON.parse(readFileSync(join(home, 'found.json'), 'utf8'));
    expect(found.filter((place) => place === 'own environment' || place.endsWith('/cmdline'))).toEqual([]);
  });

  it.skipIf(!unprivileged)("keeps them out of every process's /proc environ it can read", () => {
    const found: string[] = JSON.parse(readFileSync(join(home, 'found.json'), 'utf8'));
    expect(found).toEqual([]);
  });
});
