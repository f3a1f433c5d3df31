import { describe, expect, it } from 'vitest';
import { isUserError } from '../../../src/errors.js';
import type { BuildPlan } from '../../../src/plan/types.js';
import { baseOf } from '../../../src/plan/types.js';
import { renderDockerfile } from '../../../src/render/dockerfile.js';
import { irisLock, irisPlan } from '../helpers.js';

/** What renderDockerfile throws for a plan changed by `change` after planning, as a future parser might leave it. */
function thrownFor(change: (plan: BuildPlan) => void): unknown {
  const planned = irisPlan();
  change(planned);
  try {
    renderDockerfile(planned, irisLock());
  } catch (error) {
    return error;
  }
  return null;
}

/** Each value as it is named in the error, and how it slips into the plan. */
const SLIPPED: [string, (plan: BuildPlan) => void][] = [
  [
    "index URL 'https://x/simple\\nRUN id'",
    (plan) => {
      plan.indexUrl = 'https://x/simple\nRUN id';
    },
  ],
  [
    "extra index URL 'https://x/simple;id'",
    (plan) => {
      plan.extraIndexUrls.push('https://x/simple;id');
    },
  ],
  [
    "CPU torch index URL 'https://x/$(id)'",
    (plan) => {
      plan.cpuTorch = { indexUrl: 'https://x/$(id)', packages: [] };
    },
  ],
  [
    "apt package 'ffmpeg; curl x | sh'",
    (plan) => {
      plan.systemPackages.push({ name: 'ffmpeg; curl x | sh', why: 'test' });
    },
  ],
  [
    "Python version '3.11\\nRUN id'",
    (plan) => {
      plan.python = '3.11\nRUN id';
    },
  ],
  [
    "entry point 'a.py\\nRUN id'",
    (plan) => {
      plan.entrypoint = 'a.py\nRUN id';
    },
  ],
  [
    "base image 'python:3.11 AS x'",
    (plan) => {
      baseOf(plan).image = 'python:3.11 AS x';
    },
  ],
  [
    "base digest 'sha256:x\\nRUN id'",
    (plan) => {
      baseOf(plan).digest = 'sha256:x\nRUN id';
    },
  ],
  [
    "label io.github.ml-container.cuda '12.1\\u2028x'",
    (plan) => {
      plan.cuda = { version: '12.1\u2028x', source: 'test' };
    },
  ],
];

describe('renderDockerfile refuses a value that slipped past detect and plan', () => {
  it.each(SLIPPED)('refuses the plan’s %s with an internal error naming it', (named, change) => {
    const error = thrownFor(change);
    expect(error).toBeInstanceOf(Error);
    expect(isUserError(error)).toBe(false);
    expect((error as Error).message).toBe(
      `render: the plan's ${named} cannot be written into the Dockerfile; detect or plan should have refused it`,
    );
  });

  it('takes a pinned apt package', () => {
    const error = thrownFor((plan) => {
      plan.systemPackages.push({ name: 'libgl1=1.6.0-1', why: 'test' });
    });
    expect(error).toBeNull();
  });

  it('keeps each decision in the header on one comment line, whatever the repository wrote', () => {
    const planned = irisPlan();
    planned.decisions.push({
      topic: 'index',
      choice: 'x\nRUN id\r\u2028FROM y',
      why: 'requirements.txt:1\n',
    });
    const lines = renderDockerfile(planned, irisLock()).split('\n');
    expect(lines).toContain('# index: x\\nRUN id\\r\\u2028FROM y (requirements.txt:1\\n)');
    expect(lines.filter((line) => /^(?:RUN id|FROM y)/.test(line))).toEqual([]);
  });
});
