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

/**
 * Text for the Actions log, where the runner reads a line starting with `::` (after blanks) as a
 * workflow command, and `##[` anywhere in a line as one in its older syntax. Each line keeps its
 * words but loses the marker: the first `:` of a leading `::` and the `[` of every `##[` are written
 * as escapes (`\u003a`, `\u005b`), and so are invisible characters (a zero-width space, a soft
 * hyphen), which the runner's culture-sensitive string search may skip inside a marker. Line breaks
 * are kept: use `logLine` where there must be none.
 */
export function inertCommands(text: string): string {
  // The runner splits lines at \r as well as \n.
  return text
    .split(/(\r\n|\r|\n)/)
    .map((part, index) => (index % 2 === 1 ? part : inertLine(part)))
    .join('');
}

/** Repository or container text for one line of the Actions log: `oneLine`, then `inertCommands`. */
export function logLine(text: string): string {
  return inertCommands(oneLine(text));
}

/**
 * JSON text (`JSON.stringify`'s) that reads as no command in the Actions log. No line of it can
 * start with `::`, but a string may hold `##[`: its `[` is written `\u005b`, and invisible
 * characters that could hide one as `\u` escapes, the same value to any JSON parser.
 */
export function inertJson(json: string): string {
  // JSON has no `\u{…}`: a character beyond U+FFFF is escaped as its two UTF-16 units.
  return inertMarkers(json, (char) =>
    Array.from({ length: char.length }, (_, index) => unitEscape(char.charCodeAt(index))).join(''),
  );
}

function inertLine(line: string): string {
  return (
    inertMarkers(line, (char) => {
      const code = char.codePointAt(0) ?? 0;
      return code > 0xffff ? `\\u{${code.toString(16)}}` : unitEscape(code);
    })
      // .NET's TrimStart, which the runner applies first, also drops U+0085 (NEL), which \s lacks.
      .replace(/^([\s\u0085]*):(?=:)/, '$1\\u003a')
  );
}

/**
 * What hides or starts an old-syntax command anywhere in a line: invisible characters, written as
 * `escaped` writes them, and `##[`.
 */
function inertMarkers(text: string, escaped: (char: string) => string): string {
  return text.replace(/\p{Default_Ignorable_Code_Point}/gu, escaped).replaceAll('##[', '##\\u005b');
}

function unitEscape(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}
