#!/usr/bin/env bash
# Runs one scripted session of the real Claude Code CLI against model_stub.js, with OTLP export
# to the given endpoint, and returns when the CLI has exited (it flushes its telemetry at exit).
#
#   local/realclient/drive.sh --endpoint http://127.0.0.1:4318/api/otel --token <ingest token>
#       [--protocol http/protobuf|http/json] [--temporality delta|cumulative] [--gzip]
#       [--no-resource-attrs] [--commit] [--out DIR]
#
# The CLI (pinned below) is installed with npm into ~/.cache/ccotel-realclient when missing
# (CCOTEL_REALCLIENT_CACHE to change). Each run gets a throwaway HOME and working directory under
# --out (default: a new temp dir), which also keeps the CLI's and the stub's output.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLI_VERSION=2.1.331
CACHE="${CCOTEL_REALCLIENT_CACHE:-$HOME/.cache/ccotel-realclient}"
CLI="$CACHE/node_modules/.bin/claude"

endpoint="" token="" protocol=http/protobuf temporality="" gzip=0 resource_attrs=1 commit=0 out=""
usage() { sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
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
    *) usage ;;
  esac
done
[ -n "$endpoint" ] && [ -n "$token" ] || usage

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

stub_args=(--port-file "$out/stub.port" --workdir "$out/work" --delay-ms "${CCOTEL_STUB_DELAY_MS:-1000}")
[ "$commit" = 1 ] && stub_args+=(--commit)
node "$HERE/model_stub.js" "${stub_args[@]}" 2>"$out/stub.log" &
stub_pid=$!
trap 'kill "$stub_pid" 2>/dev/null || true; wait "$stub_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [ -s "$out/stub.port" ] && break
  kill -0 "$stub_pid" 2>/dev/null || { cat "$out/stub.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$out/stub.port" ] || { echo "model stub did not start" >&2; exit 1; }

# Only what the session needs reaches the CLI: a clean environment with telemetry switched on,
# short export intervals (several exports in a few seconds), and the stub as the model API.
client_env=(
  PATH="$PATH"
  HOME="$out/home"
  ANTHROPIC_BASE_URL="http://127.0.0.1:$(cat "$out/stub.port")"
  ANTHROPIC_API_KEY=sk-ant-offline-stub
  ANTHROPIC_MODEL=claude-sonnet-4-5-20250929
  ANTHROPIC_SMALL_FAST_MODEL=claude-haiku-4-5-20251001
  ANTHROPIC_DEFAULT_HAIKU_MODEL=claude-haiku-4-5-20251001
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
  CLAUDE_CODE_ENABLE_TELEMETRY=1
  OTEL_METRICS_EXPORTER=otlp
  OTEL_LOGS_EXPORTER=otlp
  OTEL_METRIC_EXPORT_INTERVAL=1000
  OTEL_LOGS_EXPORT_INTERVAL=500
  OTEL_EXPORTER_OTLP_PROTOCOL="$protocol"
  OTEL_EXPORTER_OTLP_ENDPOINT="$endpoint"
  OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer $token"
)
[ "$resource_attrs" = 1 ] &&
  client_env+=(OTEL_RESOURCE_ATTRIBUTES="user.email=dev@example.com,user.name=First%20Last,department=eng")
[ -n "$temporality" ] && client_env+=(OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE="$temporality")
[ "$gzip" = 1 ] && client_env+=(OTEL_EXPORTER_OTLP_COMPRESSION=gzip)

allowed=(Write Agent)
[ "$commit" = 1 ] && allowed+=(Bash)
status=0
(cd "$out/work" && env -i "${client_env[@]}" timeout 120 "$CLI" -p "Create hello.py that prints hello" \
  --permission-mode acceptEdits --allowedTools "${allowed[@]}") \
  </dev/null >"$out/claude.out" 2>"$out/claude.err" || status=$?
if [ "$status" != 0 ]; then
  echo "claude exited with $status; see $out/claude.err and $out/stub.log" >&2
  exit "$status"
fi
echo "session done: $out"
