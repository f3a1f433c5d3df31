import { UserError } from '../errors.js';
import type { SourceRef } from '../source.js';
import { checkIndexUrl } from './index-url.js';
import { resolveInRepository } from './paths.js';
import { parsePep508, urlPackageName } from './pep508.js';
import { checkPipReadsAsWritten, checkPipVariables, PYTHON_SPACE } from './pip-lines.js';
import type { RepoReader } from './reader.js';
import type { Requirement } from './spec.js';

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

/**
 * Reads a pip requirements file the way pip does: continuations, comments, options, includes
 * (`-r`, `-c`) relative to the including file, and `--hash` on requirement lines.
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
  readInto(reader, path, result, [], 'requirements');
  return result;
}

function readInto(
  reader: RepoReader,
  path: string,
  result: RequirementsFile,
  stack: string[],
  kind: 'requirements' | 'constraints',
  includedFrom?: SourceRef,
): void {
  if (stack.includes(path)) {
    throw new UserError(`include cycle: ${[...stack, path].join(' -> ')}`, 'detect', includedFrom);
  }
  const text = reader.readText(path);
  if (text === null) {
    throw new UserError(`cannot read '${path}'`, 'detect', includedFrom ?? { file: path });
  }
  if (!result.files.includes(path)) result.files.push(path);
  checkPipReadsAsWritten(text, path);
  for (const { text: line, line: lineNumber } of logicalLines(text, path)) {
    const source: SourceRef = { file: path, line: lineNumber };
    checkPipVariables(line, source);
    if (line.startsWith('-')) {
      readOption(reader, line, source, result, [...stack, path], kind);
      continue;
    }
    const requirement = parseRequirementLine(line, source);
    (kind === 'constraints' ? result.constraints : result.requirements).push(requirement);
  }
}

const OPTION = /^(-[a-zA-Z]|--[a-z-]+)(?:\s*=\s*|\s+)?(.*)$/;

function readOption(
  reader: RepoReader,
  line: string,
  source: SourceRef,
  result: RequirementsFile,
  stack: string[],
  kind: 'requirements' | 'constraints',
): void {
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
      readInto(reader, resolveInRepository(source.file, needValue(), source), result, stack, kind, source);
      return;
    case '-c':
    case '--constraint':
      readInto(
        reader,
        resolveInRepository(source.file, needValue(), source),
        result,
        stack,
        'constraints',
        source,
      );
      return;
    case '-i':
    case '--index-url':
      result.indexUrl = { url: checkIndexUrl(needValue(), option, source), source };
      return;
    case '--extra-index-url':
      result.extraIndexUrls.push({ url: checkIndexUrl(needValue(), option, source), source });
      return;
    case '-f':
    case '--find-links':
      result.findLinks.push({ url: needValue(), source });
      return;
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
      return;
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
