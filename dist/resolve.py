"""Resolves a project's requirements inside the target base image and prints pip's installation report.

Run by ml-container-action as `python3 -c <this file> <json>`: resolving inside the pinned base image
gives the lock the base's own Python version and platform. pip runs from a throwaway venv so the base
needs no pip of its own; the report lists every wheel with the sha256 the index published.

pip runs the build scripts of the project's sdists here, as the same user as this script, so index
credentials (ML_CONTAINER_INDEXES) are kept out of the environment and command line of pip and of
what it runs, and out of this process's and pip's /proc files. pip itself hands its index URLs to the
pip it starts to install an sdist's build requirements, on that one's command line: a build script
still running then can read them, which only a wheels-only index avoids.
"""
import sys

# `python3 -c` puts the working directory, the project, first on sys.path: its json.py would be
# imported in place of the standard library's before anything below runs.
if sys.path and sys.path[0] in ("", "."):
    del sys.path[0]

import json
import os
import subprocess
import tempfile
import venv

MARKER = "ML_CONTAINER_RESOLVE_REPORT "
PR_SET_DUMPABLE = 4


def undumpable():
    """Closes this process's /proc/<pid>/environ, mem and fd to other processes of its user.

    Clearing an environment variable leaves the original block in /proc/<pid>/environ; a build script
    running as the same user could read it there. Best effort: a base without ctypes still resolves.
    """
    try:
        import ctypes

        zero = ctypes.c_ulong(0)
        ctypes.CDLL(None).prctl(ctypes.c_int(PR_SET_DUMPABLE), zero, zero, zero, zero)
    except (ImportError, OSError, AttributeError):
        pass


undumpable()
# Read here, then gone from the environment every child (pip, and the build scripts it runs) inherits.
PRIVATE_INDEXES = os.environ.pop("ML_CONTAINER_INDEXES", None)

# Runs pip with options read from stdin, so that index URLs with credentials are in pip's memory
# only: not on its command line (/proc/<pid>/cmdline is anyone's to read) nor in its environment,
# and, undumpable as above, not in its /proc files either.
RUN_PIP = r"""
import json, os, runpy, sys
try:
    import ctypes
    zero = ctypes.c_ulong(0)
    ctypes.CDLL(None).prctl(ctypes.c_int(4), zero, zero, zero, zero)
except (ImportError, OSError, AttributeError):
    pass
options = json.load(sys.stdin)
os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
sys.argv = ["pip", *sys.argv[1:], *options]
runpy.run_module("pip", run_name="__main__", alter_sys=True)
"""

# Run with the venv's Python, which has pip and so pip's own packaging: picks, for each torch-family
# package, the newest +cpu build on PyTorch's CPU index that the requirement allows and that
# installs on this interpreter.
SELECT_CPU_BUILDS = r'''
import base64, html, json, re, sys, urllib.parse, urllib.request
from pip._vendor.packaging.specifiers import SpecifierSet
from pip._vendor.packaging.tags import sys_tags
from pip._vendor.packaging.utils import parse_wheel_filename
request = json.loads(sys.stdin.read())
supported = set(sys_tags())
pins = []
for package in request["packages"]:
    url = request["indexUrl"].rstrip("/") + "/" + package["name"] + "/"
    # urllib takes no user:password@ in a URL: a private mirror's credentials go in a header.
    parts = urllib.parse.urlsplit(url)
    headers = {}
    if parts.username is not None:
        user = urllib.parse.unquote(parts.username) + ":" + urllib.parse.unquote(parts.password or "")
        headers["Authorization"] = "Basic " + base64.b64encode(user.encode()).decode()
        url = urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    page = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=120).read().decode()
    candidates = set()
    for href in re.findall(r'href="([^"]+)"', page):
        filename = urllib.parse.unquote(html.unescape(href).split("#")[0].rsplit("/", 1)[-1])
        if not filename.endswith(".whl"):
            continue
        name, version, _build, tags = parse_wheel_filename(filename)
        if version.local == "cpu" and supported.intersection(tags):
            candidates.add(version)
    allowed = [v for v in candidates if SpecifierSet(package["specifier"]).contains(v, prereleases=False)]
    if not allowed:
        sys.exit(f"no CPU build of {package['name']}{package['specifier']} for this Python and platform at {url}")
    pins.append(f"{package['name']}=={max(allowed)}")
print(json.dumps(pins))
'''

request = json.loads(sys.argv[1])
work = tempfile.mkdtemp(prefix="ml-container-resolve-")


def receive_project():
    """Writes the project files sent on stdin ({path: base64}) into the working folder, the empty
    project folder the resolver starts in: the Docker engine may be another machine, which sees
    none of the checkout. Paths are relative, plain and new; nothing is written through a link."""
    data = sys.stdin.buffer.read()
    if not data.strip():
        return
    import base64

    root = os.getcwd()
    for relative, content in json.loads(data).items():
        parts = relative.split("/")
        if relative.startswith("/") or any(part in ("", ".", "..") or "\0" in part for part in parts):
            sys.exit(f"refused a project path sent to the resolver: {relative!r}")
        folder = root
        for part in parts[:-1]:
            folder = os.path.join(folder, part)
            if not os.path.isdir(folder):
                os.mkdir(folder, 0o700)
            if os.path.islink(folder):
                sys.exit(f"refused a project path sent to the resolver: {relative!r}")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(os.path.join(folder, parts[-1]), flags, 0o600), "wb") as handle:
            handle.write(base64.b64decode(content))


receive_project()


def requirements_file():
    """The project's requirements file, or the lines read from another manifest, written out for pip."""
    if request.get("lines") is None:
        return request["requirements"]
    path = os.path.join(work, "requirements.txt")
    with open(path, "w") as handle:
        handle.write("\n".join(request["lines"]) + "\n")
    return path


env_dir = os.path.join(work, "venv")
venv.create(env_dir, with_pip=True)
python = os.path.join(env_dir, "bin", "python")
# -I: isolated from the working directory (the project) and from PYTHON* variables.
command = [
    python, "-I", "-c", RUN_PIP, "install",
    "--dry-run", "--ignore-installed", "--quiet", "--no-input", "--disable-pip-version-check",
    "--report", "-", "-r", requirements_file(),
]
index_options = []
indexes = json.loads(PRIVATE_INDEXES) if PRIVATE_INDEXES else request
if indexes.get("indexUrl"):
    index_options += ["--index-url", indexes["indexUrl"]]
for url in indexes.get("extraIndexUrls") or []:
    index_options += ["--extra-index-url", url]
cpu = request.get("cpuTorch")
if cpu and indexes.get("cpuTorchIndexUrl"):
    cpu = {**cpu, "indexUrl": indexes["cpuTorchIndexUrl"]}
if cpu:
    selected = subprocess.run(
        [python, "-I", "-c", SELECT_CPU_BUILDS], input=json.dumps(cpu), stdout=subprocess.PIPE, text=True
    )
    if selected.returncode != 0:
        sys.exit(selected.returncode)
    constraints = os.path.join(work, "cpu-constraints.txt")
    with open(constraints, "w") as handle:
        handle.write("\n".join(json.loads(selected.stdout)) + "\n")
    index_options += ["--extra-index-url", cpu["indexUrl"]]
    command += ["-c", constraints]
completed = subprocess.run(
    command, input=json.dumps(index_options), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
)
sys.stderr.write(completed.stderr)
if completed.returncode != 0:
    sys.exit(completed.returncode)
report = json.loads(completed.stdout)
print(MARKER + json.dumps({"install": report["install"], "environment": report["environment"]}))
