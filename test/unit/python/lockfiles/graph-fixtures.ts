// A uv.lock and a poetry.lock whose dependency edges decide what an image installs, shaped after
// real ones: uv 0.5's layout (`revision = 3`, the project as `{ editable = "." }` with
// `[package.optional-dependencies]`, `[package.dev-dependencies]` and `[package.metadata]`), and
// Poetry 1.8's lock-version 2.0 (no `groups`, no package `markers`: only the edges say that
// colorama is for Windows). The edges are those the packages publish: click, tqdm and pytest need
// colorama on Windows, portalocker needs pywin32 there, requests[socks] pulls PySocks, httpx[http2]
// pulls h2. Digests are the sha256 of the artifact's file name.
import { createHash } from 'node:crypto';

export const digest = (file: string): string => createHash('sha256').update(file).digest('hex');

const wheel = (file: string): string =>
  `wheels = [\n    { url = "https://files.pythonhosted.org/packages/${file}", hash = "sha256:${digest(file)}" },\n]`;

export const UV_PYPROJECT = `[project]
name = "ml-serve"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = [
    "click>=8.1",
    "portalocker>=2.10",
    "requests[socks]>=2.32",
    "torch>=2.5",
    "tqdm>=4.66",
]

[project.optional-dependencies]
plot = ["matplotlib>=3.9"]

[dependency-groups]
dev = ["pytest>=8.3"]
lint = ["ruff>=0.8"]

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
`;

export const UV_LOCK = `version = 1
revision = 3
requires-python = ">=3.10"

[[package]]
name = "certifi"
version = "2024.8.30"
source = { registry = "https://pypi.org/simple" }
${wheel('certifi-2024.8.30-py3-none-any.whl')}

[[package]]
name = "chardet"
version = "5.2.0"
source = { registry = "https://pypi.org/simple" }
${wheel('chardet-5.2.0-py3-none-any.whl')}

[[package]]
name = "click"
version = "8.1.7"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "colorama", marker = "sys_platform == 'win32'" },
]
${wheel('click-8.1.7-py3-none-any.whl')}

[[package]]
name = "colorama"
version = "0.4.6"
source = { registry = "https://pypi.org/simple" }
${wheel('colorama-0.4.6-py2.py3-none-any.whl')}

[[package]]
name = "exceptiongroup"
version = "1.2.2"
source = { registry = "https://pypi.org/simple" }
${wheel('exceptiongroup-1.2.2-py3-none-any.whl')}

[[package]]
name = "filelock"
version = "3.16.1"
source = { registry = "https://pypi.org/simple" }
${wheel('filelock-3.16.1-py3-none-any.whl')}

[[package]]
name = "idna"
version = "3.10"
source = { registry = "https://pypi.org/simple" }
${wheel('idna-3.10-py3-none-any.whl')}

[[package]]
name = "iniconfig"
version = "2.0.0"
source = { registry = "https://pypi.org/simple" }
${wheel('iniconfig-2.0.0-py3-none-any.whl')}

[[package]]
name = "matplotlib"
version = "3.9.2"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "pyparsing" },
]
${wheel('matplotlib-3.9.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl')}

[[package]]
name = "ml-serve"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "click" },
    { name = "portalocker" },
    { name = "requests", extra = ["socks"] },
    { name = "torch" },
    { name = "tqdm" },
]

[package.optional-dependencies]
plot = [
    { name = "matplotlib" },
]

[package.dev-dependencies]
dev = [
    { name = "pytest" },
]
lint = [
    { name = "ruff" },
]

[package.metadata]
requires-dist = [
    { name = "click", specifier = ">=8.1" },
    { name = "matplotlib", marker = "extra == 'plot'", specifier = ">=3.9" },
    { name = "portalocker", specifier = ">=2.10" },
    { name = "requests", extras = ["socks"], specifier = ">=2.32" },
    { name = "torch", specifier = ">=2.5" },
    { name = "tqdm", specifier = ">=4.66" },
]
provides-extras = ["plot"]

[package.metadata.requires-dev]
dev = [{ name = "pytest", specifier = ">=8.3" }]
lint = [{ name = "ruff", specifier = ">=0.8" }]

[[package]]
name = "nvidia-cublas-cu12"
version = "12.4.5.8"
source = { registry = "https://pypi.org/simple" }
${wheel('nvidia_cublas_cu12-12.4.5.8-py3-none-manylinux2014_x86_64.whl')}

[[package]]
name = "packaging"
version = "24.2"
source = { registry = "https://pypi.org/simple" }
${wheel('packaging-24.2-py3-none-any.whl')}

[[package]]
name = "pluggy"
version = "1.5.0"
source = { registry = "https://pypi.org/simple" }
${wheel('pluggy-1.5.0-py3-none-any.whl')}

[[package]]
name = "portalocker"
version = "2.10.1"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "pywin32", marker = "sys_platform == 'win32'" },
]
${wheel('portalocker-2.10.1-py3-none-any.whl')}

[[package]]
name = "pyparsing"
version = "3.2.0"
source = { registry = "https://pypi.org/simple" }
${wheel('pyparsing-3.2.0-py3-none-any.whl')}

[[package]]
name = "pysocks"
version = "1.7.1"
source = { registry = "https://pypi.org/simple" }
${wheel('PySocks-1.7.1-py3-none-any.whl')}

[[package]]
name = "pytest"
version = "8.3.4"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "colorama", marker = "sys_platform == 'win32'" },
    { name = "exceptiongroup", marker = "python_full_version < '3.11'" },
    { name = "iniconfig" },
    { name = "packaging" },
    { name = "pluggy" },
    { name = "tomli", marker = "python_full_version < '3.11'" },
]
${wheel('pytest-8.3.4-py3-none-any.whl')}

[[package]]
name = "pywin32"
version = "308"
source = { registry = "https://pypi.org/simple" }
${wheel('pywin32-308-cp311-cp311-win_amd64.whl')}

[[package]]
name = "requests"
version = "2.32.3"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "certifi" },
    { name = "idna" },
    { name = "urllib3" },
]
${wheel('requests-2.32.3-py3-none-any.whl')}

[package.optional-dependencies]
socks = [
    { name = "pysocks" },
]
use-chardet-on-py3 = [
    { name = "chardet" },
]

[[package]]
name = "ruff"
version = "0.8.1"
source = { registry = "https://pypi.org/simple" }
${wheel('ruff-0.8.1-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl')}

[[package]]
name = "tomli"
version = "2.2.1"
source = { registry = "https://pypi.org/simple" }
${wheel('tomli-2.2.1-py3-none-any.whl')}

[[package]]
name = "torch"
version = "2.5.1"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "filelock" },
    { name = "nvidia-cublas-cu12", marker = "platform_machine == 'x86_64' and sys_platform == 'linux'" },
]
${wheel('torch-2.5.1-cp311-cp311-manylinux1_x86_64.whl')}

[[package]]
name = "tqdm"
version = "4.67.1"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "colorama", marker = "sys_platform == 'win32'" },
]
${wheel('tqdm-4.67.1-py3-none-any.whl')}

[[package]]
name = "urllib3"
version = "2.2.3"
source = { registry = "https://pypi.org/simple" }
${wheel('urllib3-2.2.3-py3-none-any.whl')}
`;

/** What uv installs from UV_LOCK on Linux x86_64 under CPython 3.11: the project, `dev`, requests[socks]. */
export const UV_LINUX_311 = [
  'certifi',
  'click',
  'filelock',
  'idna',
  'iniconfig',
  'nvidia-cublas-cu12',
  'packaging',
  'pluggy',
  'portalocker',
  'pysocks',
  'pytest',
  'requests',
  'torch',
  'tqdm',
  'urllib3',
];

const files = (...names: string[]): string =>
  `files = [\n${names.map((file) => `    {file = "${file}", hash = "sha256:${digest(file)}"},\n`).join('')}]`;

const poetryPackage = (name: string, version: string, rest = '', optional = false): string =>
  `[[package]]
name = "${name}"
version = "${version}"
description = "${name}"
optional = ${optional}
python-versions = ">=3.8"
${files(`${name.replace(/-/g, '_')}-${version}-py3-none-any.whl`)}
${rest}`;

export const POETRY_PYPROJECT = `[tool.poetry]
name = "ml-serve"
version = "0.1.0"
description = "A model server"
authors = ["Ada <ada@example.com>"]

[tool.poetry.dependencies]
python = ">=3.10,<3.13"
click = "^8.1"
httpx = {version = "^0.27", extras = ["http2"]}
portalocker = "^2.10"
rich = {version = "^13.9", optional = true}

[tool.poetry.extras]
fancy = ["rich"]

[tool.poetry.group.dev.dependencies]
pytest = "^8.3"

[build-system]
requires = ["poetry-core"]
build-backend = "poetry.core.masonry.api"
`;

/** The same project as Poetry 2 writes it: PEP 621 `[project]`, groups still under `[tool.poetry]`. */
export const POETRY_PEP621_PYPROJECT = `[project]
name = "ml-serve"
version = "0.1.0"
requires-python = ">=3.10,<3.13"
dependencies = [
    "click (>=8.1,<9.0)",
    "httpx[http2] (>=0.27,<0.28)",
    "portalocker (>=2.10,<3.0)",
]

[project.optional-dependencies]
fancy = ["rich (>=13.9,<14.0)"]

[tool.poetry.group.dev.dependencies]
pytest = "^8.3"

[build-system]
requires = ["poetry-core>=2.0.0,<3.0.0"]
build-backend = "poetry.core.masonry.api"
`;

export const POETRY_LOCK = `# This file is automatically @generated by Poetry 1.8.4 and should not be changed by hand.

${poetryPackage(
  'anyio',
  '4.6.2',
  `
[package.dependencies]
exceptiongroup = {version = ">=1.0.2", markers = "python_version < \\"3.11\\""}
idna = ">=2.8"
sniffio = ">=1.1"
typing-extensions = {version = ">=4.1", markers = "python_version < \\"3.11\\""}

[package.extras]
trio = ["trio (>=0.26.1)"]
`,
)}
${poetryPackage('certifi', '2024.8.30')}
${poetryPackage(
  'click',
  '8.1.7',
  `
[package.dependencies]
colorama = {version = "*", markers = "platform_system == \\"Windows\\""}
`,
)}
${poetryPackage('colorama', '0.4.6')}
${poetryPackage('exceptiongroup', '1.2.2')}
${poetryPackage('h11', '0.14.0')}
${poetryPackage(
  'h2',
  '4.1.0',
  `
[package.dependencies]
hpack = ">=4.0,<5"
hyperframe = ">=6.0,<7"
`,
)}
${poetryPackage('hpack', '4.0.0')}
${poetryPackage(
  'httpcore',
  '1.0.7',
  `
[package.dependencies]
certifi = "*"
h11 = ">=0.13,<0.15"
`,
)}
${poetryPackage(
  'httpx',
  '0.27.2',
  `
[package.dependencies]
anyio = "*"
brotli = {version = "*", optional = true, markers = "platform_python_implementation == \\"CPython\\" and extra == \\"brotli\\""}
certifi = "*"
h2 = {version = ">=3,<5", optional = true, markers = "extra == \\"http2\\""}
httpcore = "==1.*"
idna = "*"
sniffio = "*"

[package.extras]
brotli = ["brotli", "brotlicffi"]
http2 = ["h2 (>=3,<5)"]
socks = ["socksio (==1.*)"]
`,
)}
${poetryPackage('hyperframe', '6.0.1')}
${poetryPackage('idna', '3.10')}
${poetryPackage('iniconfig', '2.0.0')}
${poetryPackage(
  'markdown-it-py',
  '3.0.0',
  `
[package.dependencies]
mdurl = ">=0.1,<1.0"
`,
  true,
)}
${poetryPackage('mdurl', '0.1.2', '', true)}
${poetryPackage('packaging', '24.2')}
${poetryPackage('pluggy', '1.5.0')}
${poetryPackage(
  'portalocker',
  '2.10.1',
  `
[package.dependencies]
pywin32 = {version = ">=226", markers = "platform_system == \\"Windows\\""}
`,
)}
${poetryPackage('pygments', '2.18.0', '', true)}
${poetryPackage(
  'pytest',
  '8.3.4',
  `
[package.dependencies]
colorama = {version = "*", markers = "sys_platform == \\"win32\\""}
exceptiongroup = {version = ">=1.0.0rc8", markers = "python_version < \\"3.11\\""}
iniconfig = "*"
packaging = "*"
pluggy = ">=1.5,<2"
tomli = {version = ">=1", markers = "python_version < \\"3.11\\""}
`,
)}
${poetryPackage('pywin32', '308')}
${poetryPackage(
  'rich',
  '13.9.4',
  `
[package.dependencies]
markdown-it-py = ">=2.2.0"
pygments = ">=2.13.0,<3.0.0"
typing-extensions = {version = ">=4.0.0,<5.0", markers = "python_version < \\"3.11\\""}

[package.extras]
jupyter = ["ipywidgets (>=7.5.1,<9)"]
`,
  true,
)}
${poetryPackage('sniffio', '1.3.1')}
${poetryPackage('tomli', '2.2.1')}
${poetryPackage('typing-extensions', '4.12.2')}
[metadata]
lock-version = "2.0"
python-versions = ">=3.10,<3.13"
content-hash = "5b1ee2c8d6f1b6b3c1e1b0e54f6d5f2e2a1c3b4d5e6f708192a3b4c5d6e7f809"
`;

/** What `poetry install --only main` installs from POETRY_LOCK on Linux under CPython 3.11. */
export const POETRY_LINUX_311 = [
  'anyio',
  'certifi',
  'click',
  'h11',
  'h2',
  'hpack',
  'httpcore',
  'httpx',
  'hyperframe',
  'idna',
  'portalocker',
  'sniffio',
];
