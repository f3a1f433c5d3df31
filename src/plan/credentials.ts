import type { Inputs } from '../inputs.js';

/**
 * Index URLs may carry credentials (`https://user:token@host/simple`). They never enter the plan,
 * the Dockerfile, a log line or the image: the plan keeps the URL without them, and the lock and
 * build phases put them back only inside a container's environment or a BuildKit secret.
 */
export type Credentials = ReadonlyMap<string, string>;

export function stripCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    // A URL WHATWG cannot parse (a port out of range, a bad host) still loses whatever precedes an @.
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
  }
}

/**
 * Every index URL the inputs give, any of which may carry credentials: `pytorch-index-url` is a
 * root whose `/cpu` and `/cuXXX` take its credentials. One list, so that masking and the run's
 * credentials cannot miss an index the other has.
 */
export function inputIndexUrls(
  inputs: Pick<Inputs, 'pytorchIndexUrl' | 'indexUrl' | 'extraIndexUrls'>,
): string[] {
  return [inputs.pytorchIndexUrl, ...(inputs.indexUrl ? [inputs.indexUrl] : []), ...inputs.extraIndexUrls];
}

/** The URLs that carry credentials, by their public form. */
export function credentialsOf(urls: readonly (string | null | undefined)[]): Credentials {
  const store = new Map<string, string>();
  for (const url of urls) {
    if (url && stripCredentials(url) !== url) store.set(stripCredentials(url), url);
  }
  return store;
}

/**
 * The URL with its credentials back: those given for it, or for an index root it lies under
 * (`pytorch-index-url` is a root: its `/cpu` and `/cuXXX` indexes take its credentials).
 */
export function withCredentials(url: string, credentials: Credentials): string {
  const exact = credentials.get(url);
  if (exact) return exact;
  for (const [publicUrl, full] of credentials) {
    const root = publicUrl.replace(/\/+$/, '');
    if (url.startsWith(`${root}/`)) return `${full.replace(/\/+$/, '')}${url.slice(root.length)}`;
  }
  return url;
}

/** The secret parts of credentialed URLs, for masking in logs. */
export function secretsOf(credentials: Credentials): string[] {
  const secrets: string[] = [];
  for (const url of credentials.values()) {
    const parsed = new URL(url);
    if (parsed.password) secrets.push(parsed.password, decodeURIComponent(parsed.password));
    else if (parsed.username) secrets.push(parsed.username, decodeURIComponent(parsed.username));
  }
  return [...new Set(secrets)];
}

/** pip's configuration with every index, credentials included: the content of the build secret. */
export function pipConfig(indexUrl: string | null, extraIndexUrls: readonly string[]): string {
  const lines = ['[global]'];
  if (indexUrl) lines.push(`index-url = ${indexUrl}`);
  if (extraIndexUrls.length > 0)
    lines.push(`extra-index-url =\n${extraIndexUrls.map((url) => `    ${url}`).join('\n')}`);
  return `${lines.join('\n')}\n`;
}
