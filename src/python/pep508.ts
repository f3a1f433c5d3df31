import { excerpt } from '../text.js';

export interface ParsedRequirement {
  name: string;
  extras: string[];
  specifier: string;
  marker: string | null;
  url: string | null;
}

/** PyPI's rule for comparing names (PEP 503): case-insensitive, runs of -_. are one dash. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*/;

/**
 * Parses one PEP 508 requirement. Returns an error message instead of throwing, so callers
 * attach the file and column they know.
 */
export function parsePep508(text: string): ParsedRequirement | { error: string; column: number } {
  const nameMatch = NAME.exec(text);
  if (!nameMatch?.[1])
    return { error: `'${excerpt(text)}' is not a requirement (expected a package name)`, column: 1 };
  let rest = text.slice(nameMatch[0].length);
  let offset = nameMatch[0].length;
  let extras: string[] = [];
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return { error: `unclosed '[' in '${excerpt(text)}'`, column: offset + 1 };
    extras = rest
      .slice(1, close)
      .split(',')
      .map((extra) => extra.trim())
      .filter(Boolean)
      .map(normalizeName);
    offset += close + 1;
    rest = rest.slice(close + 1);
  }
  const semicolon = findMarkerSeparator(rest);
  const marker = semicolon < 0 ? null : rest.slice(semicolon + 1).trim() || null;
  const region = semicolon < 0 ? rest : rest.slice(0, semicolon);
  const body = region.trim();
  const name = normalizeName(nameMatch[1]);
  if (body.startsWith('@')) {
    const url = body.slice(1).trim();
    if (!url) return { error: `'${excerpt(text)}' has '@' but no URL`, column: offset + 1 };
    return { name, extras, specifier: '', marker, url };
  }
  const specifier = parseSpecifiers(region);
  if (typeof specifier !== 'string') {
    return {
      error: `invalid version specifier '${excerpt(body)}' for ${excerpt(nameMatch[1])}: ${specifier.reason}`,
      column: offset + specifier.at + 1,
    };
  }
  return { name, extras, specifier, marker, url: null };
}

/** Why a specifier is refused, and where in its text (0-based). */
interface SpecifierFault {
  reason: string;
  at: number;
}

// packaging's Specifier regex (pip vendors packaging): the version each operator may take.
const PRE = '(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?';
const POST = '(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?';
const DEV = '(?:[-_.]?dev[-_.]?[0-9]*)?';
const LOCAL = '(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?';
const RELEASE = 'v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*';
const ORDERED = new RegExp(`${RELEASE}${PRE}${POST}${DEV}`, 'iy');
const EQUALITY = new RegExp(`${RELEASE}(?:\\.\\*|${PRE}${POST}${DEV}${LOCAL})`, 'iy');
const COMPATIBLE = new RegExp(`v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)+${PRE}${POST}${DEV}`, 'iy');
const VERSION_AFTER: Record<string, RegExp> = { '==': EQUALITY, '!=': EQUALITY, '~=': COMPATIBLE };
const OPERATOR = /===|==|~=|!=|<=|>=|<|>/y;
const OPERATORS = '==, !=, <=, >=, <, >, ~=, ===';
// The text an operator's version may span: packaging stops at whitespace, ';' and ')', SpecifierSet at ','.
const TOKEN = /[^\s,;)]*/y;
const PREFIX_TRAIL = /\.\*/y;
const LOCAL_TRAIL = /\+[a-z0-9]+(?:[-_.][a-z0-9]+)*/iy;
// Characters a version string can hold (PEP 440, normalised or not, with a '.*' prefix match).
const VERSION_CHARS = /[^A-Za-z0-9._+!*-]/g;

function sticky(pattern: RegExp, text: string, at: number): string | null {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0] ?? null;
}

function skipSpace(text: string, at: number): number {
  return at + (sticky(/\s*/y, text, at)?.length ?? 0);
}

/**
 * A comma-separated version specifier, optionally in parentheses, as packaging's requirement
 * parser reads it: the specifier without whitespace, or why it is refused and where.
 */
function parseSpecifiers(region: string): string | SpecifierFault {
  let at = skipSpace(region, 0);
  const open = region[at] === '(' ? at : -1;
  if (open >= 0) at = skipSpace(region, at + 1);
  const clauses: string[] = [];
  while (at < region.length && region[at] !== ')') {
    const clause = readClause(region, at);
    if ('reason' in clause) return clause;
    clauses.push(clause.text);
    at = skipSpace(region, clause.end);
    if (region[at] !== ',') break;
    const comma = at;
    at = skipSpace(region, at + 1);
    // packaging lets a trailing ',' pass; an empty clause says nothing, so it is refused here.
    if (at >= region.length || ',)'.includes(region[at] ?? ''))
      return { reason: "nothing follows ','", at: comma };
  }
  const closing = closeParenthesis(region, at, open);
  return closing ?? clauses.join(',');
}

function closeParenthesis(region: string, at: number, open: number): SpecifierFault | null {
  if (region[at] === ')' && open < 0) return { reason: "unmatched ')'", at };
  if (region[at] === ')') {
    const after = skipSpace(region, at + 1);
    return after < region.length ? { reason: "expected nothing after ')'", at: after } : null;
  }
  if (at < region.length) {
    return {
      reason: `expected ',' between version specifiers, or ';' before a marker, at '${excerpt(region.slice(at).trim(), 30)}'`,
      at,
    };
  }
  return open >= 0 ? { reason: "unclosed '('", at: open } : null;
}

/** One `<operator> <version>` clause at `at`: its text without whitespace and where it ends. */
function readClause(region: string, at: number): { text: string; end: number } | SpecifierFault {
  const operator = sticky(OPERATOR, region, at);
  if (!operator) return { reason: `expected an operator (${OPERATORS})`, at };
  const start = skipSpace(region, at + operator.length);
  const token = sticky(TOKEN, region, start) ?? '';
  if (!token) return { reason: `'${operator}' has no version after it`, at };
  const problem =
    operator === '===' ? arbitraryProblem(token) : versionProblem(operator, region, start, token);
  return problem ? { reason: problem, at } : { text: `${operator}${token}`, end: start + token.length };
}

/**
 * `===` compares the text literally, and packaging takes anything up to whitespace, ';' or ')'.
 * Deliberately stricter than pip: text no version string can be (`===>>2`) is refused, so it is
 * never read as a locked version.
 */
function arbitraryProblem(token: string): string | null {
  const literal = `'===' compares the text literally, and '${excerpt(token, 30)}'`;
  if (/^[<>=!~]/.test(token)) return `${literal} starts with an operator character: no version does`;
  const odd = [...new Set(token.match(VERSION_CHARS) ?? [])];
  return odd.length > 0 ? `${literal} has characters no version has ('${excerpt(odd.join(''), 10)}')` : null;
}

/** What packaging refuses in the version after `operator`, in the order its parser finds it. */
function versionProblem(operator: string, region: string, start: number, token: string): string | null {
  const version = sticky(VERSION_AFTER[operator] ?? ORDERED, region, start);
  const loose = version ?? sticky(ORDERED, region, start);
  if (loose !== null) {
    const after = start + loose.length;
    if (sticky(PREFIX_TRAIL, region, after)) {
      return version && (operator === '==' || operator === '!=')
        ? "'.*' cannot follow a pre-release, post-release, dev release or local version"
        : "'.*' only follows == or !=";
    }
    const local = sticky(LOCAL_TRAIL, region, after);
    if (local) return `a local version label ('${excerpt(local, 20)}') only follows == or !=`;
    if (!version && operator === '~=' && loose === token)
      return `'~=' needs a version with at least two release segments (~=${token}.0, not ~=${token})`;
  }
  return version === token ? null : `'${excerpt(token, 30)}' is not a PEP 440 version`;
}

/** A ';' starts the marker, except inside a URL, where PEP 508 wants whitespace before it. */
function findMarkerSeparator(rest: string): number {
  if (!rest.trimStart().startsWith('@')) return rest.indexOf(';');
  const match = /\s;/.exec(rest);
  return match ? match.index + 1 : -1;
}

/** The package a bare URL installs: its `#egg=` name, else the repository or archive file name. */
export function urlPackageName(url: string): string | null {
  const egg = /[#&]egg=([^&\s]+)/.exec(url)?.[1]?.replace(/\[.*$/, '');
  let candidate = egg;
  if (!candidate) {
    const path = trimSlashes(url.replace(/[#?].*$/, ''));
    let last = path.slice(path.lastIndexOf('/') + 1);
    if (/^(?:git|hg|svn|bzr)\+/i.test(url)) {
      last = last.replace(/@.*$/, '').replace(/\.git$/i, '');
    } else if (/\.whl$/i.test(last)) {
      last = last.split('-')[0] ?? '';
    } else if (/\.(?:zip|tar\.gz|tgz|tar\.bz2|tar\.xz)$/i.test(last)) {
      last = last.replace(/\.(?:zip|tar\.gz|tgz|tar\.bz2|tar\.xz)$/i, '').replace(/-\d.*$/, '');
    } else {
      return null;
    }
    candidate = decodeURIComponentSafe(last);
  }
  if (!candidate) return null;
  const parsed = parsePep508(candidate);
  return 'error' in parsed || parsed.specifier !== '' || parsed.marker !== null ? null : parsed.name;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `target` relative to the folder of `from`, as a repository path; one outside the repository is an error. */

/** Trailing slashes off, by hand: `/\/+$/` retries at every slash of a long run, quadratic in it. */
function trimSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === '/') end--;
  return text.slice(0, end);
}
