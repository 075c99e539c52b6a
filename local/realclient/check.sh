#!/usr/bin/env bash
# Drives the real Claude Code CLI (drive.sh, against the scripted model_stub.js) into a running
# `./ccotel local` once per client mode, each into a connection of its own, and checks that the
# query API then returns exactly the usage in fixtures/claude-code/<fixture>/expected.json
# (apart from what a live run cannot repeat: the date, the active time, the per-install user id).
#   ./ccotel local --port 0 --data DIR &   then   local/realclient/check.sh DIR
# Needs node and npm (drive.sh installs the pinned CLI on first use) and python3.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FIXTURES="$ROOT/fixtures/claude-code"
DATA="${1:-$HOME/.ccotel/local}"
PORT="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$DATA/runtime.json")"
OUT="$(mktemp -d)"
failed=0

# check NAME FIXTURE [drive.sh options...]
check() {
  local name="$1" fixture="$2"; shift 2
  local conn ingest read
  conn="$("$ROOT/ccotel" connection create --name "realclient-$name" --json --data "$DATA")"
  ingest="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["ingestToken"])' "$conn")"
  read="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["readToken"])' "$conn")"
  if ! "$ROOT/local/realclient/drive.sh" --endpoint "http://127.0.0.1:$PORT/api/otel" --token "$ingest" \
      --out "$OUT/$name" "$@" >"$OUT/$name.log" 2>&1; then
    echo "FAIL  $name: the client session failed"; sed 's/^/  /' "$OUT/$name.log"; failed=1; return
  fi
  python3 - "$FIXTURES/$fixture/expected.json" "$PORT" "$read" "$name" <<'PY' || failed=1
import datetime, json, sys, time, urllib.request
expected_path, port, token, name = sys.argv[1:]

def normalise(records):
    out = []
    for record in json.loads(json.dumps(records)):
        record.pop("date", None)
        record["ccotel"].pop("active_time_seconds", None)  # wall-clock time of this run
        if record["actor"].get("email_address") is None:
            record["actor"]["user_id"] = "<per-install id>"  # a fresh HOME gets a fresh user.id
        out.append(record)
    return out

want = normalise(json.load(open(expected_path)))
today = datetime.datetime.now(datetime.timezone.utc).date()
url = (f"http://127.0.0.1:{port}/api/usage/claude_code"
       f"?starting_at={today - datetime.timedelta(days=1)}&ending_at={today}")
got = None
for _ in range(40):  # the aggregator counts from the queue shortly after ingest answers
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    got = normalise(json.load(urllib.request.urlopen(request))["data"])
    if got == want:
        print(f"ok    {name}: {json.dumps(got[0]['model_breakdown'])[:120]}...")
        sys.exit(0)
    time.sleep(0.5)
print(f"FAIL  {name}\n  want {json.dumps(want)}\n  got  {json.dumps(got)}")
sys.exit(1)
PY
}

check protobuf-delta protobuf-delta
check json-delta json-delta --protocol http/json
check protobuf-cumulative protobuf-cumulative --temporality cumulative
check gzip extra-gzip --gzip
check json-cumulative-gzip protobuf-cumulative --protocol http/json --temporality cumulative --gzip
check bash-commit extra-bash-commit --commit
check no-resource-attrs extra-no-resource-attrs --no-resource-attrs
echo "client sessions and logs: $OUT"
exit $failed
