import { UserError } from '../errors.js';
import { REQUEST_PATH } from '../plan/safe-values.js';
import { readYaml } from '../project/parse.js';
import type { RepoReader } from '../project/reader.js';
import type { SourceRef } from '../source.js';
import { oneLine } from '../text.js';
import type { ExpectedOutput } from './expected.js';

/** The prediction request of input 'smoke-request', and what the served model must answer. */
export interface ServeRequest {
  method: string;
  path: string;
  /** The JSON body as the body file holds it; null for a request without one. */
  body: string | null;
  status: number;
  /** The golden response, compared as smoke-expected compares a command's output. */
  expected: ExpectedOutput | null;
  source: SourceRef;
}

const KEYS = new Set(['method', 'path', 'body', 'status', 'output', 'tolerance', 'relative-tolerance']);
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** A body is a request, not a data set: one larger than this is refused at its line. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the smoke-request file (YAML or JSON) and its body file; every mistake names the file and line. */
export function readServeRequest(reader: RepoReader, path: string): ServeRequest {
  const file = readYaml(reader, path);
  const fail = (message: string, key?: string): never => {
    throw new UserError(message, 'smoke', { file: path, line: key ? file.lineOf([key]) : 1 });
  };
  const data = file.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail('smoke-request must be a mapping with `path` (and `method`, `body`, `status`, `output`)');
  }
  const record = data as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KEYS.has(key)) fail(`unknown key '${oneLine(key)}' (expected ${[...KEYS].join(', ')})`, key);
  }
  const requestPath = record.path;
  if (typeof requestPath !== 'string' || !REQUEST_PATH.test(requestPath) || requestPath.length > 2048) {
    fail("`path` must be a path starting with '/' (letters, digits and URL punctuation, no spaces)", 'path');
  }
  let body: string | null = null;
  if (record.body !== undefined && record.body !== null) {
    const bodyFile = record.body;
    if (typeof bodyFile !== 'string' || bodyFile.trim() === '') {
      fail('`body` must name a JSON file, relative to the project', 'body');
    }
    const named = (bodyFile as string).replace(/^\.\//, '');
    if ((reader.size(named) ?? 0) > MAX_BODY_BYTES)
      fail(`\`body\` ${oneLine(named)} is larger than 1 MiB`, 'body');
    body = reader.readText(named);
    if (body === null) fail(`\`body\` names ${oneLine(named)}, which is not a file of the project`, 'body');
    try {
      JSON.parse(body as string);
    } catch (error) {
      fail(`\`body\` ${oneLine(named)} is not JSON: ${oneLine((error as Error).message)}`, 'body');
    }
  }
  const method = record.method === undefined ? (body === null ? 'GET' : 'POST') : record.method;
  if (typeof method !== 'string' || !METHODS.includes(method.toUpperCase())) {
    fail(`\`method\` must be one of ${METHODS.join(', ')}`, 'method');
  }
  const status = record.status ?? 200;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    fail('`status` must be an HTTP status code (100–599)', 'status');
  }
  const number = (key: string): number => {
    const value = record[key] ?? 0;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      fail(`'${key}' must be a number ≥ 0, got ${JSON.stringify(value)}`, key);
    }
    return value as number;
  };
  const tolerance = number('tolerance');
  const relativeTolerance = number('relative-tolerance');
  const expected: ExpectedOutput | null =
    record.output === undefined || record.output === null
      ? null
      : {
          output: record.output,
          tolerance,
          relativeTolerance,
          source: { file: path, line: file.lineOf(['output']) },
        };
  return {
    method: (method as string).toUpperCase(),
    path: requestPath as string,
    body,
    status: status as number,
    expected,
    source: { file: path, line: file.lineOf(['path']) },
  };
}
