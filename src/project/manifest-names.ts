/** The files that make a folder a project (docs/detection.md, "Projects"). */
export const MANIFEST_FILES = [
  'cog.yaml',
  'pylock.toml',
  'requirements.txt',
  'pyproject.toml',
  'Pipfile',
  'environment.yml',
  'environment.yaml',
  'setup.cfg',
  'setup.py',
];

/** The lockfiles that only ever come with their manifest, and that manifest's name. */
export const LOCK_MANIFESTS: Readonly<Record<string, string>> = {
  'uv.lock': 'pyproject.toml',
  'poetry.lock': 'pyproject.toml',
  'pdm.lock': 'pyproject.toml',
  'Pipfile.lock': 'Pipfile',
};
