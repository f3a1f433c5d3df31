import { isPullRequestEvent, type RunContext } from '../context.js';
import type { BuildPlan } from '../plan/types.js';

export interface TagPlan {
  tags: string[];
  why: string;
}

/** The workflow's own image repository and tags (inputs 'image' and 'tags'): either may be unset. */
export interface TagRequest {
  image: string | null;
  tags: readonly string[];
}

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** The repository part of every computed tag. */
export function imageName(inputs: TagRequest, context: RunContext, folderName: string): string {
  if (inputs.image) return inputs.image;
  if (context.repository) return `ghcr.io/${context.repository.toLowerCase()}`;
  return `ml-container/${repositoryComponent(folderName)}`;
}

/**
 * A folder name as one component of a Docker repository name: lowercase alphanumerics joined by
 * `.`, `_`, `__` or dashes, which must not start or end it (a tag allows more than this).
 */
function repositoryComponent(name: string): string {
  const component = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, (separator) => (/^(?:[._]|__|-+)$/.test(separator) ? separator : '-'))
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return component || 'image';
}

/**
 * Tags as docker/metadata-action's defaults would give them: semver (and `latest`) from release
 * tags, the branch name and `sha-<short>` from pushes, `pr-<n>` from pull requests.
 */
export function computeTags(
  inputs: TagRequest,
  context: RunContext,
  folderName: string,
  variant: { suffix: string; suffixInputTags: boolean } = { suffix: '', suffixInputTags: false },
): TagPlan {
  const plain = computePlainTags(inputs, context, folderName);
  if (!variant.suffix || (inputs.tags.length > 0 && !variant.suffixInputTags)) return plain;
  return {
    tags: plain.tags.map((tag) => `${tag}${variant.suffix}`),
    why: `${plain.why}, suffixed '${variant.suffix}' for the variant`,
  };
}

/** `-cpu`, `-cuda12.4`, or `-gpu` when the CUDA version is unknown. */
export function variantSuffix(plan: Pick<BuildPlan, 'variant' | 'cuda'>): string {
  if (plan.variant === 'cpu') return '-cpu';
  return plan.cuda ? `-cuda${plan.cuda.version}` : '-gpu';
}

function computePlainTags(inputs: TagRequest, context: RunContext, folderName: string): TagPlan {
  if (inputs.tags.length > 0) return { tags: [...inputs.tags], why: "input 'tags'" };
  const image = imageName(inputs, context, folderName);
  const short = context.sha ? [`sha-${context.sha.slice(0, 7)}`] : [];
  if (isPullRequestEvent(context)) {
    if (!context.pullRequest)
      return { tags: [`${image}:pr`], why: 'pull request (its number is not in the event)' };
    return {
      tags: [`${image}:pr-${context.pullRequest.number}`],
      why: `pull request #${context.pullRequest.number}`,
    };
  }
  const ref = context.ref ?? '';
  if (ref.startsWith('refs/tags/')) {
    const name = ref.slice('refs/tags/'.length);
    const semver = SEMVER.exec(name);
    if (semver) {
      const [, major, minor, patch, prerelease] = semver;
      const versions = prerelease
        ? [`${major}.${minor}.${patch}-${prerelease}`]
        : [
            `${major}.${minor}.${patch}`,
            `${major}.${minor}`,
            ...(major === '0' ? [] : [`${major}`]),
            'latest',
          ];
      return { tags: [...versions, ...short].map((tag) => `${image}:${tag}`), why: `release tag ${name}` };
    }
    return { tags: [sanitizeTag(name), ...short].map((tag) => `${image}:${tag}`), why: `tag ${name}` };
  }
  if (ref.startsWith('refs/heads/')) {
    const branch = ref.slice('refs/heads/'.length);
    return { tags: [sanitizeTag(branch), ...short].map((tag) => `${image}:${tag}`), why: `branch ${branch}` };
  }
  return { tags: [`${image}:local`], why: 'local run (no GitHub event)' };
}

/** Docker tags allow [A-Za-z0-9_.-], up to 128 characters, not starting with '.' or '-'. */
export function sanitizeTag(name: string): string {
  return (
    name
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 128) || 'latest'
  );
}
