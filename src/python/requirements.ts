import { UserError } from '../errors.js';
import { resolveInRepository } from '../project/paths.js';
import type { RepoReader } from '../project/reader.js';
import type { SourceRef } from '../source.js';
import { checkIndexUrl } from './index-url.js';
import { parsePep508, urlPackageName } from './pep508.js';
import { checkPipReadsAsWritten, checkPipVariables, PYTHON_SPACE } from './pip-lines.js';
import type { Requirement } from './types.js';

export interface RequirementsFile {
  requirements: Requirement[];
  /** Every file read, the top one first: includes count as inputs of the lock. */
  files: string[];
  indexUrl: { url: string; source: SourceRef } | null;
  extraIndexUrls: { url: string; source: SourceRef }[];
  findLinks: { url: string; source: SourceRef }[];
  constraints: Requirement[];
}

interface LogicalLine {
  text: string;
  line: number;
}

type Kind = 'requirements' | 'constraints';

/** A file being read: its lines, how far, and the last `--index-url` its lines and includes set. */
interface Frame {
  path: string;
  kind: Kind;
  lines: LogicalLine[];
  next: number;
  lastIndexUrl: RequirementsFile['indexUrl'];
}

/**
 * Reads a pip requirements file the way pip does: continuations, comments, options, includes
 * (`-r`, `-c`) relative to the including file, and `--hash` on requirement lines.
 *
 * pip reads a file again each time it is included; that adds nothing but duplicates, and a file
 * including the next one twice, 22 levels deep, makes millions of reads. Each file is read once as
 * requirements and once as constraints; reading it again would only set the index URL it set
 * last, which is kept. The walk keeps its own stack, so a chain of includes has no depth limit.
 */
export function parseRequirementsFile(reader: RepoReader, path: string): RequirementsFile {
  const result: RequirementsFile = {
    requirements: [],
    files: [],
    indexUrl: null,
    extraIndexUrls: [],
    findLinks: [],
    constraints: [],
  };
  const listed = new Set<string>();
  // Each file read to its end, by kind: the index URL reading it again would leave (null: none).
  const finished = new Map<string, RequirementsFile['indexUrl']>();
  const stack: Frame[] = [];
  const reading = new Set<string>();

  const enter = (target: string, kind: Kind, includedFrom?: SourceRef): void => {
    if (reading.has(target)) {
      const chain = [...stack.map((frame) => frame.path), target].join(' -> ');
      throw new UserError(`include cycle: ${chain}`, 'detect', includedFrom);
    }
    const done = finished.get(`${kind}:${target}`);
    if (done !== undefined) {
      setIndexUrl(done);
      return;
    }
    const text = reader.readText(target);
    if (text === null) {
      throw new UserError(`cannot read '${target}'`, 'detect', includedFrom ?? { file: target });
    }
    if (!listed.has(target)) {
      listed.add(target);
      result.files.push(target);
    }
    checkPipReadsAsWritten(text, target);
    stack.push({ path: target, kind, lines: logicalLines(text, target), next: 0, lastIndexUrl: null });
    reading.add(target);
  };
  const setIndexUrl = (indexUrl: RequirementsFile['indexUrl']): void => {
    if (indexUrl === null) return;
    result.indexUrl = indexUrl;
    const current = stack.at(-1);
    if (current) current.lastIndexUrl = indexUrl;
  };

  enter(path, 'requirements');
  for (let frame = stack.at(-1); frame; frame = stack.at(-1)) {
    const logical = frame.lines[frame.next++];
    if (logical === undefined) {
      stack.pop();
      reading.delete(frame.path);
      finished.set(`${frame.kind}:${frame.path}`, frame.lastIndexUrl);
      const includer = stack.at(-1);
      if (includer && frame.lastIndexUrl) includer.lastIndexUrl = frame.lastIndexUrl;
      continue;
    }
    const source: SourceRef = { file: frame.path, line: logical.line };
    checkPipVariables(logical.text, source);
    if (!logical.text.startsWith('-')) {
      const requirement = parseRequirementLine(logical.text, source);
      (frame.kind === 'constraints' ? result.constraints : result.requirements).push(requirement);
      continue;
    }
    const option = readOption(logical.text, source, result);
    if (option?.include) enter(option.include, option.kind ?? frame.kind, source);
    else if (option?.indexUrl) setIndexUrl(option.indexUrl);
  }
  return result;
}

const OPTION = /^(-[a-zA-Z]|--[a-z-]+)(?:\s*=\s*|\s+)?(.*)$/;

/** What an option line asks of the walk: a file to read (as `kind`, else as the including file is), or an index URL. */
interface OptionEffect {
  include?: string;
  kind?: Kind;
  indexUrl?: RequirementsFile['indexUrl'];
}

function readOption(line: string, source: SourceRef, result: RequirementsFile): OptionEffect | null {
  const match = OPTION.exec(line);
  const option = match?.[1] ?? line;
  const value = (match?.[2] ?? '').trim();
  const needValue = (): string => {
    if (!value) throw new UserError(`option ${option} needs a value`, 'detect', source);
    return value;
  };
  switch (option) {
    case '-r':
    case '--requirement':
      return { include: resolveInRepository(source.file, needValue(), source) };
    case '-c':
    case '--constraint':
      return { include: resolveInRepository(source.file, needValue(), source), kind: 'constraints' };
    case '-i':
    case '--index-url':
      return { indexUrl: { url: checkIndexUrl(needValue(), option, source), source } };
    case '--extra-index-url':
      result.extraIndexUrls.push({ url: checkIndexUrl(needValue(), option, source), source });
      return null;
    case '-f':
    case '--find-links':
      result.findLinks.push({ url: needValue(), source });
      return null;
    case '-e':
    case '--editable':
      throw new UserError(
        `editable requirement '${value}' cannot be locked; install the project itself instead`,
        'detect',
        source,
      );
    case '--no-index':
    case '--pre':
    case '--prefer-binary':
    case '--only-binary':
    case '--no-binary':
    case '--trusted-host':
    case '--use-feature':
    case '--require-hashes':
      return null;
    default:
      throw new UserError(`unknown requirements option '${option}'`, 'detect', source);
  }
}

function parseRequirementLine(line: string, source: SourceRef): Requirement {
  const hashes: string[] = [];
  const body = line
    .replace(/\s--hash[=\s]\s*([a-z0-9]+:[a-f0-9]+)/gi, (_match, hash: string) => {
      hashes.push(hash);
      return '';
    })
    .trim();
  if (/^(?:(?:git|hg|svn|bzr)\+|https?:\/\/|file:)/i.test(body))
    return bareUrlRequirement(body, hashes, source);
  const parsed = parsePep508(body);
  if ('error' in parsed) {
    throw new UserError(parsed.error, 'detect', { ...source, column: parsed.column });
  }
  return { ...parsed, hashes, source };
}

/** pip also takes a bare URL (`git+https://…#egg=name`, a wheel's URL): the name comes from the URL. */
function bareUrlRequirement(body: string, hashes: string[], source: SourceRef): Requirement {
  const separator = /\s;\s*/.exec(body);
  const url = separator ? body.slice(0, separator.index) : body;
  const name = urlPackageName(url);
  if (!name) {
    throw new UserError(
      `cannot tell which package '${url}' installs: add '#egg=NAME' or write 'NAME @ ${url}'`,
      'detect',
      source,
    );
  }
  const marker = separator ? body.slice(separator.index + separator[0].length).trim() || null : null;
  return { name, extras: [], specifier: '', marker, url, hashes, source };
}

/** pip's comment: `#` at the start or after whitespace, Python's whitespace. */
const COMMENT = new RegExp(`(^|${PYTHON_SPACE})#.*$`);

/** Joins backslash continuations as pip does (the newline simply vanishes), strips comments, keeping the number of each line's first physical line. */
function logicalLines(text: string, file: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  // pip drops a UTF-8 byte order mark before reading lines.
  const physical = text.replace(/^\ufeff/, '').split(/\r?\n/);
  let pending: LogicalLine | null = null;
  physical.forEach((raw, index) => {
    const withoutComment = raw.replace(COMMENT, '');
    const continued = /\\$/.test(withoutComment);
    const piece = continued ? withoutComment.slice(0, -1) : withoutComment;
    pending = pending
      ? { text: `${pending.text}${piece}`, line: pending.line }
      : { text: piece, line: index + 1 };
    if (continued) {
      if (index === physical.length - 1 || (index === physical.length - 2 && physical[index + 1] === '')) {
        throw new UserError('line continuation at the end of the file', 'detect', {
          file,
          line: index + 1,
          column: raw.length,
        });
      }
      return;
    }
    const trimmed = pending.text.trim();
    if (trimmed) lines.push({ text: trimmed.replace(/\s+/g, ' '), line: pending.line });
    pending = null;
  });
  return lines;
}
