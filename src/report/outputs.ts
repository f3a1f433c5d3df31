import type { SizeReport } from '../size/index.js';
import { excerpt } from '../text.js';
import type { RunReport, VariantReport } from './run-report.js';

/**
 * The action's outputs, named as in docker/build-push-action where the meaning is the same. With
 * several variants, `image` and `digest` are the first variant's and `tags` lists every variant's.
 */
export function outputs(report: RunReport): Record<string, string> {
  const [first] = report.variants;
  const tags = report.variants.flatMap((variant) => variant.tags?.tags ?? []);
  return {
    image: first?.tags?.tags[0] ?? '',
    digest: (first ? servedDigest(first) : null) ?? '',
    tags: tags.join('\n'),
    pushed: String(report.variants.some((variant) => (variant.publish?.pushed.length ?? 0) > 0)),
    variant: report.variants.map((variant) => variant.plan.variant).join(','),
    variants: JSON.stringify(variantImages(report)),
    matrix: JSON.stringify(report.variants.map((variant) => variant.plan.variant)),
    python: first?.plan.python ?? '',
    cuda: report.variants.find((variant) => variant.plan.cuda)?.plan.cuda?.version ?? '',
    frameworks: JSON.stringify(first ? frameworkVersions(first) : []),
    metadata: JSON.stringify(metadata(report)),
  };
}

/** Each variant's image, where `image` and `digest` describe the first variant only. */
function variantImages(report: RunReport) {
  return Object.fromEntries(
    report.variants.map((variant) => [
      variant.plan.variant,
      {
        image: variant.tags?.tags[0] ?? '',
        digest: servedDigest(variant) ?? '',
        tags: variant.tags?.tags ?? [],
        pushed: variant.publish?.pushed ?? [],
      },
    ]),
  );
}

function frameworkVersions(variant: VariantReport) {
  return variant.plan.frameworks.map((framework) => ({
    name: framework.name,
    version: variant.lock?.packages.find((pkg) => pkg.name === framework.name)?.version ?? framework.locked,
  }));
}

export function metadata(report: RunReport) {
  return {
    variants: report.variants.map((variant) => ({
      variant: variant.plan.variant,
      strategy: variant.plan.strategy,
      cuda: variant.plan.cuda?.version ?? null,
      base: variant.plan.base ? { image: variant.plan.base.image, digest: variant.plan.base.digest } : null,
      lock: variant.lock ? { sha256: variant.lock.sha256, packages: variant.lock.packages.length } : null,
      frameworks: frameworkVersions(variant),
      digest: servedDigest(variant),
      image_id: variant.build?.imageId ?? null,
      manifest_digest: reproducibleManifest(variant),
      reproducible: variant.build?.reproducible ?? false,
      size_bytes: variant.build?.sizeBytes ?? null,
      build_seconds: variant.build?.seconds ?? null,
      provenance: variant.build?.provenance ?? false,
      sbom: variant.build?.sbom ?? false,
      tags: variant.tags?.tags ?? [],
      smoke: variant.smoke
        ? {
            passed: variant.smoke.passed,
            seconds: variant.smoke.seconds,
            peak_memory_bytes: variant.smoke.peak_memory_bytes,
            checks: variant.smoke.checks.map((check) => ({
              kind: check.kind,
              name: check.name,
              status: check.status,
              seconds: check.seconds,
              ...(check.first_prediction_seconds === undefined
                ? {}
                : { first_prediction_seconds: check.first_prediction_seconds }),
              ...(check.platform ? { platform: check.platform } : {}),
            })),
            serve: variant.smoke.serve ?? null,
          }
        : null,
      server: variant.plan.server
        ? {
            kind: variant.plan.server.kind,
            command: variant.plan.server.command,
            port: variant.plan.server.port,
            tested: variant.plan.server.test,
          }
        : null,
      size: variant.size ? sizeMetadata(variant.size) : null,
      pushed: variant.publish?.pushed ?? [],
    })),
    notes: report.notes,
    error: report.error ? { phase: report.error.phase, message: report.error.located } : null,
  };
}

/** The size report, compact: instructions cut short; a part that could not be measured is null. */
function sizeMetadata(size: SizeReport) {
  return {
    bytes: size.bytes,
    limit: size.limit,
    layers:
      size.layers?.layers.map((layer) => ({
        bytes: layer.bytes,
        createdBy: excerpt(layer.createdBy, 120),
      })) ?? null,
    packages:
      size.contents?.packages.map((pkg) => ({ name: pkg.name, version: pkg.version, bytes: pkg.bytes })) ??
      null,
    findings:
      size.contents?.findings.map((finding) => ({
        kind: finding.kind,
        paths: finding.paths,
        bytes: finding.bytes,
        ...(finding.count === undefined ? {} : { count: finding.count }),
      })) ?? null,
  };
}

/**
 * The image's digest as the registry serves it once pushed (the classic store makes that manifest
 * at push time), else as built; null before the build.
 */
export function servedDigest(variant: VariantReport): string | null {
  return variant.publish?.digest ?? variant.build?.digest ?? null;
}

/**
 * The image manifest every build of this commit has: read from the tested archive, or from the
 * registry once pushed; null when the build is not reproducible or the digest was not read.
 */
export function reproducibleManifest(variant: VariantReport): string | null {
  if (!variant.build?.reproducible) return null;
  return variant.build.manifestDigest ?? variant.publish?.manifestDigest ?? null;
}
