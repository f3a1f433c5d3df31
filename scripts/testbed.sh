#!/usr/bin/env bash
# The local test bed: a real Docker engine with BuildKit, a real registry and a real Python
# index, all on 127.0.0.1. Idempotent; downloads are cached so a rerun takes seconds.
#
#   scripts/testbed.sh up      start everything (default)
#   scripts/testbed.sh env     print the variables the tests read (eval "$(scripts/testbed.sh env)")
#   scripts/testbed.sh down    stop the servers (cached downloads stay)
#
# Why trixie packages: bookworm's docker.io (20.10) predates BuildKit cache export, provenance
# and rewrite-timestamp. They are unpacked under the cache, never installed system-wide.
set -euo pipefail

CACHE=${ML_CONTAINER_CACHE:-/var/cache/ml-container-testbed}
STATE=${ML_CONTAINER_STATE:-/var/lib/ml-container-testbed}
REGISTRY_ADDR=127.0.0.1:5000
INDEX_ADDR=127.0.0.1:3141
BASE_REF=$REGISTRY_ADDR/ml-container/python:3.11-bookworm
SCANNER_REF=$REGISTRY_ADDR/ml-container/sbom-scanner:1
TRIXIE_ROOT=$CACHE/trixie-root
PYPI_DIRS=(/opt/pypi /opt/pypi-more)
FIND_LINKS_DIR=/opt/wheels

log() { printf '[testbed] %s\n' "$*" >&2; }

# The Debian mirror this machine's apt already uses (deb822 .sources or one-line sources.list), so
# no host name is written here: the first `main` archive URI whose suites include this release's
# codename, security and updates suites left out.
debian_mirror() {
  local codename; codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  python3 - "$codename" /etc/apt/sources.list /etc/apt/sources.list.d/* <<'PY'
import re, sys
codename, *files = sys.argv[1:]
def found(uri, suites, components):
    return uri.startswith(("http://", "https://")) and codename in suites and "main" in components
for path in files:
    try: text = open(path, encoding="utf-8", errors="replace").read()
    except OSError: continue
    if path.endswith(".sources"):
        for stanza in re.split(r"\n\s*\n", text):
            fields = {}
            for line in stanza.splitlines():
                if line.startswith("#") or ":" not in line or line[:1].isspace(): continue
                key, value = line.split(":", 1)
                fields[key.strip().lower()] = value.split()
            if "deb" not in fields.get("types", []): continue
            if (fields.get("enabled") or ["yes"])[0].lower() in ("no", "false", "0"): continue
            for uri in fields.get("uris", []):
                if found(uri, fields.get("suites", []), fields.get("components", [])):
                    print(uri.rstrip("/")); sys.exit(0)
    elif path.endswith(".list"):
        for line in text.splitlines():
            words = re.sub(r"\[[^]]*\]", "", line.split("#", 1)[0]).split()
            if len(words) >= 4 and words[0] == "deb" and found(words[1], [words[2]], words[3:]):
                print(words[1].rstrip("/")); sys.exit(0)
sys.exit(f"no Debian '{codename}' main archive in this machine's apt sources ({', '.join(files)})")
PY
}

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2; shift 2
  for _ in $(seq 1 "$seconds"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  log "timed out after ${seconds}s waiting for $what"; return 1
}

install_debian_packages() {
  local missing=()
  for pkg in docker.io docker-registry debootstrap; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} from bookworm"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The packaged services must not run: we start our own dockerd and registry below.
  systemctl disable --now docker docker.socket docker-registry 2>/dev/null || true
  pkill -x dockerd 2>/dev/null || true
  pkill -f 'docker-registry serve /etc/docker/registry' 2>/dev/null || true
}

unpack_trixie_engine() {
  [ -x "$TRIXIE_ROOT/usr/sbin/dockerd" ] && [ -x "$TRIXIE_ROOT/usr/libexec/docker/cli-plugins/docker-buildx" ] && return 0
  local debs=$CACHE/trixie-debs lists=$CACHE/trixie-lists
  mkdir -p "$debs" "$lists/partial"
  if ! ls "$debs"/docker.io_*.deb "$debs"/containerd_*.deb "$debs"/docker-buildx_*.deb >/dev/null 2>&1; then
    log "downloading dockerd, containerd and buildx from trixie"
    local sources=$CACHE/trixie.sources mirror
    mirror=$(debian_mirror) || return 1
    cat >"$sources" <<SRC
Types: deb
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    local opts=(-o "Dir::Etc::SourceList=$sources" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$lists" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)
    apt-get "${opts[@]}" update -qq
    chown _apt "$debs" 2>/dev/null || true
    (cd "$debs" && apt-get "${opts[@]}" download docker.io containerd docker-buildx >/dev/null)
  fi
  rm -rf "$TRIXIE_ROOT.tmp" && mkdir -p "$TRIXIE_ROOT.tmp"
  # runc stays bookworm's: trixie's needs a newer glibc than this machine has.
  for deb in "$debs"/docker.io_*.deb "$debs"/containerd_*.deb "$debs"/docker-buildx_*.deb; do
    dpkg -x "$deb" "$TRIXIE_ROOT.tmp"
  done
  rm -rf "$TRIXIE_ROOT" && mv "$TRIXIE_ROOT.tmp" "$TRIXIE_ROOT"
}

install_buildx_plugin() {
  local plugin_dir=/usr/libexec/docker/cli-plugins
  mkdir -p "$plugin_dir"
  cmp -s "$TRIXIE_ROOT/usr/libexec/docker/cli-plugins/docker-buildx" "$plugin_dir/docker-buildx" \
    || install -m 0755 "$TRIXIE_ROOT/usr/libexec/docker/cli-plugins/docker-buildx" "$plugin_dir/docker-buildx"
}

start_dockerd() {
  if docker info >/dev/null 2>&1; then return 0; fi
  log "starting dockerd (trixie) with the containerd image store"
  mkdir -p /etc/docker "$STATE"
  cat >/etc/docker/daemon.json <<'JSON'
{"bridge":"none","iptables":false,"ip-masq":false,"features":{"containerd-snapshotter":true}}
JSON
  PATH="$TRIXIE_ROOT/usr/bin:$TRIXIE_ROOT/usr/sbin:$TRIXIE_ROOT/sbin:$PATH" \
    setsid "$TRIXIE_ROOT/usr/sbin/dockerd" </dev/null >"$STATE/dockerd.log" 2>&1 &
  wait_for 60 dockerd docker info || { tail -n 30 "$STATE/dockerd.log" >&2; return 1; }
}

# Two more engines beside the main one, each with its own data, exec root, containerd and socket on
# 127.0.0.1, as a runner meets them in the world:
# - `remote`: the containerd store, its dockerd in a private mount namespace with empty tmpfs over
#   /work and /tmp, so it sees none of this machine's checkouts or temporary folders, as a build
#   box or GPU host behind DOCKER_HOST would not;
# - `classic`: the classic image store (overlay2), what many runners and self-hosted hosts still have.
REMOTE_ENGINE=tcp://127.0.0.1:23751
CLASSIC_ENGINE=tcp://127.0.0.1:23752

start_engine() { # start_engine NAME ADDRESS containerd|classic hide|see
  local name=$1 address=$2 store=$3 view=$4 dir=$STATE/engine-$1
  if docker -H "$address" info >/dev/null 2>&1; then return 0; fi
  log "starting the $name engine ($store image store) on $address"
  mkdir -p "$dir"
  local snapshotter=false; [ "$store" = containerd ] && snapshotter=true
  cat >"$dir/daemon.json" <<JSON
{"bridge":"none","iptables":false,"ip-masq":false,"features":{"containerd-snapshotter":$snapshotter},
 "data-root":"$dir/data","exec-root":"/run/ml-container-$name","pidfile":"/run/ml-container-$name.pid",
 "hosts":["$address"]}
JSON
  local start="exec $TRIXIE_ROOT/usr/sbin/dockerd --config-file $dir/daemon.json"
  if [ "$view" = hide ]; then
    # This checkout, wherever CI clones it, and every temporary folder the tests make projects in;
    # a folder inside one already hidden is gone with it.
    local repo mounts="" hidden=() path seen covered
    repo=$(cd "$(dirname "$0")/.." && pwd)
    for path in /work /tmp "${TMPDIR:-/tmp}" "$repo"; do
      [ -d "$path" ] || continue
      covered=no
      for seen in "${hidden[@]}"; do
        case "$path/" in "$seen"/*) covered=yes ;; esac
      done
      [ "$covered" = yes ] && continue
      hidden+=("$path")
      mounts="$mounts mount -t tmpfs -o size=2g tmpfs '$path' &&"
    done
    start="$mounts $start"
  fi
  PATH="$TRIXIE_ROOT/usr/bin:$TRIXIE_ROOT/usr/sbin:$TRIXIE_ROOT/sbin:$PATH" \
    setsid unshare --mount --propagation private sh -c "$start" </dev/null >"$dir/dockerd.log" 2>&1 &
  wait_for 60 "the $name engine" docker -H "$address" info || { tail -n 30 "$dir/dockerd.log" >&2; return 1; }
}

start_registry() {
  if curl -fsS "http://$REGISTRY_ADDR/v2/" >/dev/null 2>&1; then return 0; fi
  log "starting the registry on $REGISTRY_ADDR"
  mkdir -p "$STATE/registry"
  cat >"$STATE/registry.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $STATE/registry
  delete:
    enabled: true
http:
  addr: $REGISTRY_ADDR
YML
  setsid docker-registry serve "$STATE/registry.yml" </dev/null >"$STATE/registry.log" 2>&1 &
  wait_for 30 registry curl -fsS "http://$REGISTRY_ADDR/v2/" || { tail -n 30 "$STATE/registry.log" >&2; return 1; }
}

# A PEP 503 index that merges the on-disk mirrors (/opt/pypi, /opt/pypi-more), so pip inside a
# build sees one index, exactly as it sees PyPI: what PyPI would serve and nothing kinder, so no
# local-version wheel (`+cpu`) is on it. Links carry #sha256= like PyPI's, which the lock records.
# Beside it, whl/cpu/ is laid out as https://download.pytorch.org/whl/cpu/ is: a project page
# per package listing the local-version `+cpu` wheels of /opt/wheels, root-relative hrefs with `+`
# as %2B. A CPU torch is to be had only from there, as in the world.
# The stamp covers the mirrors and the builder's own text, so editing the builder rebuilds.
build_index() {
  local root=$STATE/index stamp=$STATE/index/.sources builder
  builder=$(cat <<'PY'
import hashlib, html, os, re, shutil, sys, urllib.parse, zipfile
root, find_links, hash_cache, *mirrors = sys.argv[1:]
tmp = root + ".tmp"
shutil.rmtree(tmp, ignore_errors=True)
os.makedirs(os.path.join(tmp, "simple"))
os.makedirs(hash_cache, exist_ok=True)
links = {}
def norm(name): return re.sub(r"[-_.]+", "-", name).lower()
for i, mirror in enumerate(mirrors):
    os.symlink(os.path.join(mirror, "files"), os.path.join(tmp, f"files{i}"))
    simple = os.path.join(mirror, "simple")
    for project in sorted(os.listdir(simple)):
        page = os.path.join(simple, project, "index.html")
        if not os.path.isfile(page): continue
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', open(page).read()):
            # PyPI refuses local versions (`2.13.0+cpu`): they never reach the main index.
            if "+" in text.split("-")[1 if text.count("-") else 0]: continue
            href = href.replace("../../files/", f"/files{i}/", 1)
            links.setdefault(norm(project), {})[text] = href
os.symlink(find_links, os.path.join(tmp, "wheels"))
wheel_href = {}
for wheel in sorted(os.listdir(find_links)):
    if not wheel.endswith(".whl"): continue
    path = os.path.join(find_links, wheel)
    key = os.path.join(hash_cache, f"{wheel}.{os.path.getsize(path)}.{int(os.path.getmtime(path))}")
    if not os.path.exists(key):
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""): h.update(chunk)
        open(key, "w").write(h.hexdigest())
    wheel_href[wheel] = f"/wheels/{wheel}#sha256={open(key).read().strip()}"
with open(os.path.join(tmp, "simple", "index.html"), "w") as f:
    f.write("<!DOCTYPE html><html><body>\n")
    for project in sorted(links): f.write(f'<a href="{project}/">{project}</a>\n')
    f.write("</body></html>\n")
for project, files in links.items():
    os.makedirs(os.path.join(tmp, "simple", project))
    with open(os.path.join(tmp, "simple", project, "index.html"), "w") as f:
        f.write("<!DOCTYPE html><html><body>\n")
        for text in sorted(files): f.write(f'<a href="{html.escape(files[text])}">{html.escape(text)}</a>\n')
        f.write("</body></html>\n")
# The PyTorch-style CPU index: /whl/cpu/<project>/ lists the +cpu wheels of /opt/wheels only.
def requires_python(path):
    with zipfile.ZipFile(path) as wheel:
        name = next((n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")), None)
        if name is None: return None
        for line in wheel.read(name).decode("utf-8", "replace").splitlines():
            if not line: break
            if line.lower().startswith("requires-python:"): return line.split(":", 1)[1].strip()
    return None
cpu = {}
for wheel in sorted(os.listdir(find_links)):
    parts = wheel[:-4].split("-") if wheel.endswith(".whl") else []
    if len(parts) < 5 or not parts[1].endswith("+cpu"): continue
    href = wheel_href[wheel].replace(wheel, urllib.parse.quote(wheel), 1)
    cpu.setdefault(norm(parts[0]), []).append((wheel, href, requires_python(os.path.join(find_links, wheel))))
os.makedirs(os.path.join(tmp, "whl", "cpu"))
with open(os.path.join(tmp, "whl", "cpu", "index.html"), "w") as f:
    f.write("<!DOCTYPE html>\n<html>\n  <body>\n")
    for project in sorted(cpu): f.write(f'    <a href="/whl/cpu/{project}/">{project}</a><br/>\n')
    f.write("  </body>\n</html>\n")
for project, wheels in cpu.items():
    os.makedirs(os.path.join(tmp, "whl", "cpu", project))
    with open(os.path.join(tmp, "whl", "cpu", project, "index.html"), "w") as f:
        f.write(f"<!DOCTYPE html>\n<html>\n  <body>\n    <h1>Links for {html.escape(project)}</h1>\n")
        for wheel, href, rp in wheels:
            attr = f' data-requires-python="{html.escape(rp)}"' if rp else ""
            f.write(f'    <a href="{html.escape(href)}"{attr}>{html.escape(wheel)}</a><br/>\n')
        f.write("  </body>\n</html>\n")
shutil.rmtree(root, ignore_errors=True)
os.rename(tmp, root)
PY
)
  local sources; sources=$( { printf '%s\n' "$builder" | md5sum
    for d in "${PYPI_DIRS[@]}" "$FIND_LINKS_DIR"; do ls -ld --time-style=+%s "$d" "$d"/* 2>/dev/null; done; } | md5sum)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sources" ] && return 0
  log "writing the merged index under $root"
  python3 -c "$builder" "$root" "$FIND_LINKS_DIR" "$CACHE/wheel-hashes" "${PYPI_DIRS[@]}"
  printf '%s' "$sources" >"$stamp"
}

start_index() {
  if curl -fsS "http://$INDEX_ADDR/simple/" >/dev/null 2>&1; then return 0; fi
  log "serving the index on http://$INDEX_ADDR/simple/"
  setsid python3 -m http.server --bind "${INDEX_ADDR%:*}" --directory "$STATE/index" "${INDEX_ADDR#*:}" \
    </dev/null >"$STATE/index.log" 2>&1 &
  wait_for 30 index curl -fsS "http://$INDEX_ADDR/simple/" || { tail -n 30 "$STATE/index.log" >&2; return 1; }
}

# A Python 3.11 base made from Debian packages, since no image can be pulled here. It is pushed
# to the registry so that digest pinning goes through the registry API as it does on Docker Hub.
ensure_base_image() {
  local tarball=$CACHE/python3.11-bookworm-minbase.tar
  if [ ! -s "$tarball" ]; then
    log "debootstrapping a Python 3.11 base (about 3 minutes, once)"
    local dir=$CACHE/rootfs
    local mirror; mirror=$(debian_mirror) || return 1
    rm -rf "$dir"
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm "$dir" \
      "$mirror" >"$CACHE/debootstrap.log" 2>&1 || { tail -n 30 "$CACHE/debootstrap.log" >&2; return 1; }
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/var/log/* "$dir"/tmp/*
    # Fixed mtimes and ordering so the imported layer, and so the base digest, never changes.
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$dir" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$dir"
  fi
  if ! docker image inspect "$BASE_REF" >/dev/null 2>&1; then
    log "importing $BASE_REF"
    docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["python3"]' "$tarball" "$BASE_REF" >/dev/null
  fi
  if ! curl -fsS -o /dev/null -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
      "http://$REGISTRY_ADDR/v2/ml-container/python/manifests/3.11-bookworm"; then
    log "pushing $BASE_REF"
    docker push -q "$BASE_REF" >/dev/null
  fi
}

# BuildKit's default SBOM generator (docker/buildkit-syft-scanner) cannot be pulled here: build the
# test bed's own (scripts/testbed/sbom-scanner) and serve it from the registry, as Docker Hub would.
ensure_sbom_scanner() {
  local dir=$(dirname "$0")/testbed/sbom-scanner
  if ! curl -fs -o /dev/null -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json' \
      "http://$REGISTRY_ADDR/v2/ml-container/sbom-scanner/manifests/1" \
      || ! docker image inspect "$SCANNER_REF" >/dev/null 2>&1; then
    log "building and pushing $SCANNER_REF"
    docker buildx build --quiet --network=none --build-arg BASE="$BASE_REF" --tag "$SCANNER_REF" --load "$dir" >/dev/null
    docker push -q "$SCANNER_REF" >/dev/null
  fi
}

print_env() {
  cat <<ENV
export ML_CONTAINER_TESTBED=1
export ML_CONTAINER_TEST_REGISTRY=$REGISTRY_ADDR
export ML_CONTAINER_TEST_BASE_IMAGE=$BASE_REF
export ML_CONTAINER_TEST_INDEX_URL=http://$INDEX_ADDR/simple
export ML_CONTAINER_TEST_PYTORCH_INDEX=http://$INDEX_ADDR/whl
export ML_CONTAINER_TEST_NETWORK=host
export ML_CONTAINER_TEST_SBOM_GENERATOR=$SCANNER_REF
export ML_CONTAINER_TEST_REMOTE_ENGINE=$REMOTE_ENGINE
export ML_CONTAINER_TEST_CLASSIC_ENGINE=$CLASSIC_ENGINE
ENV
}

up() {
  install_debian_packages
  unpack_trixie_engine
  install_buildx_plugin
  start_dockerd
  start_registry
  build_index
  start_index
  ensure_base_image
  ensure_sbom_scanner
  start_engine remote "$REMOTE_ENGINE" containerd hide
  start_engine classic "$CLASSIC_ENGINE" classic see
  log "ready: docker $(docker version -f '{{.Server.Version}}'), buildx $(docker buildx version | awk '{print $2}')"
}

down() {
  pkill -f "http.server --bind ${INDEX_ADDR%:*} --directory $STATE/index" 2>/dev/null || true
  pkill -f "docker-registry serve $STATE/registry.yml" 2>/dev/null || true
  pkill -x dockerd 2>/dev/null || true # every engine: the main one and the two beside it
}

case "${1:-up}" in
  up) up ;;
  env) print_env ;;
  down) down ;;
  *) echo "usage: $0 [up|env|down]" >&2; exit 2 ;;
esac
