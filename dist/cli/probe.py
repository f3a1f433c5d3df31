# The serve test's probe, run with `docker exec` inside the container the image's own command
# started, so it reaches the server on the container's loopback while the container has no other
# network. Standard library only, isolated (-I -S) from the project's code and packages, and run as
# a user other than the server's, so the server cannot read its nonce through /proc. It reads a
# nonce line and then the request (src/smoke/serve.ts) on standard input, waits until the first
# probe answers as it must (or the time is up), checks the port is bound on every address, sends
# each probe once, and prints one result line the supervisor finds by its nonce.
import http.client
import json
import sys
import time
import urllib.error
import urllib.request

MARKER = "ML_CONTAINER_SERVE_RESULT "
BODY_LIMIT = 1 << 20
SHOWN = 300

nonce = sys.stdin.readline().strip()
request = json.loads(sys.stdin.readline())
port = request["port"]
started = time.monotonic()
deadline = started + request["timeout"]
# No proxy: the server is on this container's loopback, whatever the image's environment says.
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def report(result):
    sys.stdout.write(MARKER + nonce + " " + json.dumps(result) + "\n")
    sys.stdout.flush()
    sys.exit(0)


def ask(method, path, body, timeout):
    data = None if body is None else body.encode("utf-8")
    call = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=data, method=method)
    if data is not None:
        call.add_header("Content-Type", "application/json")
    begun = time.monotonic()
    try:
        with opener.open(call, timeout=timeout) as response:
            status, raw = response.status, response.read(BODY_LIMIT)
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read(BODY_LIMIT)
    return status, raw.decode("utf-8", "replace"), time.monotonic() - begun


def remaining():
    return deadline - time.monotonic()


def acceptable(status, expect):
    if expect == "success":
        return 200 <= status <= 299
    return status < 500


def listening_addresses():
    # Local addresses of the sockets listening on the port, as /proc/net/tcp{,6} give them (hex).
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as rows:
                next(rows, None)
                for row in rows:
                    fields = row.split()
                    if len(fields) > 3 and fields[3] == "0A":
                        address, _, hex_port = fields[1].rpartition(":")
                        if int(hex_port, 16) == port:
                            found.add(address)
        except OSError:
            pass
    return found


# Wait for the first probe to answer as it must: a refused or dropped connection means not up yet,
# and so does a health route still saying 503 while the model loads. Once the time is up with an
# answer, the probes run and report it.
first_answer = None
last_error = "nothing listened on port %d" % port
ready_path = "/health-check" if request["readiness"] == "cog-ready" else request["wait_path"]
while True:
    if remaining() <= 0 and first_answer is not None and request["readiness"] != "cog-ready":
        break
    if remaining() <= 0:
        report({
            "first_answer_seconds": first_answer,
            "error": "no answer within %ds: %s" % (request["timeout"], last_error)
            if first_answer is None
            else "cog's /health-check did not say READY within %ds: %s" % (request["timeout"], last_error),
            "probes": [],
        })
    try:
        status, text, _ = ask("GET", ready_path, None, max(1.0, min(remaining(), 30.0)))
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        last_error = str(getattr(error, "reason", error))
        time.sleep(0.2)
        continue
    if first_answer is None:
        first_answer = time.monotonic() - started
    if request["readiness"] != "cog-ready":
        if acceptable(status, request["wait_expect"]):
            break
        last_error = "status %s" % status
        time.sleep(0.5)
        continue
    # cog's server listens while setup() still runs: STARTING until it returned, then READY or SETUP_FAILED.
    try:
        health = json.loads(text).get("status")
    except (ValueError, AttributeError):
        health = None
    if health in ("READY", "BUSY"):
        break
    if health == "SETUP_FAILED":
        report({"first_answer_seconds": first_answer, "error": "cog's setup() failed: " + text[:2000], "probes": []})
    last_error = "status %s: %s" % (status, text[:SHOWN])
    time.sleep(0.5)

# A server bound to 127.0.0.1 answers here but not through a published port.
addresses = listening_addresses()
if addresses and not addresses & {"00000000", "00000000000000000000000000000000"}:
    report({
        "first_answer_seconds": first_answer,
        "error": "port %d is bound to the loopback address only, so nothing outside the container reaches it: bind 0.0.0.0" % port,
        "probes": [],
    })

results = []
for probe in request["probes"]:
    entry = {"method": probe["method"], "path": probe["path"]}
    try:
        status, text, seconds = ask(probe["method"], probe["path"], probe.get("body"), max(5.0, remaining()))
        entry.update({"status": status, "seconds": seconds, "body": text if probe.get("keep_body") else text[:SHOWN]})
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        entry.update({"status": None, "seconds": 0, "error": str(getattr(error, "reason", error))})
    results.append(entry)
report({"first_answer_seconds": first_answer, "error": None, "probes": results})
