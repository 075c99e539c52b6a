#!/usr/bin/env bash
# Runs one scripted session of the real Claude Code CLI against model_stub.js, with OTLP export
# to the given endpoint, and returns when the CLI has exited (it flushes its telemetry at exit).
#
#   local/realclient/drive.sh --endpoint http://127.0.0.1:4318/api/otel --token <ingest token>
#       [--protocol http/protobuf|http/json] [--temporality delta|cumulative] [--gzip]
#       [--no-resource-attrs] [--commit] [--out DIR]
#       [--settings FILE] [--metric-interval MS|unset] [--logs-interval MS|unset]
#       [--busy-seconds S | --busy-turns N] [--delay-ms N]
#       [--end exit|INT|TERM|HUP|KILL] [--after-turns N] [--idle-seconds S] [--timeout S]
#
# --settings takes the telemetry environment from the "env" block of a settings.json that ccotel
# generated (endpoint, token, intervals, resource attributes; --endpoint and --token are then not
# needed). Without it the export intervals are 1 s for metrics and 0.5 s for logs, so a short
# session sends several exports; --metric-interval / --logs-interval set them (unset: Claude
# Code's defaults, 60 s and 5 s). --busy-seconds / --busy-turns play a busy working session
# (Write, Edit, Bash, turn after turn; each answer --delay-ms late, default 1000) instead of the
# recorded one. --end SIGNAL sends that signal to the CLI once the model has answered
# --after-turns main-loop turns (default 2) and holds the next, --idle-seconds (default 0) after
# the hold (the CLI waits for the model meanwhile); the default, exit, lets the session finish.
# --timeout (default 120 s) ends a session that hangs.
#
# The CLI (pinned below) is installed with npm into ~/.cache/ccotel-realclient when missing
# (CCOTEL_REALCLIENT_CACHE to change). Each run gets a throwaway HOME and working directory under
# --out (default: a new temp dir), which also keeps the CLI's and the stub's output, the stub's
# served.json (requests and tokens it answered, per model) and session.json (start, end, how it
# ended, exit status).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLI_VERSION=2.1.331
CACHE="${CCOTEL_REALCLIENT_CACHE:-$HOME/.cache/ccotel-realclient}"
CLI="$CACHE/node_modules/.bin/claude"

endpoint="" token="" protocol=http/protobuf temporality="" gzip=0 resource_attrs=1 commit=0 out=""
settings="" metric_interval=1000 logs_interval=500 busy_seconds="" busy_turns="" delay_ms=""
end=exit after_turns=2 idle_seconds=0 timeout_s=120
usage() { sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --endpoint) endpoint="$2"; shift 2 ;;
    --token) token="$2"; shift 2 ;;
    --protocol) protocol="$2"; shift 2 ;;
    --temporality) temporality="$2"; shift 2 ;;
    --gzip) gzip=1; shift ;;
    --no-resource-attrs) resource_attrs=0; shift ;;
    --commit) commit=1; shift ;;
    --out) out="$2"; shift 2 ;;
    --settings) settings="$2"; shift 2 ;;
    --metric-interval) metric_interval="$2"; shift 2 ;;
    --logs-interval) logs_interval="$2"; shift 2 ;;
    --busy-seconds) busy_seconds="$2"; shift 2 ;;
    --busy-turns) busy_turns="$2"; shift 2 ;;
    --delay-ms) delay_ms="$2"; shift 2 ;;
    --end) end="$2"; shift 2 ;;
    --after-turns) after_turns="$2"; shift 2 ;;
    --idle-seconds) idle_seconds="$2"; shift 2 ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    *) usage ;;
  esac
done
{ [ -n "$endpoint" ] && [ -n "$token" ]; } || [ -n "$settings" ] || usage
case "$end" in exit | INT | TERM | HUP | KILL) ;; *) usage ;; esac

if [ ! -x "$CLI" ]; then
  echo "installing Claude Code $CLI_VERSION into $CACHE" >&2
  mkdir -p "$CACHE"
  printf '{"name":"ccotel-realclient","private":true,"dependencies":{"@anthropic-ai/claude-code":"%s"}}\n' \
    "$CLI_VERSION" >"$CACHE/package.json"
  (cd "$CACHE" && npm install --no-audit --no-fund --loglevel=error >&2)
fi

out="${out:-$(mktemp -d)}"
mkdir -p "$out/home" "$out/work"
# git in the Bash step must not read the caller's config.
: >"$out/home/.gitconfig"

stub_args=(--port-file "$out/stub.port" --workdir "$out/work" --served "$out/served.json"
  --delay-ms "${delay_ms:-${CCOTEL_STUB_DELAY_MS:-1000}}")
[ "$commit" = 1 ] && stub_args+=(--commit)
[ -n "$busy_seconds" ] && stub_args+=(--busy-seconds "$busy_seconds")
[ -n "$busy_turns" ] && stub_args+=(--busy-turns "$busy_turns")
[ "$end" != exit ] && stub_args+=(--hold-after "$after_turns")
node "$HERE/model_stub.js" "${stub_args[@]}" 2>"$out/stub.log" &
stub_pid=$!
trap 'kill "$stub_pid" 2>/dev/null || true; wait "$stub_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [ -s "$out/stub.port" ] && break
  kill -0 "$stub_pid" 2>/dev/null || { cat "$out/stub.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$out/stub.port" ] || { echo "model stub did not start" >&2; exit 1; }

# Only what the session needs reaches the CLI: a clean environment with telemetry switched on
# and the stub as the model API.
client_env=(
  PATH="$PATH"
  HOME="$out/home"
  ANTHROPIC_BASE_URL="http://127.0.0.1:$(cat "$out/stub.port")"
  ANTHROPIC_API_KEY=sk-ant-offline-stub
  ANTHROPIC_MODEL=claude-sonnet-4-5-20250929
  ANTHROPIC_SMALL_FAST_MODEL=claude-haiku-4-5-20251001
  ANTHROPIC_DEFAULT_HAIKU_MODEL=claude-haiku-4-5-20251001
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
)
if [ -n "$settings" ]; then
  # Every variable of the generated env block, as Claude Code would read it from settings.json.
  while IFS= read -r line; do client_env+=("$line"); done < <(python3 -c '
import json, sys
for key, value in json.load(open(sys.argv[1]))["env"].items():
    print(f"{key}={value}")' "$settings")
else
  client_env+=(
    CLAUDE_CODE_ENABLE_TELEMETRY=1
    OTEL_METRICS_EXPORTER=otlp
    OTEL_LOGS_EXPORTER=otlp
    OTEL_EXPORTER_OTLP_PROTOCOL="$protocol"
    OTEL_EXPORTER_OTLP_ENDPOINT="$endpoint"
    OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer $token"
  )
  [ "$metric_interval" != unset ] && client_env+=(OTEL_METRIC_EXPORT_INTERVAL="$metric_interval")
  [ "$logs_interval" != unset ] && client_env+=(OTEL_LOGS_EXPORT_INTERVAL="$logs_interval")
  [ "$resource_attrs" = 1 ] &&
    client_env+=(OTEL_RESOURCE_ATTRIBUTES="user.email=dev@example.com,user.name=First%20Last,department=eng")
  [ -n "$temporality" ] && client_env+=(OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE="$temporality")
  [ "$gzip" = 1 ] && client_env+=(OTEL_EXPORTER_OTLP_COMPRESSION=gzip)
fi

allowed=(Write Agent)
[ "$commit" = 1 ] && allowed+=(Bash)
[ -n "$busy_seconds$busy_turns" ] && allowed+=(Edit Bash)
now_ms() { date +%s%3N; }
# Job control on for the launch only: a background job of a script otherwise starts with SIGINT
# ignored, and the CLI must see SIGINT as it would from a terminal.
started_ms=$(now_ms)
set -m
(cd "$out/work" && exec env -i "${client_env[@]}" "$CLI" -p "Create hello.py that prints hello" \
  --permission-mode acceptEdits --allowedTools "${allowed[@]}") \
  </dev/null >"$out/claude.out" 2>"$out/claude.err" &
cli_pid=$!
set +m
signal_ms="" held_at=""
deadline=$((SECONDS + timeout_s))
while kill -0 "$cli_pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
  if [ "$end" != exit ] && [ -z "$held_at" ] && [ -s "$out/served.json" ] &&
      python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["holding"] else 1)' "$out/served.json"; then
    held_at=$SECONDS
  fi
  if [ -n "$held_at" ] && [ -z "$signal_ms" ] && [ $((SECONDS - held_at)) -ge "$idle_seconds" ]; then
    signal_ms=$(now_ms)
    kill -s "$end" "$cli_pid"
  fi
  sleep 0.2
done
timed_out=0
if kill -0 "$cli_pid" 2>/dev/null; then timed_out=1; kill -KILL "$cli_pid" 2>/dev/null || true; fi
status=0
wait "$cli_pid" || status=$?
ended_ms=$(now_ms)
printf '{"started_ms": %s, "ended_ms": %s, "end": "%s", "signal_ms": %s, "exit_status": %s, "timed_out": %s}\n' \
  "$started_ms" "$ended_ms" "$end" "${signal_ms:-null}" "$status" "$timed_out" >"$out/session.json"
if [ "$timed_out" = 1 ]; then
  echo "claude did not finish within ${timeout_s}s; see $out/claude.err and $out/stub.log" >&2
  exit 124
fi
if [ "$end" = exit ] && [ "$status" != 0 ]; then
  echo "claude exited with $status; see $out/claude.err and $out/stub.log" >&2
  exit "$status"
fi
if [ "$end" != exit ] && [ -z "$signal_ms" ]; then
  echo "claude exited ($status) before the model held a turn; see $out/claude.err and $out/stub.log" >&2
  exit 1
fi
echo "session done: $out"
