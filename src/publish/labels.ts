import type { RunContext } from '../context.js';

/** A variant's labels as plan knows them before the build; the model digests come from the files then. */
export interface LabelPlan {
  title: string;
  /** The first tag's version part; null when there is no tag to take it from. */
  version: string | null;
  /**
   * What the generated Dockerfile writes in its LABEL instruction, given to buildx instead when the
   * project's own Dockerfile is built; empty otherwise.
   */
  own: Record<string, string>;
  /** The workflow's own labels (input 'labels'): they win over the computed ones. */
  extra: Record<string, string>;
}

/**
 * Labels that change with every commit, so they are passed to buildx rather than written into the
 * Dockerfile, whose bytes must depend on the plan alone. Input labels win over computed ones.
 */
export function computeLabels(
  planned: LabelPlan,
  context: RunContext,
  modelDigests: Record<string, string>,
): Record<string, string> {
  const labels: Record<string, string> = { ...planned.own };
  const repoUrl = context.repository ? `${context.serverUrl}/${context.repository}` : null;
  labels['org.opencontainers.image.title'] = planned.title;
  if (repoUrl) {
    labels['org.opencontainers.image.source'] = repoUrl;
    labels['org.opencontainers.image.url'] = repoUrl;
  }
  if (context.sha) labels['org.opencontainers.image.revision'] = context.sha;
  const created = context.commitTime ? new Date(context.commitTime) : null;
  // An unparsable time is left out rather than replaced by the wall clock, which would break reproducibility.
  if (created && !Number.isNaN(created.getTime()))
    labels['org.opencontainers.image.created'] = created.toISOString();
  if (planned.version) labels['org.opencontainers.image.version'] = planned.version;
  if (context.description) labels['org.opencontainers.image.description'] = context.description;
  if (context.license) labels['org.opencontainers.image.licenses'] = context.license;
  const models = Object.entries(modelDigests)
    .map(([path, digest]) => `${path}=sha256:${digest}`)
    .join(',');
  if (models) labels['io.github.ml-container.models'] = models;
  return { ...labels, ...planned.extra };
}
