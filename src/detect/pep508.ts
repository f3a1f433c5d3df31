import { validRange } from '@renovatebot/pep440';
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
  let body = (semicolon < 0 ? rest : rest.slice(0, semicolon)).trim();
  let url: string | null = null;
  if (body.startsWith('@')) {
    url = body.slice(1).trim();
    if (!url) return { error: `'${excerpt(text)}' has '@' but no URL`, column: offset + 1 };
    body = '';
  }
  const specifier = body.replace(/^\((.*)\)$/, '$1').replace(/\s+/g, '');
  if (specifier && !validRange(specifier)) {
    return {
      error: `invalid version specifier '${excerpt(body)}' for ${excerpt(nameMatch[1])}`,
      column: offset + 1,
    };
  }
  return { name: normalizeName(nameMatch[1]), extras, specifier, marker, url };
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
    const path = url.replace(/[#?].*$/, '').replace(/\/+$/, '');
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
