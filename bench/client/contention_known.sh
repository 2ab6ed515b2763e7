#!/usr/bin/env bash
# Known-answer benchmark under CPU contention (issue 12, docs/perf/client.md
# "Known answers under contention"): serve-sim exact mode (first content at
# 50 ms, then a chunk every 10 ms), 256 concurrent streams, while
# `stress-ng --cpu $(nproc)` keeps every core busy; the client runs plain,
# with --cpus, with --realtime and with both. For each case: TTFT and ITL
# |error| against the known answer (trace_stats.py) and the run's own
# timing_quality verdict (docs/METRICS.md#timing-quality).
#
# The server is pinned to CPU 0 at SCHED_FIFO 20 so that the answer stays
# known while every core is busy: what is measured is the client's error.
#
# Usage: bench/client/contention_known.sh [OUT_DIR]
#   L4LAB=path/to/l4lab  COUNT=3072 (requests per case, 64 tokens each)
#   CLIENT_CPU=1 (the --cpus value)  L4LAB_TOKENIZER=... (serve-sim's tokenizer)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${1:-/tmp/contention-known}
L4LAB=${L4LAB:-$ROOT/build/src/cli/l4lab}
COUNT=${COUNT:-3072}
CLIENT_CPU=${CLIENT_CPU:-1}
PORT=${PORT:-18620}
mkdir -p "$OUT"
command -v stress-ng > /dev/null || { echo "needs stress-ng (apt-get install -y stress-ng)" >&2; exit 2; }
ulimit -n 65536 2> /dev/null || true

wait_port() { for _ in $(seq 100); do (exec 3<> /dev/tcp/127.0.0.1/$1) 2> /dev/null && return 0; sleep 0.1; done; return 1; }

(cd "$ROOT" && exec taskset -c 0 chrt -f 20 "$L4LAB" serve-sim --config configs/sim-profiles/exact-50-10.yaml \
  --port "$PORT" > "$OUT/sim.log" 2>&1) &
SIM=$!
trap 'kill $SIM 2> /dev/null; [ -n "${STRESS:-}" ] && kill $STRESS 2> /dev/null; true' EXIT
wait_port "$PORT"
python3 "$HERE/make_workload.py" "$OUT/known.jsonl" --count "$COUNT" --max-new-tokens 64 > /dev/null

# case name, stress (0/1), extra bench options
run_case() {
  local name=$1 stress=$2
  shift 2
  rm -rf "$OUT/$name"
  STRESS=
  if [ "$stress" = 1 ]; then
    stress-ng --cpu "$(nproc)" --quiet > /dev/null 2>&1 &
    STRESS=$!
    sleep 1
  fi
  "$L4LAB" bench --endpoint "http://127.0.0.1:$PORT" --workload "$OUT/known.jsonl" --out "$OUT/$name" \
    --concurrency 256 --ramp-up-s 0.68 --warmup-requests 256 --ignore-eos --quiet "$@" || true
  if [ -n "$STRESS" ]; then kill "$STRESS"; wait "$STRESS" 2> /dev/null || true; STRESS=; fi
  python3 - "$OUT/$name" "$name" "$stress" "$*" <<'PY'
import json, subprocess, sys
d, name, stress, opts = sys.argv[1:5]
ts = json.loads(subprocess.run([sys.executable, "bench/client/trace_stats.py",
                                d, "--ttft-ms", "50", "--itl-ms", "10"], capture_output=True, text=True).stdout)
b = json.load(open(d + "/bench.json"))
tq = b["timing_quality"]
print(json.dumps({"case": name, "stress": stress == "1", "options": opts, "ok": ts["requests_ok"],
                  "failed": ts["requests_failed"],
                  "ttft_p99_abs_err_ms": round(ts["ttft"]["p99_abs_error_ms"], 3),
                  "itl_p99_abs_err_ms": round(ts["itl"]["p99_abs_error_ms"], 3),
                  "ttft_max_abs_err_ms": round(ts["ttft"]["max_abs_error_ms"], 3),
                  "canary_p99_ms": round(tq["canary_lateness_ms"]["p99"], 3),
                  "canary_max_ms": round(tq["canary_lateness_ms"]["max"], 3),
                  "coalesced_reads": tq["reads"]["coalesced_reads"],
                  "verdict": tq["verdict"], "scheduling": b["scheduling"]}))
PY
}

cd "$ROOT"
{
  run_case quiet-plain 0
  run_case stress-plain 1
  run_case stress-cpus 1 --cpus "$CLIENT_CPU"
  run_case stress-realtime 1 --realtime
  run_case stress-cpus-realtime 1 --cpus "$CLIENT_CPU" --realtime
} | tee "$OUT/results.jsonl"
