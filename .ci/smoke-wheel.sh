#!/usr/bin/env bash
# The wheel, as an integrator gets it: build it, install it (no extras) in a fresh virtualenv with CI's pinned
# versions, then from a folder outside the checkout list and run canned queries, and serve the graph and count it.
# Any failure exits non-zero. Run by `make smoke-wheel` (CI: .ci/run, after `make test`).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
LOCK=$PWD/${LOCK:-requirements/ci.lock}
PIP_QUIET=(--quiet --disable-pip-version-check)

tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "smoke-wheel: FAIL: $*" >&2; exit 1; }

echo "smoke-wheel: building the wheel"
# with the locked hatchling when it is installed (make install-test), else in pip's isolated build environment
isolation=()
if "$PYTHON" -c 'import hatchling' 2>/dev/null; then isolation=(--no-build-isolation); fi
"$PYTHON" -m pip wheel "${PIP_QUIET[@]}" "${isolation[@]}" --no-deps -w "$tmp/dist" .
wheel=$(ls "$tmp"/dist/allegiance-*.whl)
for ext in ttl rq; do
  n=$("$PYTHON" -m zipfile -l "$wheel" | grep -c "^allegiance/data/.*\.$ext ") || true
  [ "$n" -gt 0 ] || fail "the wheel holds no .$ext file under allegiance/data/"
done

echo "smoke-wheel: installing $(basename "$wheel") in a fresh virtualenv"
"$PYTHON" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install "${PIP_QUIET[@]}" -c "$LOCK" "$wheel"
bin=$tmp/venv/bin

# outside the checkout, with nothing pointing back at it
mkdir "$tmp/work" && cd "$tmp/work"
unset ALLEGIANCE_HOME ALLEGIANCE_SOURCES PYTHONPATH

where=$("$bin/python" -c 'from allegiance import paths; home, how = paths.find_home(); print(how, home)')
[ "${where%% *}" = package ] || fail "the installed package found its data elsewhere: $where"
echo "smoke-wheel: knowledge base: $where"

listing=$("$bin/allegiance" query --list) || fail "allegiance query --list exited $?"
echo "$listing" | grep -q '^pledges ' || fail "allegiance query --list does not list pledges: $listing"
[ "$(echo "$listing" | wc -l)" -ge 10 ] || fail "allegiance query --list lists fewer than 10 queries"
echo "smoke-wheel: query --list: $(echo "$listing" | wc -l) queries"

rows=$("$bin/allegiance" query pledges -f csv) || fail "allegiance query pledges exited $?"
[ "$(echo "$rows" | wc -l)" -gt 5 ] || fail "allegiance query pledges printed too few rows: $rows"
echo "$rows" | head -1 | grep -q '^pledge,' || fail "allegiance query pledges: unexpected header"
echo "smoke-wheel: query pledges: $(($(echo "$rows" | wc -l) - 1)) rows"

# check without the [check] extra names the extra, exit 2 (never a PASS over nothing)
set +e
out=$("$bin/allegiance" check 2>&1); rc=$?
set -e
[ "$rc" -eq 2 ] && echo "$out" | grep -q "allegiance\[check\]" || fail "allegiance check without [check]: exit $rc: $out"

port=$("$bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin/allegiance" serve --host 127.0.0.1 --port "$port" > "$tmp/serve.log" 2>&1 &
server_pid=$!
echo "smoke-wheel: serving on port $port (pid $server_pid)"

"$bin/python" - "$port" "$server_pid" <<'EOF' || { tail -30 "$tmp/serve.log" >&2; fail "the served graph"; }
import json, os, sys, time, urllib.error, urllib.parse, urllib.request

port, pid = sys.argv[1], int(sys.argv[2])
base = f"http://127.0.0.1:{port}"
query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
request = urllib.request.Request(f"{base}/sparql?{query}", headers={"Accept": "application/sparql-results+json"})
deadline = time.monotonic() + 180
while True:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit("the server exited")
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            n = int(json.load(r)["results"]["bindings"][0]["n"]["value"])
        break
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        if time.monotonic() > deadline:
            sys.exit(f"no answer from {base}/sparql within 180 s: {exc}")
        time.sleep(1)
print(f"smoke-wheel: /sparql COUNT(*) = {n}")
if n <= 1000:
    sys.exit(f"the served graph holds {n} triples, not over 1000")
api = urllib.request.Request(f"{base}/api", headers={"Accept": "application/json"})
with urllib.request.urlopen(api, timeout=30) as r:
    names = {q["name"] for q in json.load(r)["queries"]}
if "pledges" not in names:
    sys.exit(f"/api does not list pledges: {sorted(names)}")
print(f"smoke-wheel: /api lists {len(names)} queries")
EOF

kill -TERM "$server_pid"
for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$server_pid" 2>/dev/null; then fail "the server did not stop on SIGTERM"; fi
wait "$server_pid" || true
server_pid=
echo "smoke-wheel: passed"
