import { UserError } from '../errors.js';
import type { SourceRef } from '../source.js';
import { hasControlCharacters, quoted } from '../text.js';

/**
 * What the shell running the Dockerfile's `pip install` line would act on, besides whitespace.
 * `%`-escapes, `user:pass@`, ports, `?` and `#` stay allowed: mid-word the shell leaves them alone.
 */
const SHELL_CHARACTERS = /[\s;&|$`'"<>(){}\\]/;
/** pip expands `${NAME}` in requirements files, as pipenv and pdm do in their sources. */
const ENVIRONMENT_REFERENCE = /\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/;

/**
 * Why `url` cannot be an index URL, as a message that starts with `what` (`--index-url`,
 * `[[source]] url`, `input 'index-url'`); null when it can. An index URL is written into a `RUN`
 * line, so only a plain http(s) URL is taken: a newline there would add instructions, a `;` a command.
 */
export function indexUrlProblem(url: string, what: string): string | null {
  const reference = ENVIRONMENT_REFERENCE.exec(url);
  if (reference) {
    // Nothing expands it: not the lock's pip (the URL is an argument), not the build's (a secret file).
    return `${what} uses ${reference[0]}, an environment variable this action does not expand: write the URL out, and give an index that needs credentials in input 'index-url' or 'extra-index-urls', from a secret: ${quoted(url)}`;
  }
  const plain =
    /^https?:\/\//i.test(url) &&
    !SHELL_CHARACTERS.test(url) &&
    !hasControlCharacters(url) &&
    URL.canParse(url);
  return plain
    ? null
    : `${what} must be an http(s) URL without spaces, quotes or shell characters: ${quoted(url)}`;
}

/** `url` when it can be an index URL; else a UserError at the line that wrote it. */
export function checkIndexUrl(url: string, what: string, source: SourceRef): string {
  const problem = indexUrlProblem(url, what);
  if (problem) throw new UserError(problem, 'detect', source);
  return url;
}
