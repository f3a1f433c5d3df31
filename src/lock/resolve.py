"""Resolves a requirements file inside the target base image and prints pip's installation report.

Run by ml-container-action as `python3 -c <this file> <json>`: resolving inside the pinned base image
gives the lock the base's own Python version and platform. pip runs from a throwaway venv so the base
needs no pip of its own; the report lists every wheel with the sha256 the index published.
"""
import json
import os
import subprocess
import sys
import tempfile
import venv

MARKER = "ML_CONTAINER_RESOLVE_REPORT "

request = json.loads(sys.argv[1])


def requirements_file():
    """The project's requirements file, or the lines read from another manifest, written out for pip."""
    if request.get("lines") is None:
        return request["requirements"]
    path = os.path.join(tempfile.mkdtemp(prefix="ml-container-lines-"), "requirements.txt")
    with open(path, "w") as handle:
        handle.write("\n".join(request["lines"]) + "\n")
    return path


env_dir = tempfile.mkdtemp(prefix="ml-container-resolve-")
venv.create(env_dir, with_pip=True)
command = [
    os.path.join(env_dir, "bin", "python"), "-m", "pip", "install",
    "--dry-run", "--ignore-installed", "--quiet", "--no-input", "--disable-pip-version-check",
    "--report", "-", "-r", requirements_file(),
]
if request.get("indexUrl"):
    command[4:4] = ["--index-url", request["indexUrl"]]
completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
sys.stderr.write(completed.stderr)
if completed.returncode != 0:
    sys.exit(completed.returncode)
report = json.loads(completed.stdout)
print(MARKER + json.dumps({"install": report["install"], "environment": report["environment"]}))
