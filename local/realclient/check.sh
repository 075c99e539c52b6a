#!/usr/bin/env bash
# Drives the real Claude Code CLI (drive.sh, against the scripted model_stub.js) into a running
# `./ccotel local` once per client mode, each into a connection of its own, and checks that the
# query API then returns exactly the usage in fixtures/claude-code/<fixture>/expected.json
# (apart from what a live run cannot repeat: the date, the active time, the per-install user id).
# Then the same session with the settings `ccotel connection settings` generates (their export
# intervals: nothing is sent before the session ends), ended by exit, SIGINT, SIGTERM and SIGHUP:
# a signal comes once the model has answered two turns and holds the last, so the expected usage
# is the fixture's with that turn's tokens, request and cost taken out (from what the stub served).
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
  compare "$FIXTURES/$fixture/expected.json" "$read" "$name"
}

# compare EXPECTED_JSON READ_TOKEN NAME [SERVED_JSON]: the connection's records must equal the
# expected ones; with SERVED_JSON (a settings run, so no department attribute), tokens, requests
# and cost per model are what the stub served.
compare() {
  python3 - "$1" "$PORT" "$2" "$3" "${4:-}" <<'PY' || failed=1
import datetime, json, sys, time, urllib.request
from decimal import Decimal
expected_path, port, token, name, served_path = sys.argv[1:]
# List prices in nano-USD per token, as Claude Code prices these models.
PRICES = {
    "claude-sonnet-4-5-20250929": {"input": 3000, "output": 15000, "cache_read": 300, "cache_creation": 3750},
    "claude-haiku-4-5-20251001": {"input": 1000, "output": 5000, "cache_read": 100, "cache_creation": 1250},
}

def cents(nano_usd):
    return float(Decimal(nano_usd) / Decimal(10**7))

def served_usage(records, served):
    for record in records:
        record["ccotel"]["department"] = None
        record["ccotel"]["api_requests"] = served["requests"]
        breakdown, total = [], 0
        for model in sorted(served["usage"]):
            tokens = served["usage"][model]
            cost = sum(tokens[kind] * PRICES[model][kind] for kind in tokens)
            total += cost
            breakdown.append({"model": model, "tokens": tokens,
                              "estimated_cost": {"currency": "USD", "amount": cents(cost)}})
        record["model_breakdown"] = breakdown
        for terminal in record["ccotel"]["terminals"]:
            terminal["estimated_cost"]["amount"] = cents(total)
    return records

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
if served_path:
    want = served_usage(want, json.load(open(served_path)))
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

# check_settings NAME exit|INT|TERM|HUP: the recorded session with ccotel's generated settings.
check_settings() {
  local name="$1" end="$2" conn ingest read
  conn="$("$ROOT/ccotel" connection create --name "realclient-$name" --json --data "$DATA")"
  ingest="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["ingestToken"])' "$conn")"
  read="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["readToken"])' "$conn")"
  "$ROOT/ccotel" connection settings --ingest-token "$ingest" --endpoint "http://127.0.0.1:$PORT/api/otel" \
    --email dev@example.com --user-name "First Last" --data "$DATA" >"$OUT/$name-settings.json"
  if ! "$ROOT/local/realclient/drive.sh" --settings "$OUT/$name-settings.json" --out "$OUT/$name" \
      --end "$end" --after-turns 2 >"$OUT/$name.log" 2>&1; then
    echo "FAIL  $name: the client session failed"; sed 's/^/  /' "$OUT/$name.log"; failed=1; return
  fi
  compare "$FIXTURES/protobuf-delta/expected.json" "$read" "$name" "$OUT/$name/served.json"
}

check_settings settings-exit exit
check_settings settings-sigint INT
check_settings settings-sigterm TERM
check_settings settings-sighup HUP
echo "client sessions and logs: $OUT"
exit $failed
