import { describe, expect, it } from 'vitest';
import { indexUrlProblem } from '../../../src/python/index-url.js';

describe('indexUrlProblem', () => {
  it.each([
    'https://pypi.org/simple',
    'http://127.0.0.1:3141/simple',
    'https://user:p%40ss@pypi.example:8443/private/simple/',
    'https://__token__:abc123@pypi.example/simple',
    'https://pypi.example/a%2Fb/simple?channel=stable#main',
    'HTTPS://PYPI.EXAMPLE/simple',
    'http://[::1]:3141/simple',
    'https://download.pytorch.org/whl/cu121',
  ])('takes %s', (url) => {
    expect(indexUrlProblem(url, '--index-url')).toBeNull();
  });

  it.each([
    ['https://x/simple;id>/tmp/pwned;true'],
    ['https://x/simple\nRUN id'],
    ['https://x/simple\rRUN id'],
    ['https://x/simple\u2028RUN id'],
    ['https://x/simple\u0085'],
    ['https://x/\u0000simple'],
    ['https://x/simple id'],
    ['https://x/simple\tid'],
    ['https://x/$(id)'],
    ['https://x/`id`'],
    ["https://x/'simple'"],
    ['https://x/"simple"'],
    ['https://x/simple|sh'],
    ['https://x/simple&&id'],
    ['https://x/simple<in'],
    ['https://x/{a,b}'],
    ['https://x/simple\\'],
    ['ftp://x/simple'],
    ['file:///srv/simple'],
    ['http:x/simple'],
    ['//x/simple'],
    ['./wheels'],
    ['https://'],
    ['https://x:99999/simple'],
  ])('refuses %j', (url) => {
    expect(indexUrlProblem(url, '--index-url')).toMatch(
      /^--index-url must be an http\(s\) URL without spaces, quotes or shell characters: '.*'$/,
    );
  });

  it('quotes the value cut short, on one line', () => {
    const problem = indexUrlProblem(`https://x/simple\n${'RUN id\n'.repeat(50)}`, '--index-url') ?? '';
    expect(problem).not.toMatch(/[\n\r]/);
    expect(problem).toContain("'https://x/simple\\nRUN id\\nRUN id");
    expect(problem).toMatch(/…'$/);
    expect(problem.length).toBeLessThan(200);
  });

  it.each([
    [`https://\${PIP_TOKEN}@pypi.example/simple`, `\${PIP_TOKEN}`],
    [`https://user:\${PASSWORD}@pypi.example/simple`, `\${PASSWORD}`],
    [`\${PIP_INDEX_URL}`, `\${PIP_INDEX_URL}`],
    ['https://$HOST/simple', '$HOST'],
  ])('names an environment variable in %s, which nothing expands', (url, reference) => {
    expect(indexUrlProblem(url, '[[source]] url')).toBe(
      `[[source]] url uses ${reference}, an environment variable this action does not expand: write the URL out, and give an index that needs credentials in input 'index-url' or 'extra-index-urls', from a secret: '${url}'`,
    );
  });
});
