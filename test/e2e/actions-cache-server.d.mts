/** The Actions cache service's v1 protocol on 127.0.0.1 (see actions-cache-server.mjs), shared by the e2e tests and the bench. */
export function startActionsCacheServer(): Promise<{
  url: string;
  /** The keys saved so far (committed entries), in order. */
  saved: () => string[];
  close: () => Promise<void>;
}>;
