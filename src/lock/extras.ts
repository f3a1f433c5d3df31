import { evaluateMarker, type MarkerEnvironment } from '../python/markers.js';
import { normalizeName } from '../python/pep508.js';

/**
 * Evaluates `marker` in `env` with `extra` read as the set `active`: `extra == 'x'` holds when x
 * is one of them, `extra != 'x'` when it is not. A package asked for with several extras needs
 * what each of them marks, and uv writes the groups and extras a conflict involves as
 * `extra == 'group-8-ml-serve-dev' and extra != 'extra-8-ml-serve-gpu'`, which one value of
 * `extra` cannot satisfy. A malformed marker throws as evaluateMarker does, quoting it as written.
 */
export function evaluateWithExtras(
  marker: string,
  env: MarkerEnvironment,
  active: ReadonlySet<string>,
): boolean {
  evaluateMarker(marker, env);
  return evaluateMarker(settleExtras(marker, active), { ...env, extra: '' });
}

type Token = { kind: 'string' | 'word' | 'op' | 'other'; text: string; start: number; end: number };

/**
 * `marker` with each comparison of `extra` with a string, by `==` or `!=`, replaced by one that
 * holds exactly when the first does for `active`: `extra == ''` (true, `extra` being empty) or
 * `extra != ''`. Names compare as PEP 685 says.
 */
function settleExtras(marker: string, active: ReadonlySet<string>): string {
  const names = new Set([...active].map(normalizeName));
  const tokens = tokensOf(marker);
  let settled = '';
  let copied = 0;
  for (let index = 0; index + 2 < tokens.length; index++) {
    const [left, op, right] = [tokens[index], tokens[index + 1], tokens[index + 2]];
    if (!left || !op || !right || op.kind !== 'op' || (op.text !== '==' && op.text !== '!=')) continue;
    const literal =
      isExtra(left) && right.kind === 'string'
        ? right
        : isExtra(right) && left.kind === 'string'
          ? left
          : null;
    if (!literal) continue;
    const member = names.has(normalizeName(literal.text.slice(1, -1)));
    const holds = op.text === '==' ? member : !member;
    settled += `${marker.slice(copied, left.start)}extra ${holds ? '==' : '!='} ''`;
    copied = right.end;
    index += 2;
  }
  return settled + marker.slice(copied);
}

function isExtra(token: Token): boolean {
  return token.kind === 'word' && token.text === 'extra';
}

/** The marker's strings, words and operators: enough to find comparisons, never to judge them. */
function tokensOf(marker: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < marker.length) {
    const char = marker[at] ?? '';
    if (/\s/.test(char)) {
      at++;
      continue;
    }
    let end = at + 1;
    let kind: Token['kind'] = 'other';
    if (char === '"' || char === "'") {
      const close = marker.indexOf(char, at + 1);
      // Unterminated: evaluateMarker has refused it already.
      end = close < 0 ? marker.length : close + 1;
      kind = 'string';
    } else if (/[A-Za-z_]/.test(char)) {
      end = at + (/^[A-Za-z_][A-Za-z0-9_.]*/.exec(marker.slice(at))?.[0].length ?? 1);
      kind = 'word';
    } else if (/[=!<>~]/.test(char)) {
      end = at + (/^[=!<>~]+/.exec(marker.slice(at))?.[0].length ?? 1);
      kind = 'op';
    }
    tokens.push({ kind, text: marker.slice(at, end), start: at, end });
    at = end;
  }
  return tokens;
}
