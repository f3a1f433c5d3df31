import { UserError } from '../errors.js';
import type { SourceRef } from '../source.js';
import { quoted } from '../text.js';

/**
 * What pip expands in a requirements line (pip/_internal/req/req_file.py, `ENV_VAR_RE`): `${NAME}`
 * with NAME of uppercase letters, digits and `_` only; `$NAME` and `${name}` stay as written.
 */
const PIP_VARIABLE = /\$\{[A-Z0-9_]+\}/;

/**
 * Why pip must not read `line`, for a message, or null when it may: a `${NAME}` pip would fill from
 * its own environment, the resolver container's (`-r ${HOME}/../proc/self/environ` reads a file
 * outside the project, `${ML_CONTAINER_INDEXES}` the index credentials).
 */
export function pipVariableProblem(line: string): string | null {
  const variable = PIP_VARIABLE.exec(line)?.[0];
  return variable === undefined
    ? null
    : `pip would expand ${variable} from the resolver's environment, which this action does not hand to a project: write the value out: ${quoted(line)}`;
}

/** An index URL option: its own check (index-url.ts) refuses any `$`, with advice on credentials. */
const INDEX_URL_OPTION = /^(?:-i|--index-url|--extra-index-url)(?![a-z-])/;

/**
 * Refuses a requirements line (after pip's line joining and comment stripping) that pip would
 * expand: an option's value (`-r`, `-c`, `-f`), a requirement, a URL, a marker alike.
 */
export function checkPipVariables(line: string, source: SourceRef): void {
  if (INDEX_URL_OPTION.test(line)) return;
  const problem = pipVariableProblem(line);
  if (problem !== null) throw new UserError(problem, 'detect', source);
}

/**
 * Where Python's `str.splitlines` ends a line and this reader does not (it splits at `\n` and
 * `\r\n`): a lone `\r`, `\v`, `\f`, `\x1c`-`\x1e`, `\x85`, U+2028, U+2029. pip splits a
 * requirements file so, and text after one of these in what reads here as a comment would be a line
 * of its own to pip (`# note\u0085-r /etc/passwd`). The offset of the first, or -1.
 */
function pipOnlyLineBreak(text: string): number {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const lone = code === 0x0d && index + 1 < text.length && text[index + 1] !== '\n';
    if (lone || code === 0x0b || code === 0x0c || (code >= 0x1c && code <= 0x1e) || code === 0x85)
      return index;
    if (code === 0x2028 || code === 0x2029) return index;
  }
  return -1;
}

/** Encodings under which pip reads the same text as this reader, which decodes UTF-8. */
const SAME_AS_UTF8: ReadonlySet<string> = new Set([
  'utf_8',
  'utf8',
  'u8',
  'utf',
  'utf_8_sig',
  'ascii',
  'us_ascii',
]);

/**
 * Refuses a requirements file that pip would read as other lines than this action's reader does:
 * a line break only Python knows, or a PEP 263 coding declaration pip honours (`# coding: utf-7`
 * turns `+ACQAew-HOME+AH0-` into `${HOME}`). Either way the checks made here would not be the
 * checks of what pip reads.
 */
export function checkPipReadsAsWritten(text: string, file: string): void {
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  const lineBreak = pipOnlyLineBreak(text);
  if (lineBreak >= 0) {
    throw new UserError(
      `pip reads ${quoted(text.charAt(lineBreak))} as a line break, which this action does not: end lines with \\n or \\r\\n only`,
      'detect',
      { file, line: lineOf(lineBreak) },
    );
  }
  // pip (auto_decode) looks for a declaration only when no byte order mark says the encoding.
  if (text.startsWith('\ufeff')) return;
  const lines = text.split('\n').slice(0, 2);
  lines.forEach((line, index) => {
    if (!line.startsWith('#')) return;
    const encoding = /coding[:=]\s*([-\w.]+)/.exec(line)?.[1];
    if (encoding === undefined || SAME_AS_UTF8.has(encoding.toLowerCase().replace(/[-.]/g, '_'))) return;
    throw new UserError(
      `pip would decode this file as ${quoted(encoding)}, as its coding declaration says, and read other text than this action checked: save it as UTF-8 without the declaration`,
      'detect',
      { file, line: index + 1 },
    );
  });
}

/**
 * Whitespace as Python's `\s` has it (`str.isspace`), which pip's comment pattern `(^|\s+)#` uses.
 * JavaScript's `\s` also takes U+FEFF, so `a\ufeff#${HOME}` would be a comment here and not to pip.
 */
export const PYTHON_SPACE =
  '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
