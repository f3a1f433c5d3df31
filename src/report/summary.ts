import type { DetectedServer } from '../detect/server.js';
import { describeBuilder } from '../image/builder.js';
import type { BuildResult } from '../image/index.js';
import type { SizeReport } from '../size/index.js';
import { describeFinding } from '../size/text.js';
import { formatBytes as bytes } from '../size/units.js';
import type { ServeReport } from '../smoke/serve.js';
import { excerpt, oneLine } from '../text.js';
import { reproducibleManifest, servedDigest } from './outputs.js';
import type { RunReport, VariantReport } from './run-report.js';

/** A job summary a person reads instead of the log: what was found and why, what was built, tested and pushed. */
export function summaryMarkdown(report: RunReport): string {
  const lines: string[] = [];
  const status = report.error ? `❌ failed in ${report.error.phase}` : '✅ passed';
  lines.push(`## ml-container: ${status}`, '');
  if (report.error) {
    lines.push(`> **${inline(report.error.located)}**`, '');
    if (report.error.detail)
      lines.push('<details><summary>Output</summary>', '', fence(report.error.detail), '</details>', '');
  }
  const { spec } = report;
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
    lines.push(row('Accelerator', spec.accelerator, 'frameworks and CUDA hints found'));
    if (spec.cuda) lines.push(row('CUDA', spec.cuda.version, spec.cuda.source));
    for (const model of spec.models)
      lines.push(row('Model', `${model.path} (${model.format}, ${bytes(model.bytes)})`, model.path));
    if (spec.entrypoint) lines.push(row('Entry point', spec.entrypoint.path, spec.entrypoint.source));
    if (spec.server) lines.push(row('Server', ...serverRow(spec.server)));
    for (const warning of spec.warnings) lines.push(row('⚠️ Warning', warning.message, warning.source ?? ''));
    lines.push('');
  }
  if (report.builder) lines.push(`Builder: ${inline(describeBuilder(report.builder))}.`, '');
  for (const note of report.notes) lines.push(`> ${inline(note)}`, '');
  for (const variant of report.variants) lines.push(...variantSection(variant, report.variants.length > 1));
  return lines.join('\n');
}

/** What serves the project and where that was read, for the Detected table. */
function serverRow(server: DetectedServer): [string, string] {
  const { how, app } = server;
  const started =
    how.by === 'runner'
      ? `${app?.kind ?? how.runner} app ${app?.target ?? ''}, run with ${how.runner}`
      : how.by === 'procfile'
        ? `the Procfile's web process${app ? ` (${app.kind} app ${app.target})` : ''}`
        : `console script ${how.script}${app ? ` (${app.kind} app ${app.target})` : ''}`;
  const health = server.health ? `; health route ${server.health.path} (${server.health.source})` : '';
  return [`${started}${health}`, how.by === 'runner' ? (app?.source ?? '') : how.source];
}

function row(...cells: string[]): string {
  return `| ${cells.map(inline).join(' | ')} |`;
}

/**
 * Repository or container text inside a line of Markdown (a table cell, a quote): one line, so it
 * starts no block of its own (a heading, a fence); a `|` that ends no cell; no HTML, autolink, link
 * or image. Entities rather than backslashes, which a backslash in the text could cancel.
 */
function inline(text: string): string {
  return oneLine(text).replace(/[|<[\]]/g, (char) => `&#${char.codePointAt(0)};`);
}

/**
 * Text as inline code: between backticks longer than any run inside it (CommonMark), padded where
 * it starts or ends with one. Entities are literal in code, so a table cell's `|` is escaped `\|`,
 * which GFM removes again; GFM pairs backslashes first, so a `|` after an odd run of them is
 * already escaped and one after an even run needs one more.
 */
function code(text: string, inTable: boolean): string {
  const content = inTable
    ? oneLine(text).replace(
        /(\\*)\|/g,
        (_, slashes: string) => `${slashes}${slashes.length % 2 ? '' : '\\'}|`,
      )
    : oneLine(text);
  const ticks = '`'.repeat(longestRun(content, '`') + 1);
  const pad = /^[` ]|[` ]$/.test(content) && content.trim() !== '' ? ' ' : '';
  return `${ticks}${pad}${content}${pad}${ticks}`;
}

/** A fenced block that no line of `text` can close: its fence is longer than any backtick run inside. */
function fence(text: string, language = ''): string {
  const ticks = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  return `${ticks}${language}\n${text.trimEnd()}\n${ticks}`;
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const each of text) {
    run = each === char ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

function variantSection(variant: VariantReport, several: boolean): string[] {
  const lines: string[] = [];
  const title = several ? ` — ${variant.plan.variant}` : '';
  const { plan } = variant;
  lines.push(`### Plan${title}`, '', '| Decision | Choice | Why |', '| --- | --- | --- |');
  for (const decision of plan.decisions) lines.push(row(decision.topic, decision.choice, decision.why));
  if (plan.base)
    lines.push(row('base digest', plan.base.digest ?? 'unresolved', 'read from the registry at plan time'));
  if (variant.lock) {
    lines.push(
      row(
        'lock',
        `${variant.lock.packages.length} packages, sha256 ${variant.lock.sha256.slice(0, 12)}…`,
        'requirements.lock',
      ),
    );
  }
  lines.push('');
  if (variant.build) {
    lines.push(`### Image${title}`, '', '| | |', '| --- | --- |');
    lines.push(`| Digest | \`${servedDigest(variant)}\` |`);
    if (variant.publish?.digest && variant.publish.digest !== variant.build.digest) {
      lines.push(
        `| Tested image ID | \`${variant.build.imageId ?? variant.build.digest}\` (the registry's manifest holds it) |`,
      );
    }
    lines.push(`| Builder route | ${routeLine(variant.build)} |`);
    lines.push(`| Image manifest | ${manifestLine(variant)} |`);
    // What `docker image inspect` says: compressed on the containerd store; the Size section adds the layers up.
    lines.push(
      `| Size in the image store | ${variant.build.sizeBytes === null ? 'unknown' : bytes(variant.build.sizeBytes)} |`,
    );
    lines.push(`| Build time | ${variant.build.seconds.toFixed(1)} s |`);
    lines.push(`| Provenance | ${variant.build.provenance ? 'SLSA provenance, mode=max' : 'none'} |`);
    lines.push(
      `| SBOM | ${variant.build.sbom ? 'SPDX, attached as an attestation' : 'none (see the notes)'} |`,
    );
    lines.push(
      `| Tags | ${(variant.tags?.tags ?? []).map((tag) => code(tag, true)).join('<br>')} (${inline(variant.tags?.why ?? '')}) |`,
      '',
    );
    for (const note of variant.build.notes) lines.push(`> ${inline(note)}`, '');
  }
  if (variant.smoke) {
    lines.push(
      `### Smoke test${title} (offline, non-root, read-only)`,
      '',
      '| Check | Result | Time | Detail |',
      '| --- | --- | --- | --- |',
    );
    for (const check of variant.smoke.checks) {
      const icon = { passed: '✅', failed: '❌', skipped: '⏭️' }[check.status];
      const detail = check.error ?? check.reason ?? check.version ?? check.prediction ?? check.detail ?? '';
      const time =
        check.first_prediction_seconds === undefined
          ? `${check.seconds.toFixed(3)} s`
          : `${check.seconds.toFixed(3)} s (predict ${check.first_prediction_seconds.toFixed(4)} s)`;
      lines.push(
        `| ${check.platform ? `${inline(check.platform)} ` : ''}${check.kind} ${code(check.name, true)} | ${icon} ${check.status} | ${time} | ${inline(detail)} |`,
      );
    }
    lines.push(
      '',
      `Peak memory ${bytes(variant.smoke.peak_memory_bytes)}, total ${variant.smoke.seconds.toFixed(1)} s, Python ${inline(variant.smoke.python)}.`,
      '',
    );
  }
  if (variant.smoke?.serve) lines.push(...serveSection(variant.smoke.serve, title));
  if (variant.size) lines.push(...sizeSection(variant.size, title));
  if (variant.publish) {
    lines.push(`### Publish${title}`, '');
    lines.push(
      variant.publish.pushed.length > 0
        ? `Pushed ${variant.publish.pushed.map((tag) => code(tag, false)).join(', ')}.`
        : variant.publish.push
          ? 'Nothing pushed: the push failed (see the error above) before any tag was confirmed.'
          : `Nothing pushed: ${inline(variant.publish.why)}.`,
      '',
    );
  }
  if (variant.dockerfile) {
    lines.push(
      `<details><summary>${plan.dockerfile.kind === 'project' ? `${inline(plan.dockerfile.path)} (the project's Dockerfile, input 'file')` : 'Dockerfile (generated)'}${title}</summary>`,
      '',
      fence(variant.dockerfile, 'dockerfile'),
      '</details>',
      '',
    );
  }
  return lines;
}

/** The serve test at a glance: what ran, on which port, how soon it answered, what each probe got. */
function serveSection(serve: ServeReport, title: string): string[] {
  const answered =
    serve.first_answer_seconds === null
      ? 'never answered'
      : `first answer after ${serve.first_answer_seconds.toFixed(1)} s`;
  return [
    `### Serve test${title} (the image's own command, offline)`,
    '',
    '| | |',
    '| --- | --- |',
    `| Command | ${inline(serve.command)} (${inline(serve.kind ?? 'framework not detected')}) |`,
    `| Port | ${serve.port}${serve.platform ? ` (${inline(serve.platform)})` : ''} |`,
    `| Started | ${answered} |`,
    ...serve.probes.map(
      (probe) =>
        `| ${code(`${probe.method} ${probe.path}`, true)} | ${probe.passed ? '✅' : '❌'} ${probe.status ?? 'no answer'} in ${probe.seconds.toFixed(3)} s |`,
    ),
    '',
  ];
}

/** What the image takes and where: its layers, its largest packages, and what looks heavy and unneeded. */
function sizeSection(size: SizeReport, title: string): string[] {
  const total =
    size.bytes === null
      ? 'Image size unknown (its layers could not be read)'
      : `Image ${bytes(size.bytes)} uncompressed (its layers added up)`;
  const limit =
    size.limit === null
      ? ''
      : size.bytes !== null && size.bytes <= size.limit
        ? `, within input 'max-image-size' (${bytes(size.limit)})`
        : `, **over input 'max-image-size' (${bytes(size.limit)})**`;
  const lines = [`### Size${title}`, '', `${total}${limit}.`, ''];
  const { layers, contents } = size;
  if (layers) {
    lines.push('| Layer | Size | Made by |', '| ---: | ---: | --- |');
    layers.layers.forEach((layer, index) => {
      const made = layer.createdBy ? code(excerpt(layer.createdBy, 100), true) : 'no instruction recorded';
      lines.push(`| ${index + 1} | ${bytes(layer.bytes)} | ${made} |`);
    });
    lines.push('');
    if (layers.emptyLayers > 0)
      lines.push(
        `${layers.emptyLayers} ${layers.emptyLayers === 1 ? 'step' : 'steps'} that wrote no files (ENV, CMD, USER…) left out.`,
        '',
      );
  } else lines.push('Layers: not measured (see the warning in the log).', '');
  if (contents) {
    if (contents.packages.length === 0) lines.push('No installed Python package lists its files.', '');
    else {
      lines.push(
        `Largest ${contents.packages.length} of ${contents.packageCount} installed packages:`,
        '',
        '| Package | Version | Size |',
        '| --- | --- | ---: |',
      );
      for (const pkg of contents.packages) lines.push(row(pkg.name, pkg.version, bytes(pkg.bytes ?? 0)));
      lines.push('');
    }
    if (contents.findings.length === 0)
      lines.push('Findings: no duplicated heavy file, stray CUDA library, test data or bytecode.', '');
    else {
      lines.push('Findings (what could go):', '');
      for (const finding of contents.findings)
        lines.push(`- ${bytes(finding.bytes)}: ${describeFinding(finding, (path) => code(path, false))}`);
      lines.push('');
    }
    if (contents.unreadable > 0)
      lines.push(
        `${contents.unreadable} ${contents.unreadable === 1 ? 'folder' : 'folders'} the image's user may not read left out.`,
        '',
      );
  } else lines.push('Packages and files: not measured (see the warning in the log).', '');
  return lines;
}

/** How the image went from the builder to the smoke test and the registry, as the README's driver table says. */
function routeLine(build: BuildResult): string {
  if (build.route === 'archive') {
    return 'an OCI archive loaded for the smoke test; pushed by exporting the same build again, checked against the tested manifests';
  }
  return build.pushCheck === 'config'
    ? "the engine's classic image store: pushed from it, checked by the tested image ID"
    : "the engine's containerd image store: pushed from it, checked by the built index digest";
}

function manifestLine(variant: VariantReport): string {
  const manifest = reproducibleManifest(variant);
  if (manifest)
    return `\`${manifest}\` — the same for every build of this commit (SOURCE_DATE_EPOCH, file times set as each layer is built)`;
  if (variant.build?.reproducible)
    return 'reproducible from the commit time; its digest is read from the registry when the image is pushed';
  return 'not reproducible: no commit time, or a builder that cannot keep the layers as built (see the notes)';
}
