"""A BuildKit SBOM generator (docs/attestations/sbom-protocol.md in moby/buildkit) for the test bed.

BuildKit's default, docker/buildkit-syft-scanner, cannot be pulled on a machine without Docker Hub,
so the test bed builds this one: it inventories the Python distributions (*.dist-info/METADATA) and
Debian packages (var/lib/dpkg/status) of each scanned root filesystem and writes an SPDX 2.3
document inside an in-toto statement, as the protocol asks.
"""
import email.parser
import hashlib
import json
import os
import pathlib

destination = pathlib.Path(os.environ["BUILDKIT_SCAN_DESTINATION"])
source = pathlib.Path(os.environ["BUILDKIT_SCAN_SOURCE"])
extras = pathlib.Path(os.environ.get("BUILDKIT_SCAN_SOURCE_EXTRAS") or "/nonexistent")


def python_packages(root):
    for metadata in sorted(root.glob("**/site-packages/*.dist-info/METADATA")):
        fields = email.parser.Parser().parsestr(metadata.read_text(errors="replace"), headersonly=True)
        name, version = fields.get("Name"), fields.get("Version")
        if name and version:
            yield "pypi", name, version, str(metadata.parent.relative_to(root))


def debian_packages(root):
    status = root / "var/lib/dpkg/status"
    if not status.exists():
        return
    for stanza in status.read_text(errors="replace").split("\n\n"):
        fields = dict(line.split(": ", 1) for line in stanza.splitlines() if ": " in line and not line.startswith(" "))
        if fields.get("Package") and "installed" in fields.get("Status", ""):
            yield "deb", fields["Package"], fields.get("Version", ""), "var/lib/dpkg/status"


def spdx(root, name):
    packages = []
    for kind, package, version, location in [*python_packages(root), *debian_packages(root)]:
        ident = hashlib.sha256(f"{kind}/{package}@{version}".encode()).hexdigest()[:16]
        packages.append({
            "SPDXID": f"SPDXRef-Package-{kind}-{ident}",
            "name": package,
            "versionInfo": version,
            "downloadLocation": "NOASSERTION",
            "sourceInfo": f"found in {location}",
            "externalRefs": [{
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": f"pkg:{kind}/{package.lower() if kind == 'pypi' else package}@{version}",
            }],
        })
    return {
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": "https://spdx.dev/Document",
        "subject": [],
        "predicate": {
            "spdxVersion": "SPDX-2.3",
            "dataLicense": "CC0-1.0",
            "SPDXID": "SPDXRef-DOCUMENT",
            "name": name,
            "documentNamespace": f"https://ml-container.invalid/sbom/{name}-{len(packages)}",
            "creationInfo": {"creators": ["Tool: ml-container-testbed-scanner"], "created": "1970-01-01T00:00:00Z"},
            "packages": packages,
        },
    }


targets = [source] + (sorted(path for path in extras.iterdir() if path.is_dir()) if extras.is_dir() else [])
for target in targets:
    (destination / f"{target.name}.spdx.json").write_text(json.dumps(spdx(target, target.name)))
