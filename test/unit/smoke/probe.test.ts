import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../../../src/adapters/process.js';

const python = spawnSync('python3', ['--version']).status === 0;
const PROBE = readFileSync('src/smoke/probe.py', 'utf8');
const NONCE = 'f'.repeat(32);

/**
 * Runs the probe as the serve test does (isolated, nonce then request on stdin) and reads its
 * result; asynchronously, so the test's server in this process can answer it.
 */
async function probe(request: object): Promise<Record<string, unknown>> {
  const ran = await runProcess('python3', ['-I', '-S', '-c', PROBE], {
    input: `${NONCE}\n${JSON.stringify(request)}\n`,
    timeoutMs: 30_000,
  });
  const line = ran.stdout.split('\n').find((each) => each.startsWith(`ML_CONTAINER_SERVE_RESULT ${NONCE} `));
  if (!line) throw new Error(`no result: ${ran.stdout}${ran.stderr}`);
  return JSON.parse(line.slice(`ML_CONTAINER_SERVE_RESULT ${NONCE} `.length));
}

// The network rule here: test servers bind 127.0.0.1, which is the case the probe refuses; a
// server on every address is exercised in the containers of test/e2e/serve.test.ts.
describe.skipIf(!python)('the serve probe, run with the local python3', () => {
  let server: Server;
  let port = 0;
  let asked = 0;
  beforeAll(async () => {
    server = createServer((request, response) => {
      asked += 1;
      // A health route that says 503 until its model has loaded (its third ask).
      if (request.url === '/health' && asked < 3) response.writeHead(503).end('loading');
      else response.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.close();
  });

  it('waits while the health route says 503, then refuses a server bound to the loopback address only', async () => {
    const result = await probe({
      port,
      timeout: 20,
      readiness: 'answers',
      wait_path: '/health',
      wait_expect: 'success',
      probes: [{ method: 'GET', path: '/health', body: null, keep_body: false }],
    });
    expect(asked).toBeGreaterThanOrEqual(3);
    expect(result.first_answer_seconds).toEqual(expect.any(Number));
    expect(result.error).toBe(
      `port ${port} is bound to the loopback address only, so nothing outside the container reaches it: bind 0.0.0.0`,
    );
  });

  it('says nothing answered when nothing listens before the time is up', async () => {
    const closed = createServer();
    const result = await probe({
      // A port just released: nothing listens on it.
      port: (() => {
        closed.listen(0, '127.0.0.1');
        const free = (closed.address() as AddressInfo | null)?.port ?? 1;
        closed.close();
        return free;
      })(),
      timeout: 1,
      readiness: 'answers',
      wait_path: '/',
      wait_expect: 'answers',
      probes: [],
    });
    expect(result.first_answer_seconds).toBeNull();
    expect(result.error).toMatch(/^no answer within 1s: /);
  });
});
