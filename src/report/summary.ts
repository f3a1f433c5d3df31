import type { RunReport } from '../pipeline.js';

/** A job summary a person reads instead of the log: what was found and why, what was built, tested and pushed. */
export function summaryMarkdown(report: RunReport): string {
  const lines: string[] = [];
  const status = report.error ? `❌ failed in ${report.error.phase}` : '✅ passed';
  lines.push(`## ml-container: ${status}`, '');
  if (report.error) {
    lines.push(`> **${escapeCell(report.error.located)}**`, '');
    if (report.error.detail)
      lines.push('<details><summary>Output</summary>', '', fence(report.error.detail), '</details>', '');
  }
  const { spec, plan } = report;
  if (spec) {
    lines.push('### Detected', '', '| What | Value | Source |', '| --- | --- | --- |');
    lines.push(row('Python', spec.python.version, spec.python.source));
    lines.push(
      row(
        'Dependencies',
        `${spec.dependencies.format} (${spec.dependencies.files.join(', ')})`,
        spec.dependencies.files[0] ?? '',
      ),
    );
    for (const framework of spec.frameworks)
      lines.push(row(framework.name, framework.spec || 'any', framework.source));
    lines.push(row('Accelerator', spec.accelerator, 'frameworks found'));
    for (const model of spec.models)
      lines.push(row('Model', `${model.path} (${model.format}, ${bytes(model.bytes)})`, model.path));
    if (spec.entrypoint) lines.push(row('Entry point', spec.entrypoint.path, spec.entrypoint.source));
    for (const warning of spec.warnings) lines.push(row('⚠️ Warning', warning.message, warning.source ?? ''));
    lines.push('');
  }
  if (plan) {
    lines.push('### Plan', '', '| Decision | Choice | Why |', '| --- | --- | --- |');
    for (const decision of plan.decisions) lines.push(row(decision.topic, decision.choice, decision.why));
    lines.push(row('base digest', plan.base.digest ?? 'unresolved', 'read from the registry at plan time'));
    if (report.lock)
      lines.push(
        row(
          'lock',
          `${report.lock.packages.length} packages, sha256 ${report.lock.sha256.slice(0, 12)}…`,
          'requirements.lock',
        ),
      );
    lines.push('');
  }
  if (report.build) {
    lines.push('### Image', '', '| | |', '| --- | --- |');
    lines.push(`| Digest | \`${report.build.digest}\` |`);
    lines.push(`| Size | ${report.build.sizeBytes === null ? 'unknown' : bytes(report.build.sizeBytes)} |`);
    lines.push(`| Build time | ${report.build.seconds.toFixed(1)} s |`);
    lines.push(`| Provenance | ${report.build.provenance ? 'SLSA provenance, mode=max' : 'none'} |`);
    lines.push(
      `| Tags | ${(report.tags?.tags ?? []).map((tag) => `\`${tag}\``).join('<br>')} (${report.tags?.why ?? ''}) |`,
      '',
    );
  }
  for (const note of report.notes) lines.push(`> ${note}`, '');
  if (report.smoke) {
    lines.push(
      '### Smoke test (offline, non-root, read-only)',
      '',
      '| Check | Result | Time | Detail |',
      '| --- | --- | --- | --- |',
    );
    for (const check of report.smoke.checks) {
      const icon = { passed: '✅', failed: '❌', skipped: '⏭️' }[check.status];
      const detail = check.error ?? check.reason ?? check.version ?? check.prediction ?? '';
      const time =
        check.first_prediction_seconds === undefined
          ? `${check.seconds.toFixed(3)} s`
          : `${check.seconds.toFixed(3)} s (predict ${check.first_prediction_seconds.toFixed(4)} s)`;
      lines.push(
        `| ${check.kind} \`${escapeCell(check.name)}\` | ${icon} ${check.status} | ${time} | ${escapeCell(detail)} |`,
      );
    }
    lines.push(
      '',
      `Peak memory ${bytes(report.smoke.peak_memory_bytes)}, total ${report.smoke.seconds.toFixed(1)} s, Python ${report.smoke.python}.`,
      '',
    );
  }
  if (report.publish) {
    lines.push('### Publish', '');
    lines.push(
      report.publish.pushed.length > 0
        ? `Pushed ${report.publish.pushed.map((tag) => `\`${tag}\``).join(', ')}.`
        : `Nothing pushed: ${report.publish.why}.`,
      '',
    );
  }
  if (report.dockerfile) {
    lines.push(
      '<details><summary>Dockerfile</summary>',
      '',
      fence(report.dockerfile, 'dockerfile'),
      '</details>',
      '',
    );
  }
  return lines.join('\n');
}

function row(...cells: string[]): string {
  return `| ${cells.map(escapeCell).join(' | ')} |`;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function fence(text: string, language = ''): string {
  return `\`\`\`${language}\n${text.trimEnd()}\n\`\`\``;
}

export function bytes(count: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
