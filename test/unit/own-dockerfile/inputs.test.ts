import { describe, expect, it } from 'vitest';
import { inputsWith, userError } from '../helpers.js';

describe("inputs for the project's own Dockerfile", () => {
  it('reads file, target, build-args and secrets with build-push-action’s list syntax', () => {
    const inputs = inputsWith({
      file: './docker/Dockerfile',
      target: 'serve',
      'build-args': 'BASE=python:3.11\nGREETING=a=b, c\n',
      secrets: 'index_token=t0k\n"multi=line one\nline two"',
    });
    expect(inputs.file).toBe('docker/Dockerfile');
    expect(inputs.target).toBe('serve');
    expect(inputs.buildArgs).toEqual([
      { name: 'BASE', value: 'python:3.11' },
      { name: 'GREETING', value: 'a=b, c' },
    ]);
    expect(inputs.secrets).toEqual([
      { id: 'index_token', value: 't0k' },
      { id: 'multi', value: 'line one\nline two' },
    ]);
  });

  it('keeps the default pytorch-index-url beside file, written out or trailing-slashed', () => {
    for (const value of ['', 'https://download.pytorch.org/whl', 'https://download.pytorch.org/whl/']) {
      expect(inputsWith({ file: 'Dockerfile', 'pytorch-index-url': value }).file).toBe('Dockerfile');
    }
  });

  it('defaults to the generated Dockerfile with nothing else', () => {
    const inputs = inputsWith();
    expect([inputs.file, inputs.target, inputs.buildArgs, inputs.secrets]).toEqual([null, null, [], []]);
  });

  it.each([
    [{ file: '/etc/Dockerfile' }, "input 'file': '/etc/Dockerfile' is an absolute path"],
    [{ file: '../Dockerfile' }, "input 'file': '../Dockerfile' leaves 'context'"],
    [{ file: '.' }, "input 'file' names the project folder"],
    [{ file: 'Dockerfile', target: 'a b' }, "input 'target' must be a build stage name"],
    [{ file: 'Dockerfile', 'build-args': 'NOVALUE' }, "input 'build-args': 'NOVALUE' is not KEY=value"],
    [{ file: 'Dockerfile', 'build-args': 'A-B=1' }, "input 'build-args': 'A-B' is not KEY=value"],
    [{ file: 'Dockerfile', 'build-args': 'SOURCE_DATE_EPOCH=1' }, 'SOURCE_DATE_EPOCH is set by the action'],
    [{ file: 'Dockerfile', secrets: 'token=' }, "input 'secrets': secret 'token' has an empty value"],
    [{ file: 'Dockerfile', secrets: 'justavalue' }, "input 'secrets': entry 1 is not id=value"],
    [{ file: 'Dockerfile', secrets: '"a,env=PATH=x"' }, "input 'secrets': entry 1's id may hold only"],
    [{ file: 'Dockerfile', secrets: 'a=1\n"b=2' }, "input 'secrets' has a quote that is not closed"],
    [{ file: 'Dockerfile', 'build-args': '"A=1' }, "input 'build-args' has a quote that is not closed"],
    [{ 'system-packages': '"curl' }, "input 'system-packages' has a quote that is not closed"],
    [{ tags: 'latest,"v1' }, "input 'tags' has a quote that is not closed"],
    [{ target: 'serve' }, "input 'target' goes to the project's own Dockerfile (input 'file')"],
    [
      { 'build-args': 'A=1', secrets: 'b=2' },
      "inputs 'build-args', 'secrets' go to the project's own Dockerfile",
    ],
    [
      { file: 'Dockerfile', 'write-generated': '.ml-container' },
      "input 'write-generated' keeps the generated",
    ],
    [{ file: 'Dockerfile', 'check-generated': 'true' }, "input 'check-generated' keeps the generated"],
    [{ file: 'Dockerfile', 'system-packages': 'libgomp1' }, "input 'system-packages' adds apt packages"],
    [
      { file: 'Dockerfile', 'pytorch-index-url': 'https://mirror.example/whl' },
      "input 'pytorch-index-url' is where",
    ],
    [{ file: 'Dockerfile', 'base-image': 'python:3.11-slim' }, "input 'base-image' is the generated"],
    [{ file: 'Dockerfile', 'python-version': '3.11' }, "input 'python-version' is the generated"],
    [{ file: 'Dockerfile', 'index-url': 'https://u:p@x.example/simple' }, "input 'index-url' is where"],
    [{ file: 'Dockerfile', 'extra-index-urls': 'https://x.example/simple' }, "input 'extra-index-urls' are"],
  ])('refuses %j', (values, message) => {
    expect(userError(() => inputsWith(values)).message).toContain(message);
  });

  it('never repeats a secret value in its errors', () => {
    const error = userError(() => inputsWith({ file: 'Dockerfile', secrets: 'bad id=hunter2' }));
    expect(error.message).toContain("entry 1's id");
    expect(error.message).not.toContain('hunter2');
  });

  it('never repeats a piece of an unquoted multi-line secret as an id', () => {
    // `TOKEN=${{ secrets.X }}` unquoted: each further line of the value is an entry of its own.
    const error = userError(() =>
      inputsWith({ file: 'Dockerfile', secrets: 'TOKEN=user: admin\np@ss=w0rd-part' }),
    );
    expect(error.message).toContain("entry 2's id");
    expect(error.message).toContain('quote');
    expect(error.message).not.toContain('p@ss');
  });
});
