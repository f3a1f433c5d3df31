import { SCRIPT_NAME } from '../detect/console-script.js';
import { APT_PACKAGE } from '../detect/debian-package.js';
import { isCarriablePath } from '../plan/layers.js';
import { IMAGE_DIGEST, IMAGE_REFERENCE } from '../plan/safe-values.js';
import type { BuildPlan } from '../plan/types.js';
import { indexUrlProblem } from '../python/index-url.js';
import { hasControlCharacters, quoted } from '../text.js';

type Rule = (value: string) => boolean;

const matches =
  (pattern: RegExp): Rule =>
  (value) =>
    pattern.test(value);
const singleLine: Rule = (value) => !hasControlCharacters(value);
const indexUrl: Rule = (value) => indexUrlProblem(value, 'index URL') === null;
const version = matches(/^\d+(?:\.\d+)*$/);
const imageReference = matches(IMAGE_REFERENCE);
const digest = matches(IMAGE_DIGEST);
const absolutePath = matches(/^\/[A-Za-z0-9._/-]*$/);

/**
 * The last check before the plan's values are written into the Dockerfile, where a newline adds an
 * instruction and a `;` adds a command. Detect and plan refuse such values where they are read, with
 * the line that wrote them; one reaching this is a bug there, so this is an internal error.
 */
export function assertWritable(plan: BuildPlan, labels: readonly (readonly [string, string])[]): void {
  const values: [string, string | null, Rule][] = [
    ['base image', plan.base?.image ?? null, imageReference],
    ['base digest', plan.base?.digest ?? null, digest],
    ['Python installer image', plan.pythonInstaller?.image ?? null, imageReference],
    ['Python installer digest', plan.pythonInstaller?.digest ?? null, digest],
    ['Python version', plan.python, version],
    ['variant', plan.variant, matches(/^(?:cpu|gpu)$/)],
    ['venv', plan.layout.venv, absolutePath],
    ['workdir', plan.layout.workdir, absolutePath],
    ['user', plan.layout.user, matches(/^[a-z_][a-z0-9_-]*$/)],
    ['uid', String(plan.layout.uid), matches(/^\d+$/)],
    ['index URL', plan.indexUrl, indexUrl],
    ...plan.extraIndexUrls.map((url): [string, string, Rule] => ['extra index URL', url, indexUrl]),
    ['CPU torch index URL', plan.cpuTorch?.indexUrl ?? null, indexUrl],
    ...plan.systemPackages.map((item): [string, string, Rule] => [
      'apt package',
      item.name,
      matches(APT_PACKAGE),
    ]),
    ['entry point', plan.entrypoint, singleLine],
    ['server command', plan.server?.command ?? null, singleLine],
    ['server port', plan.server ? String(plan.server.port) : null, matches(/^[1-9]\d{0,4}$/)],
    ['console script', plan.installProject?.script ?? null, matches(SCRIPT_NAME)],
    ...plan.heavyFiles.map((file): [string, string, Rule] => ['heavy file', file.path, isCarriablePath]),
    ...labels.map(([key, value]): [string, string, Rule] => [`label ${key}`, value, singleLine]),
  ];
  for (const [name, value, writable] of values) {
    if (value !== null && !writable(value)) {
      throw new Error(
        `render: the plan's ${name} ${quoted(value)} cannot be written into the Dockerfile; detect or plan should have refused it`,
      );
    }
  }
}
