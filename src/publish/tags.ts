import { isPullRequestEvent, type RunContext } from '../context.js';
import { UserError } from '../errors.js';
import type { BuildPlan } from '../plan/types.js';
import { quoted } from '../text.js';

export interface TagPlan {
  tags: string[];
  why: string;
}

/** The workflow's own image repository and tags (inputs 'image' and 'tags'): either may be unset. */
export interface TagRequest {
  image: string | null;
  tags: readonly string[];
}

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
 * Tags as docker/metadata-action's defaults give them (tags input empty: `type=schedule`,
 * `type=ref,event=branch`, `type=ref,event=tag`, `type=ref,event=pr`; flavor `latest=auto`):
 * https://github.com/docker/metadata-action/blob/master/README.md. A workflow that swaps this
 * action for metadata-action, or the other way round, keeps the same tags.
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
  const withImage = (tags: string[], why: string): TagPlan => ({
    tags: tags.map((tag) => `${image}:${tag}`),
    why,
  });
  if (isPullRequestEvent(context)) {
    if (!context.pullRequest) return withImage(['pr'], 'pull request (its number is not in the event)');
    return withImage([`pr-${context.pullRequest.number}`], `pull request #${context.pullRequest.number}`);
  }
  const ref = context.ref ?? '';
  // metadata-action's type=schedule comes first (priority 1000) and its branch entry still
  // applies: a scheduled run on main gives `nightly` then `main`, and no `latest`.
  const nightly = context.eventName === 'schedule' ? ['nightly'] : [];
  if (ref.startsWith('refs/tags/')) {
    const name = ref.slice('refs/tags/'.length);
    // latest=auto adds `latest` for every type=ref,event=tag match, prereleases included
    // (v2.0.8-beta.67 → v2.0.8-beta.67, latest in its README); only type=semver skips them.
    // Its latest follows the first entry that matched, so a scheduled run on a tag gets none.
    const latest = nightly.length > 0 ? [] : ['latest'];
    return withImage(unique([...nightly, tagFrom('tag', name), ...latest]), `tag ${name}`);
  }
  if (ref.startsWith('refs/heads/')) {
    const branch = ref.slice('refs/heads/'.length);
    return withImage(
      unique([...nightly, tagFrom('branch', branch)]),
      nightly.length > 0 ? `schedule on branch ${branch}` : `branch ${branch}`,
    );
  }
  if (nightly.length > 0) return withImage(nightly, 'schedule');
  return withImage(['local'], 'local run (no GitHub event)');
}

/** metadata-action drops a tag equal to the first one (a branch called `nightly` on a schedule). */
function unique(tags: string[]): string[] {
  return tags.filter((tag, index) => tags.indexOf(tag) === index);
}

/**
 * metadata-action's rule: every run of characters outside [A-Za-z0-9_.-] becomes one `-`. Docker
 * also refuses a tag that starts with '.' or '-' or is over 128 characters, which that rule lets
 * through; those are cut here so the build does not fail on the tag. null when nothing is left.
 */
export function sanitizeTag(name: string): string | null {
  return (
    name
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 128) || null
  );
}

/**
 * A ref's tag, refused when nothing of its name is left: a fallback such as `latest` would let a
 * branch called `模型` overwrite the release tag.
 */
function tagFrom(kind: 'branch' | 'tag', name: string): string {
  const tag = sanitizeTag(name);
  if (tag) return tag;
  throw new UserError(
    `${kind} ${quoted(name)} leaves no Docker tag (only A-Z, a-z, 0-9, '_', '.' and '-' are kept); set input 'tags', e.g. from docker/metadata-action`,
    'plan',
  );
}
