const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text that came from a repository, made safe for one line: a Dockerfile comment, a log line (where
 * a line starting `::` is a workflow command) or a summary cell. Control characters, line
 * separators included, are written as escapes (`\n`, `\u2028`),
 * so nothing can start a line of its own.
 */
export function oneLine(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    out += isControl(code) ? (SHORT_ESCAPES[char] ?? `\\u${code.toString(16).padStart(4, '0')}`) : char;
  }
  return out;
}

export function hasControlCharacters(text: string): boolean {
  for (const char of text) if (isControl(char.codePointAt(0) ?? 0)) return true;
  return false;
}

function isControl(code: number): boolean {
  // C0, DEL, C1, and the Unicode line and paragraph separators some editors and parsers break on.
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

/** A list for a message, the first `most` items and how many more, so no repository can make it unbounded. */
export function listed(items: readonly string[], most = 10, separator = ', '): string {
  return items.length > most
    ? `${items.slice(0, most).join(separator)} and ${items.length - most} more`
    : items.join(separator);
}

/**
 * Repository text quoted in a message, made safe as `oneLine` makes it and cut to about `max`
 * characters, so a file that is not what it claims (a secret, a binary) cannot fill a log line.
 */
export function excerpt(text: string, max = 80): string {
  let out = '';
  // Escaped one character at a time, so the cut never splits an escape.
  for (const char of text) {
    if (out.length >= max) return `${out}…`;
    out += oneLine(char);
  }
  return out;
}

/** A value the repository wrote, quoted for an error message, cut short and escaped as by `excerpt`. */
export function quoted(value: string, max = 60): string {
  return `'${excerpt(value, max)}'`;
}
