import { compare as compareVersions, explain, satisfies, valid, validRange } from '@renovatebot/pep440';
import { normalizeName } from './pep508.js';

/**
 * The values PEP 508 markers are evaluated against: python_version, python_full_version, os_name,
 * sys_platform, platform_release, platform_system, platform_version, platform_machine,
 * platform_python_implementation, implementation_name, implementation_version and extra. The
 * PEP 751 sets `extras` and `dependency_groups` may be given as names separated by spaces or
 * commas; absent, they are empty, as is `extra`.
 */
export type MarkerEnvironment = Record<string, string>;

/** The variables PEP 508 defines, and the set-valued ones PEP 751 adds for pylock.toml. */
const VARIABLES: ReadonlySet<string> = new Set([
  'python_version',
  'python_full_version',
  'os_name',
  'sys_platform',
  'platform_release',
  'platform_system',
  'platform_version',
  'platform_machine',
  'platform_python_implementation',
  'implementation_name',
  'implementation_version',
  'extra',
  'extras',
  'dependency_groups',
]);

/** The legacy spellings (PEP 345 and setuptools) that pip still accepts. */
const ALIASES: Readonly<Record<string, string>> = {
  'os.name': 'os_name',
  'sys.platform': 'sys_platform',
  'platform.version': 'platform_version',
  'platform.machine': 'platform_machine',
  'platform.python_implementation': 'platform_python_implementation',
  python_implementation: 'platform_python_implementation',
};

/** Variables whose values are versions: compared as PEP 440 versions when both sides allow it. */
const VERSION_KEYS: ReadonlySet<string> = new Set([
  'python_version',
  'python_full_version',
  'implementation_version',
  'platform_release',
]);

const SET_KEYS: ReadonlySet<string> = new Set(['extras', 'dependency_groups']);

/** Variables that may be left out of the environment: no extra is being installed. */
const EMPTY_BY_DEFAULT: ReadonlySet<string> = new Set(['extra', 'extras', 'dependency_groups']);

type Operator = '<' | '<=' | '==' | '!=' | '>=' | '>' | '~=' | '===' | 'in' | 'not in';

/** Symbol operators, longest first so `===` is not read as `==` then `=`. */
const SYMBOLS: readonly Operator[] = ['===', '~=', '==', '!=', '<=', '>=', '<', '>'];

/** Deeper than any marker a tool writes; the limit keeps the recursive parser off the stack's end. */
const MAX_DEPTH = 64;

type Token =
  | { kind: '(' | ')' | 'and' | 'or' | 'end'; column: number }
  | { kind: 'op'; op: Operator; column: number }
  | { kind: 'string'; value: string; column: number }
  | { kind: 'variable'; name: string; column: number };

type Operand = { kind: 'variable'; name: string } | { kind: 'string'; value: string };

type Node =
  | { kind: 'or' | 'and'; items: Node[] }
  | { kind: 'compare'; left: Operand; op: Operator; right: Operand; column: number };

/**
 * Evaluates a PEP 508 environment marker (`python_version >= "3.9" and sys_platform == 'linux'`)
 * as the dependency specifiers spec says: a comparison of a version variable is a PEP 440 one
 * when the value is a version and `operator + literal` a specifier (`python_full_version <
 * '3.11.4'`, `python_version == '3.11.*'`, `~=`); anything else compares strings, which have
 * no order (`<`, `>` are false, `<=`, `>=` mean `==`); `in` / `not in` test substrings; `extra`
 * compares names normalized as PEP 685 says. A malformed marker, or a variable the environment lacks,
 * throws an Error that quotes the marker and says where it went wrong.
 */
export function evaluateMarker(marker: string, env: MarkerEnvironment): boolean {
  return evaluate(parseMarker(marker), env, marker);
}

/** CPython on Linux, as `packaging.markers.default_environment()` reports it in the image. */
/** Python's platform.machine() for a buildx platform (docker says amd64 where Python says x86_64). */
export function platformMachine(platform: string): string {
  const [, arch = '', variant] = platform.split('/');
  if (arch === 'amd64') return 'x86_64';
  if (arch === 'arm64') return 'aarch64';
  if (arch === 'arm') return variant === 'v6' ? 'armv6l' : 'armv7l';
  if (arch === '386') return 'i686';
  return arch;
}

export function linuxEnvironment(pythonFull: string, machine = 'x86_64'): MarkerEnvironment {
  const release = /^(\d+)\.(\d+)(?:\.\d+)?(?:(?:a|b|rc)\d+)?$/.exec(pythonFull);
  if (!release) throw new Error(`'${pythonFull}' is not a Python version (expected 3.11.9)`);
  return {
    python_version: `${release[1]}.${release[2]}`,
    python_full_version: pythonFull,
    os_name: 'posix',
    sys_platform: 'linux',
    // The kernel's, known only where the image runs: empty, so markers on them compare as strings.
    platform_release: '',
    platform_system: 'Linux',
    platform_version: '',
    platform_machine: platformMachine(`linux/${machine}`),
    platform_python_implementation: 'CPython',
    implementation_name: 'cpython',
    implementation_version: pythonFull,
    extra: '',
  };
}

function fail(marker: string, message: string, column?: number): Error {
  const where = column === undefined ? '' : ` at column ${column}`;
  // Quoted with the quote the marker does not use, so `'3.8'` inside stays readable.
  const quote = marker.includes("'") && !marker.includes('"') ? '"' : "'";
  return new Error(`invalid marker ${quote}${marker}${quote}: ${message}${where}`);
}

function tokenize(marker: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < marker.length) {
    const char = marker[i] ?? '';
    const column = i + 1;
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      i++;
      continue;
    }
    if (char === '(' || char === ')') {
      tokens.push({ kind: char, column });
      i++;
      continue;
    }
    if (char === '"' || char === "'") {
      const close = marker.indexOf(char, i + 1);
      if (close < 0) throw fail(marker, `unterminated string`, column);
      tokens.push({ kind: 'string', value: marker.slice(i + 1, close), column });
      i = close + 1;
      continue;
    }
    const symbol = SYMBOLS.find((candidate) => marker.startsWith(candidate, i));
    if (symbol) {
      tokens.push({ kind: 'op', op: symbol, column });
      i += symbol.length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(marker.slice(i))?.[0];
    if (word === undefined) {
      const hint = char === '=' ? " (did you mean '==')" : '';
      throw fail(marker, `unexpected '${char}'${hint}`, column);
    }
    i += word.length;
    if (word === 'and' || word === 'or') {
      tokens.push({ kind: word, column });
    } else if (word === 'in') {
      tokens.push({ kind: 'op', op: 'in', column });
    } else if (word === 'not') {
      const next = /^[ \t\n\r]+in(?![A-Za-z0-9_.])/.exec(marker.slice(i));
      if (!next) throw fail(marker, `'not' must be followed by 'in'`, column);
      tokens.push({ kind: 'op', op: 'not in', column });
      i += next[0].length;
    } else {
      const name = Object.hasOwn(ALIASES, word) ? (ALIASES[word] ?? word) : word;
      if (!VARIABLES.has(name)) {
        throw fail(marker, `unknown variable '${word}' (quote a string value)`, column);
      }
      tokens.push({ kind: 'variable', name, column });
    }
  }
  tokens.push({ kind: 'end', column: marker.length + 1 });
  return tokens;
}

function parseMarker(marker: string): Node {
  if (!marker.trim()) throw fail(marker, 'it is empty');
  const tokens = tokenize(marker);
  let position = 0;
  const peek = (): Token => tokens[position] ?? { kind: 'end', column: marker.length + 1 };
  const describe = (token: Token): string => {
    switch (token.kind) {
      case 'end':
        return 'the end';
      case 'op':
        return `'${token.op}'`;
      case 'string':
        return `the string '${token.value}'`;
      case 'variable':
        return `'${token.name}'`;
      default:
        return `'${token.kind}'`;
    }
  };

  const parseOr = (depth: number): Node => {
    const items = [parseAnd(depth)];
    while (peek().kind === 'or') {
      position++;
      items.push(parseAnd(depth));
    }
    return items.length === 1 && items[0] ? items[0] : { kind: 'or', items };
  };
  const parseAnd = (depth: number): Node => {
    const items = [parseItem(depth)];
    while (peek().kind === 'and') {
      position++;
      items.push(parseItem(depth));
    }
    return items.length === 1 && items[0] ? items[0] : { kind: 'and', items };
  };
  const parseOperand = (): Operand => {
    const token = peek();
    if (token.kind === 'variable') {
      position++;
      return { kind: 'variable', name: token.name };
    }
    if (token.kind === 'string') {
      position++;
      return { kind: 'string', value: token.value };
    }
    throw fail(marker, `expected a variable or a quoted string, found ${describe(token)}`, token.column);
  };
  const parseItem = (depth: number): Node => {
    const token = peek();
    if (token.kind === '(') {
      if (depth >= MAX_DEPTH) throw fail(marker, `parentheses nest deeper than ${MAX_DEPTH}`, token.column);
      position++;
      const inner = parseOr(depth + 1);
      const close = peek();
      if (close.kind !== ')') throw fail(marker, `expected ')', found ${describe(close)}`, close.column);
      position++;
      return inner;
    }
    const left = parseOperand();
    const opToken = peek();
    if (opToken.kind !== 'op') {
      throw fail(marker, `expected an operator, found ${describe(opToken)}`, opToken.column);
    }
    position++;
    const right = parseOperand();
    if (left.kind === right.kind) {
      const what = left.kind === 'string' ? 'two strings' : 'two variables';
      throw fail(
        marker,
        `it compares ${what}: one side must be a variable, the other a quoted string`,
        token.column,
      );
    }
    const variable = left.kind === 'variable' ? left.name : right.kind === 'variable' ? right.name : '';
    if (
      SET_KEYS.has(variable) &&
      (right.kind !== 'variable' || (opToken.op !== 'in' && opToken.op !== 'not in'))
    ) {
      throw fail(marker, `'${variable}' is a set: write '"name" in ${variable}'`, token.column);
    }
    return { kind: 'compare', left, op: opToken.op, right, column: token.column };
  };

  const tree = parseOr(0);
  const rest = peek();
  if (rest.kind !== 'end') throw fail(marker, `unexpected ${describe(rest)}`, rest.column);
  return tree;
}

/** Every comparison is evaluated (no short circuit), so a marker fails the same way in every environment. */
function evaluate(node: Node, env: MarkerEnvironment, marker: string): boolean {
  if (node.kind === 'compare') return compare(node, env, marker);
  const results = node.items.map((item) => evaluate(item, env, marker));
  return node.kind === 'and' ? results.every(Boolean) : results.some(Boolean);
}

function lookup(env: MarkerEnvironment, key: string, marker: string, column: number): string {
  const value = Object.hasOwn(env, key) ? env[key] : undefined;
  if (value !== undefined) return value;
  if (EMPTY_BY_DEFAULT.has(key)) return '';
  throw fail(marker, `the environment has no value for '${key}'`, column);
}

function compare(node: Extract<Node, { kind: 'compare' }>, env: MarkerEnvironment, marker: string): boolean {
  const { left, op, right, column } = node;
  const key = left.kind === 'variable' ? left.name : right.kind === 'variable' ? right.name : '';
  const value = lookup(env, key, marker, column);
  let lhs = left.kind === 'variable' ? value : left.value;
  let rhs = right.kind === 'variable' ? value : right.value;

  if (SET_KEYS.has(key)) {
    const members = new Set(
      rhs
        .split(/[\s,]+/)
        .filter(Boolean)
        .map(normalizeName),
    );
    const found = members.has(normalizeName(lhs));
    return op === 'in' ? found : !found;
  }
  if (key === 'extra') {
    lhs = normalizeName(lhs);
    rhs = normalizeName(rhs);
  }
  if (VERSION_KEYS.has(key) && op !== 'in' && op !== 'not in') {
    // PEP 440 arbitrary equality: the strings, case aside, versions or not.
    if (op === '===') return lhs.toLowerCase() === rhs.toLowerCase();
    // `op + literal` as a PEP 440 specifier, when it is one and the value is a version.
    if (!rhs.includes(',') && valid(lhs) !== null && validRange(`${op}${rhs}`)) {
      if (op === '<' || op === '>') return exclusive(lhs, op, rhs);
      return satisfies(lhs, `${op}${rhs}`, { prereleases: true });
    }
  }
  // Strings have no order: the dependency specifiers spec (as packaging 26 and uv read it) makes
  // `<` and `>` false and `<=` and `>=` equality, and gives `~=` and `===` no meaning.
  switch (op) {
    case '<':
    case '>':
      return false;
    case '<=':
    case '>=':
    case '==':
      return lhs === rhs;
    case '!=':
      return lhs !== rhs;
    case 'in':
      return rhs.includes(lhs);
    case 'not in':
      return !rhs.includes(lhs);
    case '~=':
    case '===':
      throw fail(
        marker,
        `'${op}' compares versions, and '${lhs}' ${op} '${rhs}' is not a version comparison`,
        column,
      );
  }
}

/**
 * PEP 440's exclusive ordered comparison: `<V` leaves out V's own pre-releases and `>V` its
 * post-releases and local versions, unless V is one itself. (The library's `<`/`>` refuse any
 * version of V's release, so `'3.11' > '3.11.0rc1'` would be false.)
 */
function exclusive(version: string, op: '<' | '>', bound: string): boolean {
  const candidate = explain(version);
  const limit = explain(bound);
  if (!candidate || !limit) return false;
  const order = compareVersions(version, bound);
  const sameBase = compareVersions(candidate.base_version, limit.base_version) === 0;
  if (op === '<') return order < 0 && !(sameBase && candidate.is_prerelease && !limit.is_prerelease);
  if (order <= 0) return false;
  if (sameBase && candidate.is_postrelease && !limit.is_postrelease) return false;
  return !(sameBase && candidate.local !== null);
}
