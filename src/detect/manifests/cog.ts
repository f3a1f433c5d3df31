import { UserError } from '../../errors.js';
import { asRecord, type YamlFile } from '../../project/parse.js';
import { resolveInRepository } from '../../project/paths.js';
import type { RepoReader } from '../../project/reader.js';
import { parseRequirementsFile } from '../../python/requirements.js';
import { formatSource, type SourceRef } from '../../source.js';
import { quoted } from '../../text.js';
import { DEBIAN_PACKAGE_NAME } from '../debian-package.js';
import { emptyManifest, type Manifest } from '../manifest.js';
import { checkPathText } from '../path-text.js';
import { lineText, loadYaml, readPipItem } from './conda.js';

/**
 * Reads replicate/cog's `cog.yaml`: `build.python_version`, `gpu`, `cuda`, `python_packages`,
 * the `python_requirements` file, `system_packages` (apt packages) and `predict` (the entry
 * point). `run` commands are refused (refuseRun), never dropped: an image built without them
 * would pass for the one cog builds.
 */
export function readCog(reader: RepoReader, path: string): Manifest {
  const yaml = loadYaml(reader, path);
  const manifest = emptyManifest('cog', path);
  if (yaml.data === null || yaml.data === undefined) return manifest;
  const top = asRecord(yaml.data);
  if (!top) {
    throw new UserError('cog.yaml is a mapping with `build` and `predict` keys', 'detect', {
      file: path,
      line: yaml.lineOf([]) ?? 1,
    });
  }
  const where = (keys: readonly (string | number)[]): SourceRef => {
    const line = yaml.lineOf(keys);
    return line === undefined ? { file: path } : { file: path, line };
  };

  const build = top.build ?? null;
  if (build !== null && !asRecord(build)) {
    throw new UserError('`build` must be a mapping', 'detect', where(['build']));
  }
  const options = asRecord(build) ?? {};

  refuseRun(options.run ?? null, where);

  const python = options.python_version ?? null;
  if (python !== null) {
    const source = where(['build', 'python_version']);
    const text = scalarText(yaml, source, 'python_version', python);
    if (text === null || !/^3\.\d{1,2}(?:\.\d+)?$/.test(text)) {
      throw new UserError("`python_version` must be a version like '3.11' or '3.11.4'", 'detect', source);
    }
    manifest.python.push({ kind: 'exact', text, source });
  }

  const gpu = options.gpu ?? null;
  if (gpu !== null && typeof gpu !== 'boolean') {
    throw new UserError('`gpu` must be true or false', 'detect', where(['build', 'gpu']));
  }
  if (gpu === true) manifest.gpu = where(['build', 'gpu']);

  const cuda = options.cuda ?? null;
  if (cuda !== null) {
    const source = where(['build', 'cuda']);
    const text = scalarText(yaml, source, 'cuda', cuda);
    if (text === null || !/^\d+(?:\.\d+){0,2}$/.test(text)) {
      throw new UserError("`cuda` must be a version like '12.1' or '11.8.0'", 'detect', source);
    }
    manifest.cuda.push({ version: text.split('.').slice(0, 2).join('.'), what: 'cog cuda', source });
    if (gpu !== true) {
      manifest.warnings.push({
        message:
          '`cuda` is set but `gpu` is not true: cog builds a CPU image then; the CUDA version is used here',
        source: formatSource(source),
      });
    }
  }

  const packages = options.python_packages ?? null;
  if (packages !== null) {
    if (!Array.isArray(packages)) {
      throw new UserError(
        '`python_packages` must be a list of requirement strings',
        'detect',
        where(['build', 'python_packages']),
      );
    }
    packages.forEach((item: unknown, index) => {
      const source = where(['build', 'python_packages', index]);
      if (typeof item !== 'string') {
        throw new UserError('each `python_packages` item must be a requirement string', 'detect', source);
      }
      readPipItem(reader, manifest, item, source, lineText(yaml.text, source.line));
    });
  }

  const system = options.system_packages ?? null;
  if (system !== null) {
    if (!Array.isArray(system)) {
      throw new UserError(
        '`system_packages` must be a list of apt package names',
        'detect',
        where(['build', 'system_packages']),
      );
    }
    system.forEach((item: unknown, index) => {
      const source = where(['build', 'system_packages', index]);
      if (typeof item !== 'string' || !DEBIAN_PACKAGE_NAME.test(item.trim())) {
        throw new UserError(
          `\`system_packages\` item ${typeof item === 'string' ? quoted(item) : JSON.stringify(item)} is not a Debian package name (lowercase letters, digits, + - .)`,
          'detect',
          source,
        );
      }
      manifest.systemPackages.push({ name: item.trim(), source });
    });
  }

  const requirements = options.python_requirements ?? null;
  if (requirements !== null) {
    const source = where(['build', 'python_requirements']);
    if (typeof requirements !== 'string' || !requirements.trim()) {
      throw new UserError('`python_requirements` must be the path of a requirements file', 'detect', source);
    }
    const written = checkPathText(requirements.trim(), '`python_requirements`', source);
    const file = resolveInRepository(path, written, source);
    if (reader.readText(file) === null) throw new UserError(`cannot read '${file}'`, 'detect', source);
    const read = parseRequirementsFile(reader, file);
    manifest.requirements.push(...read.requirements);
    for (const name of read.files) if (!manifest.files.includes(name)) manifest.files.push(name);
    if (read.indexUrl)
      manifest.indexes.push({ url: read.indexUrl.url, name: null, source: read.indexUrl.source });
    for (const extra of read.extraIndexUrls)
      manifest.indexes.push({ url: extra.url, name: null, source: extra.source, extra: true });
    for (const link of read.findLinks) {
      manifest.warnings.push({
        message: `--find-links ${link.url} is not used; name an index instead`,
        source: formatSource(link.source),
      });
    }
    if (packages !== null) {
      manifest.warnings.push({
        message:
          'cog.yaml sets both `python_packages` and `python_requirements` (cog allows one); both are used',
        source: formatSource(source),
      });
    }
  }

  const predict = top.predict ?? null;
  if (predict !== null) {
    const source = where(['predict']);
    const target = typeof predict === 'string' ? predict.trim() : '';
    const file = target.split(':')[0]?.trim() ?? '';
    if (!file) {
      throw new UserError("`predict` must name the predictor like 'predict.py:Predictor'", 'detect', source);
    }
    manifest.entrypoint = {
      path: resolveInRepository(path, checkPathText(file, '`predict`', source), source),
      source,
    };
  }
  return manifest;
}

/**
 * cog's `build.run`: shell commands, each a string or `{command, mounts}` (cog docs/yaml.md), run as
 * root in the image. A pull request's cog.yaml chooses every byte of them, and they could fetch
 * anything unpinned, so the generated Dockerfile carries none over: any item is refused at its line,
 * naming the ways that remain. An empty list asks for nothing.
 */
function refuseRun(run: unknown, where: (keys: readonly (string | number)[]) => SourceRef): void {
  if (run === null || (Array.isArray(run) && run.length === 0)) return;
  const item: unknown = Array.isArray(run) ? run[0] : run;
  const command = typeof item === 'string' ? item : asRecord(item)?.command;
  const shown = typeof command === 'string' ? ` (${quoted(command.trim())})` : '';
  throw new UserError(
    `\`run\` commands${shown} are not carried over: the generated Dockerfile runs no shell command of the project's. Name apt packages in \`system_packages\` or input 'system-packages', or build your own Dockerfile with input 'file'`,
    'detect',
    Array.isArray(run) ? where(['build', 'run', 0]) : where(['build', 'run']),
  );
}

/**
 * A scalar as written. cog (Go) reads `python_version: 3.10` as the text "3.10"; YAML-in-JS
 * reads the number 3.1, so an unquoted number is taken from the line itself.
 */
function scalarText(yaml: YamlFile, source: SourceRef, key: string, value: unknown): string | null {
  if (typeof value === 'string') return value.trim();
  if (typeof value !== 'number') return null;
  const line = lineText(yaml.text, source.line) ?? '';
  const written =
    new RegExp(`(?:^|[\\s{,])${key}\\s*:\\s*([0-9][0-9.]*)`).exec(line)?.[1] ??
    /^\s*(?:-\s*)?([0-9][0-9.]*)\s*(?:#.*)?$/.exec(line)?.[1];
  return written ?? String(value);
}
