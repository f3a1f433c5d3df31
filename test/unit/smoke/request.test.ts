import { describe, expect, it } from 'vitest';
import { memoryReader } from '../../../src/project/reader.js';
import { readServeRequest } from '../../../src/smoke/request.js';
import { userError } from '../helpers.js';

const body = '{"features": [5.1, 3.5, 1.4, 0.2]}\n';

describe('smoke-request file', () => {
  it('reads the request, its JSON body and the golden response with its tolerance', () => {
    const reader = memoryReader({
      'smoke-request.yml':
        'method: post\npath: /predict\nbody: ./request.json\nstatus: 200\noutput:\n  species: setosa\ntolerance: 1e-6\n',
      'request.json': body,
    });
    expect(readServeRequest(reader, 'smoke-request.yml')).toEqual({
      method: 'POST',
      path: '/predict',
      body,
      status: 200,
      expected: {
        output: { species: 'setosa' },
        tolerance: 1e-6,
        relativeTolerance: 0,
        source: { file: 'smoke-request.yml', line: 6 },
      },
      source: { file: 'smoke-request.yml', line: 2 },
    });
  });

  it('sends a GET without a body, and expects 200 and no particular answer by default', () => {
    const request = readServeRequest(memoryReader({ 'r.json': '{"path": "/version"}' }), 'r.json');
    expect(request).toMatchObject({
      method: 'GET',
      path: '/version',
      body: null,
      status: 200,
      expected: null,
    });
  });

  it.each([
    ['path: predict\n', 1, "`path` must be a path starting with '/'"],
    ['path: "/a b"\n', 1, "`path` must be a path starting with '/'"],
    ['path: /p\nmethod: TRACE\n', 2, '`method` must be one of GET, POST, PUT, PATCH, DELETE'],
    ['path: /p\nstatus: 99\n', 2, '`status` must be an HTTP status code'],
    ['path: /p\nbody: missing.json\n', 2, '`body` names missing.json, which is not a file of the project'],
    ['path: /p\nbody: notjson.txt\n', 2, '`body` notjson.txt is not JSON'],
    ['path: /p\nheaders: {}\n', 2, "unknown key 'headers'"],
    ['path: /p\ntolerance: -1\n', 2, "'tolerance' must be a number ≥ 0"],
    ['- /p\n', 1, 'smoke-request must be a mapping'],
  ])('refuses %j at line %i', (text, line, message) => {
    const error = userError(() =>
      readServeRequest(memoryReader({ 'r.yml': text, 'notjson.txt': 'setosa' }), 'r.yml'),
    );
    expect(error.message).toContain(message);
    expect(error.source).toEqual({ file: 'r.yml', line });
  });

  it('refuses a body larger than a request', () => {
    const reader = memoryReader({
      'r.yml': 'path: /p\nbody: big.json\n',
      'big.json': `[${'0,'.repeat(600_000)}0]`,
    });
    expect(userError(() => readServeRequest(reader, 'r.yml')).message).toContain('larger than 1 MiB');
  });
});
