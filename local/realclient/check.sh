#!/usr/bin/env bash
# Drives the real Claude Code CLI (../shared/realclient) against a running `./ccotel local` in each
# client mode, each into a connection of its own, and checks that the query API returns exactly
# the usage of the captured fixture of that mode (the date and active time of a live run differ).
#   ./ccotel local --data DIR &   then   local/realclient/check.sh DIR
# Needs node and the CLI: see ../shared/realclient/README.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="${CCOTEL_SHARED:-$ROOT/../shared}"
DATA="${1:-$HOME/.ccotel/local}"
PORT="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$DATA/runtime.json")"
OUT="$(mktemp -d)"
failed=0

run_mode() { # name fixture env...
  local name="$1" fixture="$2"; shift 2
  local conn ingest read
  conn="$("$ROOT/ccotel" connection create --name "realclient-$name" --json --data "$DATA")"
  ingest="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["ingestToken"])' "$conn")"
  read="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["readToken"])' "$conn")"
  env "$@" SINK_MODE=down SINK_PORT="$PORT" OTLP_TOKEN="$ingest" OUT_DIR="$OUT/$name" \
    bash "$SHARED/realclient/run.sh" >"$OUT/$name.log" 2>&1 || true
  if python3 - "$SHARED/fixtures/claude-code/$fixture/expected.json" "$PORT" "$read" "$name" <<'PY'
import json, sys, time, urllib.request, datetime
expected_path, port, token, name = sys.argv[1:]
expected = json.load(open(expected_path))
def normalise(records):
    out = []
    for r in records:
        r = json.loads(json.dumps(r))
        r.pop("date", None)
        r["ccotel"].pop("active_time_seconds", None)   # wall-clock time of this run
        if r["actor"].get("email_address") is None:
            r["actor"]["user_id"] = "<per-install id>"  # a fresh HOME gets a fresh user.id
        out.append(r)
    return out
today = datetime.datetime.now(datetime.timezone.utc).date()
url = f"http://127.0.0.1:{port}/api/usage/claude_code?starting_at={today - datetime.timedelta(days=1)}&ending_at={today}"
want = normalise(expected)
got = None
for _ in range(40):
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    got = normalise(json.load(urllib.request.urlopen(req))["data"])
    if got == want:
        print(f"ok    {name}: {json.dumps(got[0]['model_breakdown'])[:120]}...")
        sys.exit(0)
    time.sleep(0.5)
print(f"FAIL  {name}\n  want {json.dumps(want)}\n  got  {json.dumps(got)}")
sys.exit(1)
PY
  then :; else failed=1; fi
}

run_mode protobuf-delta protobuf-delta
run_mode json-delta json-delta PROTO=http/json
run_mode protobuf-cumulative protobuf-cumulative TEMPORALITY=cumulative
run_mode gzip extra-gzip "EXTRA_ENV=OTEL_EXPORTER_OTLP_COMPRESSION=gzip"
run_mode json-cumulative-gzip protobuf-cumulative PROTO=http/json TEMPORALITY=cumulative "EXTRA_ENV=OTEL_EXPORTER_OTLP_COMPRESSION=gzip"
run_mode bash-commit extra-bash-commit FAKE_API_BASH=1 ALLOW_EXTRA=Bash
run_mode no-resource-attrs extra-no-resource-attrs RESOURCE_ATTRS=
echo "client logs and captures: $OUT"
exit $failed
