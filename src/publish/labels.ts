import type { RunContext } from '../context.js';
import type { Inputs } from '../inputs.js';

/**
 * Labels that change with every commit, so they are passed to buildx rather than written into the
 * Dockerfile, whose bytes must depend on the plan alone. Input labels win over computed ones.
 */
export function computeLabels(
  inputs: Inputs,
  context: RunContext,
  facts: { title: string; version: string | null; modelDigests: Record<string, string> },
): Record<string, string> {
  const labels: Record<string, string> = {};
  const repoUrl = context.repository ? `${context.serverUrl}/${context.repository}` : null;
  labels['org.opencontainers.image.title'] = facts.title;
  if (repoUrl) {
    labels['org.opencontainers.image.source'] = repoUrl;
    labels['org.opencontainers.image.url'] = repoUrl;
  }
  if (context.sha) labels['org.opencontainers.image.revision'] = context.sha;
  const created = context.commitTime ? new Date(context.commitTime) : null;
  // An unparsable time is left out rather than replaced by the wall clock, which would break reproducibility.
  if (created && !Number.isNaN(created.getTime()))
    labels['org.opencontainers.image.created'] = created.toISOString();
  if (facts.version) labels['org.opencontainers.image.version'] = facts.version;
  if (context.description) labels['org.opencontainers.image.description'] = context.description;
  if (context.license) labels['org.opencontainers.image.licenses'] = context.license;
  const models = Object.entries(facts.modelDigests)
    .map(([path, digest]) => `${path}=sha256:${digest}`)
    .join(',');
  if (models) labels['io.github.ml-container.models'] = models;
  return { ...labels, ...inputs.labels };
}
