import { DEBIAN_PACKAGE_NAME } from '../detect/debian-package.js';
import { RefusedInput } from '../errors.js';
import type { Inputs } from '../inputs.js';
import { indexUrlProblem } from '../python/index-url.js';
import { quoted } from '../text.js';

/**
 * An image reference as FROM takes it (registry, path, tag), and the digest it is pinned to:
 * nothing the Dockerfile expands (`$`) or that ends the word, so neither can add to the FROM line.
 */
export const IMAGE_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._/:+[\]-]*$/;
export const IMAGE_DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Fa-f0-9]{32,}$/;
/** An origin-form request target: a path, with an optional query, that no HTTP line reads as syntax. */
export const REQUEST_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*$/;

/**
 * The inputs plan writes into the Dockerfile, held to the rules detect holds the repository's
 * values to: an input can come from a workflow expression a pull request controls.
 */
export function checkInputs(
  inputs: Pick<Inputs, 'indexUrl' | 'extraIndexUrls' | 'pytorchIndexUrl' | 'baseImage' | 'systemPackages'>,
): void {
  const urls: [string, string | null][] = [
    ["input 'index-url'", inputs.indexUrl],
    ...inputs.extraIndexUrls.map((url): [string, string] => ["input 'extra-index-urls'", url]),
    ["input 'pytorch-index-url'", inputs.pytorchIndexUrl],
  ];
  for (const [what, url] of urls) {
    const problem = url ? indexUrlProblem(url, what) : null;
    if (problem) throw new RefusedInput(problem, 'plan');
  }
  if (inputs.baseImage) {
    const [image = '', digest, ...more] = inputs.baseImage.split('@');
    const pinned = digest === undefined || IMAGE_DIGEST.test(digest);
    if (!IMAGE_REFERENCE.test(image) || !pinned || more.length > 0) {
      throw new RefusedInput(
        `input 'base-image' must be an image reference like python:3.11-slim or registry.example/python@sha256:<hex>: ${quoted(inputs.baseImage)}`,
        'plan',
      );
    }
  }
  // The rule cog.yaml's `system_packages` is held to: these go into the `apt-get install` line.
  for (const name of inputs.systemPackages) {
    if (!DEBIAN_PACKAGE_NAME.test(name)) {
      throw new RefusedInput(
        `input 'system-packages' has ${quoted(name)}, which is not a Debian package name (lowercase letters, digits, + - .)`,
        'plan',
      );
    }
  }
}
