import type { RunReport } from '../pipeline.js';

/** The action's outputs, named as in docker/build-push-action where the meaning is the same. */
export function outputs(report: RunReport): Record<string, string> {
  const tags = report.tags?.tags ?? [];
  const frameworks = (report.plan?.frameworks ?? []).map((framework) => ({
    name: framework.name,
    version: report.lock?.packages.find((pkg) => pkg.name === framework.name)?.version ?? framework.locked,
  }));
  return {
    image: tags[0] ?? '',
    digest: report.build?.digest ?? '',
    tags: tags.join('\n'),
    pushed: String((report.publish?.pushed.length ?? 0) > 0),
    variant: report.plan?.variant ?? '',
    python: report.plan?.python ?? '',
    cuda: report.spec?.cuda?.version ?? '',
    frameworks: JSON.stringify(frameworks),
    metadata: JSON.stringify(metadata(report)),
  };
}

export function metadata(report: RunReport) {
  return {
    variant: report.plan?.variant ?? null,
    base: report.plan ? { image: report.plan.base.image, digest: report.plan.base.digest } : null,
    lock: report.lock ? { sha256: report.lock.sha256, packages: report.lock.packages.length } : null,
    digest: report.build?.digest ?? null,
    size_bytes: report.build?.sizeBytes ?? null,
    provenance: report.build?.provenance ?? false,
    smoke: report.smoke
      ? {
          passed: report.smoke.passed,
          seconds: report.smoke.seconds,
          peak_memory_bytes: report.smoke.peak_memory_bytes,
          checks: report.smoke.checks.map(({ kind, name, status, seconds }) => ({
            kind,
            name,
            status,
            seconds,
          })),
        }
      : null,
    pushed: report.publish?.pushed ?? [],
    error: report.error ? { phase: report.error.phase, message: report.error.located } : null,
  };
}
