#!/usr/bin/env python3
"""What each way of ending a Claude Code session loses, measured with the real CLI.

For each ending (exit, INT, TERM, HUP, KILL) it makes a connection on a running `./ccotel local`,
generates that connection's Claude Code settings with `ccotel connection settings` (the default
export intervals, or --export-interval), runs a busy session with them through drive.sh (Write,
Edit, Bash, turn after turn) and ends it that way after --turns model turns, then compares the
tokens ccotel counted with the tokens the model stub served (what the CLI used).

    ./ccotel local --port 0 --data DIR &
    local/realclient/measure-endings.py DIR [--turns 10] [--delay-ms 3000]
        [--export-interval I] [--out FILE] [ENDING...]
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CCOTEL = os.path.join(ROOT, "ccotel")
TOKEN_KINDS = ("input", "output", "cache_read", "cache_creation")


def ccotel(*args):
    return subprocess.run([CCOTEL, *args], check=True, capture_output=True, text=True).stdout


def records(port, read_token):
    today = datetime.datetime.now(datetime.timezone.utc).date()
    url = (f"http://127.0.0.1:{port}/api/usage/claude_code"
           f"?starting_at={today - datetime.timedelta(days=1)}&ending_at={today}")
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + read_token})
    return json.load(urllib.request.urlopen(request))["data"]


def counted_tokens(data):
    tokens = {}
    for record in data:
        for model in record["model_breakdown"]:
            total = tokens.setdefault(model["model"], dict.fromkeys(TOKEN_KINDS, 0))
            for kind in TOKEN_KINDS:
                total[kind] += model["tokens"][kind]
    return tokens


def run(ending, args, port, work):
    conn = json.loads(ccotel("connection", "create", "--name", f"endings-{ending}", "--json",
                             "--data", args.data))
    settings_args = ["connection", "settings", "--ingest-token", conn["ingestToken"],
                     "--endpoint", f"http://127.0.0.1:{port}/api/otel",
                     "--email", "dev@example.com", "--user-name", "First Last"]
    if args.export_interval:
        settings_args += ["--export-interval", args.export_interval]
    settings = os.path.join(work, f"{ending}-settings.json")
    with open(settings, "w") as f:
        f.write(ccotel(*settings_args))
    out = os.path.join(work, ending)
    drive = [os.path.join(HERE, "drive.sh"), "--settings", settings, "--out", out,
             "--delay-ms", str(args.delay_ms), "--timeout", str(args.turns * 30 + 120)]
    if ending == "exit":
        drive += ["--busy-turns", str(args.turns)]
    else:
        drive += ["--busy-turns", "100000", "--end", ending, "--after-turns", str(args.turns)]
    result = subprocess.run(drive, capture_output=True, text=True)
    session = json.load(open(os.path.join(out, "session.json")))
    served = json.load(open(os.path.join(out, "served.json")))
    time.sleep(args.settle)  # the flush at exit, then the queue to the aggregator
    data = records(port, conn["readToken"])
    counted = counted_tokens(data)
    lost = {model: {kind: used[kind] - counted.get(model, {}).get(kind, 0) for kind in TOKEN_KINDS}
            for model, used in served["usage"].items()}
    row = {
        "ending": ending if ending == "exit" else "SIG" + ending,
        "turns_answered": served["mainAnswered"],
        "session_seconds": round((session["ended_ms"] - session["started_ms"]) / 1000, 1),
        "exit_status": session["exit_status"],
        "drive_status": result.returncode,
        "exit_ms_after_signal": None if session["signal_ms"] is None
        else session["ended_ms"] - session["signal_ms"],
        "served_tokens": served["usage"],
        "counted_tokens": counted,
        "lost_tokens": lost,
        "exact": all(v == 0 for per in lost.values() for v in per.values()) and set(counted) <= set(lost),
        "counted_api_requests": {m: sum(r["ccotel"]["api_requests"].get(m, 0) for r in data)
                                 for m in served["requests"]},
        "served_api_requests": served["requests"],
        "api_errors": sum(r["ccotel"]["api_errors"] for r in data),
    }
    print(f"{row['ending']:>8}: turns {row['turns_answered']}, exit {row['exit_status']}"
          f" ({row['exit_ms_after_signal']} ms after the signal), exact {row['exact']},"
          f" lost {json.dumps(lost)}", flush=True)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data")
    parser.add_argument("endings", nargs="*", default=["exit", "INT", "TERM", "HUP", "KILL"])
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--delay-ms", type=int, default=3000)
    parser.add_argument("--export-interval", default=None)
    parser.add_argument("--settle", type=float, default=8.0)
    parser.add_argument("--out", default=None)
    args = parser.parse_intermixed_args()
    port = json.load(open(os.path.join(args.data, "runtime.json")))["port"]
    work = tempfile.mkdtemp(prefix="ccotel-endings-")
    print(f"sessions in {work}", file=sys.stderr)
    rows = [run(ending, args, port, work) for ending in args.endings]
    result = {
        "what": "tokens the model stub served vs tokens ccotel counted, per way of ending a busy "
                "session of the real Claude Code CLI run with ccotel's generated settings",
        "export_interval": args.export_interval or "default",
        "turns": args.turns,
        "delay_ms": args.delay_ms,
        "rows": rows,
    }
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
        print(f"written: {args.out}")


if __name__ == "__main__":
    main()
