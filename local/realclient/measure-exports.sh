#!/usr/bin/env bash
# Measures how many OTLP exports the real Claude Code CLI sends, per signal, at several export
# intervals: one busy working session (drive.sh --busy-seconds: Write, Edit, Bash, turn after turn,
# each model answer a few seconds late) per setting, every export received by otlp_sink.js, which
# notes its path, time and size as sent. Writes the table as JSON.
#
#   local/realclient/measure-exports.sh [--seconds S] [--delay-ms N] [--parallel P] [--out FILE]
#       [SETTING...]
#
# A SETTING is METRIC_MS/LOGS_MS, "default" for Claude Code's own (unset: 60000/5000). Defaults:
# 480 s sessions, 3000 ms per answer, 2 sessions at a time, the settings below, and
# bench/results/exports-intervals.json. Exports per hour are extrapolated from the session's
# length (the end-of-session flush included), so they describe an hour of continuous work.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
seconds=480 delay_ms=3000 parallel=2 out=""
settings=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --delay-ms) delay_ms="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -*) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    *) settings+=("$1"); shift ;;
  esac
done
[ ${#settings[@]} -gt 0 ] || settings=(default 60000/60000 300000/60000 120000/120000 300000/300000)
out="${out:-$ROOT/bench/results/exports-intervals.json}"
WORK="$(mktemp -d)"
echo "sessions of ${seconds}s, answers ${delay_ms}ms late; work in $WORK" >&2

# run SETTING: one session against its own sink, in $WORK/<setting>.
run() {
  local setting="$1" dir metric logs sink_pid
  dir="$WORK/${setting//\//-}"
  mkdir -p "$dir"
  if [ "$setting" = default ]; then metric=unset logs=unset; else metric="${setting%/*}" logs="${setting#*/}"; fi
  node "$HERE/otlp_sink.js" --port-file "$dir/sink.port" --log "$dir/sink.log" 2>"$dir/sink.err" &
  sink_pid=$!
  for _ in $(seq 100); do [ -s "$dir/sink.port" ] && break; sleep 0.1; done
  : >>"$dir/sink.log"
  "$HERE/drive.sh" --endpoint "http://127.0.0.1:$(cat "$dir/sink.port")" --token measure \
    --metric-interval "$metric" --logs-interval "$logs" --busy-seconds "$seconds" \
    --delay-ms "$delay_ms" --timeout $((seconds + 300)) --out "$dir/session" >"$dir/drive.log" 2>&1 ||
    echo "session $setting failed: see $dir/drive.log" >&2
  sleep 1 # the last export's line
  kill "$sink_pid" 2>/dev/null || true
  wait "$sink_pid" 2>/dev/null || true
  echo "done $setting" >&2
}

running=0
for setting in "${settings[@]}"; do
  run "$setting" &
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then wait -n; running=$((running - 1)); fi
done
wait

python3 - "$WORK" "$out" "$seconds" "$delay_ms" "$(grep -o 'CLI_VERSION=[0-9.]*' "$HERE/drive.sh" | cut -d= -f2)" "${settings[@]}" <<'PY'
import json, os, sys
work, out, seconds, delay_ms, cli_version, *settings = sys.argv[1:]
rows = []
for setting in settings:
    d = os.path.join(work, setting.replace("/", "-"))
    session = json.load(open(os.path.join(d, "session", "session.json")))
    served = json.load(open(os.path.join(d, "session", "served.json")))
    exports = [json.loads(line) for line in open(os.path.join(d, "sink.log"))]
    hours = (session["ended_ms"] - session["started_ms"]) / 3_600_000
    row = {
        "setting": setting,
        "metric_interval_ms": None if setting == "default" else int(setting.split("/")[0]),
        "logs_interval_ms": None if setting == "default" else int(setting.split("/")[1]),
        "session_seconds": round(hours * 3600, 1),
        "exit_status": session["exit_status"],
        "model_requests": sum(served["requests"].values()),
    }
    total = 0
    for signal in ("metrics", "logs"):
        mine = [e for e in exports if e["path"] == f"/v1/{signal}"]
        sizes = [e["bytes"] for e in mine]
        queued = [e.get("queuedBytes", 0) for e in mine]
        times = [e["t"] for e in mine]
        gaps = [b - a for a, b in zip(times, times[1:])]
        row[signal] = {
            "exports": len(mine),
            "per_active_hour": round(len(mine) / hours, 1),
            "bytes_total": sum(sizes),
            "bytes_mean": round(sum(sizes) / len(sizes)) if sizes else 0,
            "bytes_max": max(sizes, default=0),
            "queued_bytes_mean": round(sum(queued) / len(queued)) if queued else 0,
            "queued_bytes_max": max(queued, default=0),
            "seconds_between_median": round(sorted(gaps)[len(gaps) // 2] / 1000, 1) if gaps else None,
            "offsets_s": [round((t - session["started_ms"]) / 1000, 1) for t in times],
        }
        total += len(mine)
    row["exports_per_active_hour"] = round(total / hours, 1)
    rows.append(row)
result = {
    "what": "OTLP exports of the real Claude Code CLI in a busy session, counted by otlp_sink.js",
    "cli_version": cli_version,
    "session": f"drive.sh --busy-seconds {seconds} --delay-ms {delay_ms} (Write, Edit, Bash per 3 turns)",
    "protocol": "http/protobuf, no compression, delta temporality",
    "per_active_hour": "exports / session length x 3600: an hour of continuous work (the exit flush included)",
    "rows": rows,
}
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
print(f"{'setting':>16} {'seconds':>8} {'metrics/h':>10} {'B/metrics':>10} {'logs/h':>8} {'B/logs':>8} {'queued max':>10} {'total/h':>8}")
for r in rows:
    print(f"{r['setting']:>16} {r['session_seconds']:>8} {r['metrics']['per_active_hour']:>10} "
          f"{r['metrics']['bytes_mean']:>10} {r['logs']['per_active_hour']:>8} {r['logs']['bytes_mean']:>8} "
          f"{max(r['metrics']['queued_bytes_max'], r['logs']['queued_bytes_max']):>10} "
          f"{r['exports_per_active_hour']:>8}")
print(f"written: {out}")
PY
