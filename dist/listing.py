"""What the size report needs from inside the built image, run by ml-container-action after the smoke test.

Run as `python -I -S -c <this file> <request json>` with the smoke test's confinement: no network, a
read-only root, the image's own user, the standard library only, and no code of the image's
packages imported. It walks the root filesystem (the container's own mounts, /proc, /sys, /dev,
/tmp, are other filesystems and left out), counts each file once however many hard links it has,
and prints one JSON line after MARKER (src/size/listing.ts reads it):
- files: regular files of at least listMinBytes, and any whose name matches alwaysList (CUDA's
  libraries), with a sha256 for those of at least hashMinBytes whose size another file shares;
- packages: each distribution in a site-packages or dist-packages folder, sized by its RECORD;
- tests: the outermost test/ or tests/ folder of each package there, with its total;
- pycache: the total of every __pycache__ folder, and how many there are;
- unreadable: folders the image's user could not list.
"""
import csv
import hashlib
import json
import os
import re
import stat
import sys

MARKER = "ML_CONTAINER_SIZE_LISTING "
CHUNK = 1 << 20
PACKAGE_FOLDERS = ("site-packages", "dist-packages")
TEST_FOLDERS = ("test", "tests")


def main():
    request = json.loads(sys.argv[1])
    root = request["root"]
    always = re.compile(request["alwaysList"])
    device = os.lstat(root).st_dev
    seen = set()
    candidates = []
    dist_infos = []
    tests = {}
    pycache = [0, 0]
    unreadable = 0
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            # Sorted, so the same image gives the same listing (which hard link of a file is named).
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            unreadable += 1
            continue
        parts = folder.split("/")
        in_pycache = "__pycache__" in parts
        test_dir = test_folder(parts)
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if info.st_dev != device:
                continue
            if stat.S_ISDIR(info.st_mode):
                folders.append(entry.path)
                if entry.name == "__pycache__":
                    pycache[1] += 1
                if entry.name.endswith((".dist-info", ".egg-info")) and parts[-1] in PACKAGE_FOLDERS:
                    dist_infos.append(entry.path)
                continue
            if not stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            size = info.st_size
            if in_pycache:
                pycache[0] += size
            if test_dir is not None:
                tests[test_dir] = tests.get(test_dir, 0) + size
            if size >= request["listMinBytes"] or always.search(entry.name):
                candidates.append([entry.path, size, None])
    hash_duplicates(candidates, request["hashMinBytes"])
    candidates.sort(key=lambda row: (-row[1], row[0]))
    result = {
        "files": candidates,
        "packages": [package(path) for path in sorted(dist_infos)],
        "tests": sorted(([path, size] for path, size in tests.items()), key=lambda row: -row[1]),
        "pycache": pycache,
        "unreadable": unreadable,
    }
    sys.stdout.write(MARKER + json.dumps(result) + "\n")


def test_folder(parts):
    """The outermost test/ or tests/ folder below a package folder that `parts` lie in, or None."""
    for index, part in enumerate(parts):
        if part in PACKAGE_FOLDERS:
            for inner in range(index + 1, len(parts)):
                if parts[inner] in TEST_FOLDERS:
                    return "/".join(parts[: inner + 1])
            return None
    return None


def hash_duplicates(candidates, least):
    """A sha256 for each file of at least `least` bytes that shares its size, then its first MiB, with another."""
    by_size = {}
    for row in candidates:
        if row[1] >= least:
            by_size.setdefault(row[1], []).append(row)
    for rows in by_size.values():
        if len(rows) < 2:
            continue
        by_prefix = {}
        for row in rows:
            by_prefix.setdefault(digest(row[0], CHUNK), []).append(row)
        for prefix, same in by_prefix.items():
            if prefix is None or len(same) < 2:
                continue
            for row in same:
                row[2] = digest(row[0], None)


def digest(path, limit):
    """The sha256 of the file, or of its first `limit` bytes; None when it cannot be read."""
    sha = hashlib.sha256()
    read = 0
    try:
        with open(path, "rb") as handle:
            while limit is None or read < limit:
                chunk = handle.read(CHUNK)
                if not chunk:
                    break
                sha.update(chunk)
                read += len(chunk)
    except OSError:
        return None
    return sha.hexdigest()


def package(path):
    """[name, version, bytes] of one .dist-info or .egg-info folder; bytes None when it lists no files."""
    site = os.path.dirname(path)
    headers = read_headers(os.path.join(path, "METADATA")) or read_headers(os.path.join(path, "PKG-INFO"))
    stem = os.path.basename(path).rsplit(".", 1)[0]
    name, _, version = stem.partition("-")
    listed = None
    try:
        with open(os.path.join(path, "RECORD"), newline="", encoding="utf-8") as handle:
            listed = [os.path.join(site, row[0]) for row in csv.reader(handle) if row]
    except (OSError, ValueError, csv.Error):
        try:
            with open(os.path.join(path, "installed-files.txt"), encoding="utf-8") as handle:
                listed = [os.path.join(path, line.strip()) for line in handle if line.strip()]
        except (OSError, ValueError):
            pass
    size = None
    if listed is not None:
        size = 0
        counted = set()
        for file in listed:
            try:
                info = os.lstat(os.path.normpath(file))
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode) and (info.st_dev, info.st_ino) not in counted:
                counted.add((info.st_dev, info.st_ino))
                size += info.st_size
    return [headers.get("name", name), headers.get("version", version), size]


def read_headers(path):
    """Name and Version from a METADATA or PKG-INFO file's headers; {} when it cannot be read."""
    found = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if not line.strip():
                    break
                key, _, value = line.partition(":")
                if key.lower() in ("name", "version") and key.lower() not in found:
                    found[key.lower()] = value.strip()
    except OSError:
        return {}
    return found


main()
