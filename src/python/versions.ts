import { satisfies } from '@renovatebot/pep440';

/** `[major, minor]` of a version string, ignoring anything after (patch, local, pre-release). */
export function majorMinor(version: string): [number, number] | null {
  const match = /^v?(\d+)\.(\d+)/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2])] : null;
}

export function compareMinor(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = majorMinor(a) ?? [];
  const [bMajor = 0, bMinor = 0] = majorMinor(b) ?? [];
  return aMajor - bMajor || aMinor - bMinor;
}

/** Whether some release of `major.minor` satisfies a PEP 440 specifier ("" allows all). */
export function minorSatisfies(minor: string, specifier: string): boolean {
  if (!specifier) return true;
  try {
    return [`${minor}.0`, `${minor}.99`].some((candidate) => satisfies(candidate, specifier));
  } catch {
    return false;
  }
}

/**
 * Poetry's constraint syntax (`^3.10`, `~3.10`, `3.10.*`, `>=3.9,<3.12`, `a || b`) as a PEP 440
 * specifier; for `||` the first alternative, which is the one a resolver tries first.
 */
export function poetryToPep440(constraint: string): string {
  const first = constraint.split('||')[0]?.trim() ?? '';
  if (first === '' || first === '*') return '';
  return first
    .split(/,|\s+(?=[<>=!~^])/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map(convertPoetryPart)
    .join(',');
}

function convertPoetryPart(part: string): string {
  const caret = /^\^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(part);
  if (caret) {
    const [major, minor, patch] = [Number(caret[1]), caret[2], caret[3]];
    const lower = [caret[1], minor ?? '0', ...(patch !== undefined ? [patch] : [])].join('.');
    const upper =
      major > 0
        ? `${major + 1}.0`
        : minor !== undefined && Number(minor) > 0
          ? `0.${Number(minor) + 1}`
          : `0.0.${Number(patch ?? 0) + 1}`;
    return `>=${lower},<${upper}`;
  }
  const tilde = /^~\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(part);
  if (tilde && !part.startsWith('~=')) {
    const lower = [tilde[1], tilde[2] ?? '0', ...(tilde[3] !== undefined ? [tilde[3]] : [])].join('.');
    const upper =
      tilde[2] !== undefined ? `${tilde[1]}.${Number(tilde[2]) + 1}` : `${Number(tilde[1]) + 1}.0`;
    return `>=${lower},<${upper}`;
  }
  if (/^\d/.test(part)) return `==${part}`;
  return part.replace(/\s+/g, '');
}

/** The version of an exact `==`/`===` pin (`==2.1.0+cu121`), which is already a locked version; else null. */
export function exactPin(specifier: string): string | null {
  return /^===?([^,*]+)$/.exec(specifier)?.[1] ?? null;
}
