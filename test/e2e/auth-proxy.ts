import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A private index for the test: the test bed's index behind HTTP basic auth, on 127.0.0.1. It
 * counts the requests it let through, so a test can see the credentials were really used.
 */
export async function authProxy(user: string, password: string, upstream: string) {
  const target = new URL(upstream);
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const counts = { authorized: 0, refused: 0 };
  const server = createServer((incoming, outgoing) => {
    if (incoming.headers.authorization !== expected) {
      counts.refused++;
      outgoing.writeHead(401, { 'WWW-Authenticate': 'Basic realm="private"' }).end();
      return;
    }
    counts.authorized++;
    const forwarded = request(
      { host: target.hostname, port: target.port, path: incoming.url, method: incoming.method },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    counts,
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}
