import { createServer } from 'node:http';

/**
 * The Actions cache service's v1 REST protocol (`_apis/artifactcache`), as GHES serves it and
 * @actions/cache speaks it when ACTIONS_CACHE_URL is set: look up keys (exact, then by prefix),
 * reserve, upload ranges, commit, download. Enough to save and restore a real cache over HTTP on
 * 127.0.0.1, which a runner-less machine cannot otherwise do.
 */
export async function startActionsCacheServer() {
  /** Each entry: its key and version, the uploaded chunks, and the archive once committed. */
  const entries = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/^\/_apis\/artifactcache\//, '');
    const json = (status, body) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const body = await readBody(request);
    if (request.method === 'GET' && path === 'cache') {
      // @actions/cache encodes the joined keys twice (`%252C`): undo the second encoding too.
      const keys = decodeURIComponent(url.searchParams.get('keys') ?? '').split(',');
      const version = url.searchParams.get('version');
      const committed = entries.filter((entry) => entry.archive && entry.version === version);
      for (const key of keys) {
        const hit =
          committed.find((entry) => entry.key === key) ??
          committed.filter((entry) => entry.key.startsWith(key)).at(-1);
        if (hit) {
          return json(200, {
            cacheKey: hit.key,
            scope: 'refs/heads/main',
            archiveLocation: `http://127.0.0.1:${server.address().port}/archive/${entries.indexOf(hit)}`,
          });
        }
      }
      return json(204);
    }
    if (request.method === 'POST' && path === 'caches') {
      const { key, version } = JSON.parse(body.toString());
      if (entries.some((entry) => entry.key === key && entry.version === version)) {
        return json(409, { message: `Cache already exists. Scope: refs/heads/main, Key: ${key}` });
      }
      entries.push({ key, version, chunks: [], archive: null });
      // Ids start at 1: @actions/cache reads a cacheId of 0 as a failed reservation.
      return json(201, { cacheId: entries.length });
    }
    const id = /^caches\/(\d+)$/.exec(path)?.[1];
    const entry = id === undefined ? undefined : entries[Number(id) - 1];
    if (entry && request.method === 'PATCH') {
      const start = Number(/bytes (\d+)-/.exec(request.headers['content-range'] ?? '')?.[1] ?? 0);
      entry.chunks.push({ start, data: body });
      return json(204);
    }
    if (entry && request.method === 'POST') {
      entry.archive = Buffer.concat(
        entry.chunks.sort((a, b) => a.start - b.start).map((chunk) => chunk.data),
      );
      return json(204);
    }
    const archive = /^\/archive\/(\d+)$/.exec(url.pathname)?.[1];
    const stored = archive === undefined ? undefined : entries[Number(archive)]?.archive;
    if (request.method === 'GET' && stored) {
      response.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': stored.length,
      });
      return response.end(stored);
    }
    return json(404, { message: `no route for ${request.method} ${url.pathname}` });
  });
  await new Promise((listening) => server.listen(0, '127.0.0.1', listening));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    saved: () => entries.filter((entry) => entry.archive).map((entry) => entry.key),
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}

async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return Buffer.concat(chunks);
}
