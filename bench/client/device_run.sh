#!/usr/bin/env bash
# Client measurements on a quiet many-core machine (the lent device host).
# Expects the bundle in build-client/device/{bin,lib} (l4lab-bench = l4lab
# with the bench command, l4lab-sim = l4lab with serve-sim, sse_blaster) and
# writes results under $OUT (default /tmp/client-perf).
# Usage: bench/client/device_run.sh [known|throughput|throughput-sim|memory|openloop|all]
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
D=$ROOT/build-client/device
export LD_LIBRARY_PATH=$D/lib
export L4LAB_TOKENIZER=$D/mistral_instruct_tokenizer_240323.model.v3
OUT=${OUT:-/tmp/client-perf}
mkdir -p "$OUT"
BENCH=${BENCH:-$D/bin/l4lab-bench}
WHAT=${1:-all}
ulimit -n 1048576 2>/dev/null || ulimit -n 65536

wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; return 1; }
summ() { python3 - "$1" <<'PY'
import json, sys
b = json.load(open(sys.argv[1] + "/bench.json")); s = b["summary"]
n = 0
for l in open(sys.argv[1] + "/traces.jsonl"):
    n += len(json.loads(l)["chunks"])
d = s["window"]["duration_s"]
print(json.dumps({"status": b["outcome"]["status"], "ok": s["requests"]["ok"], "failed": s["requests"]["failed"],
                  "chunks": n, "window_s": round(d, 3), "chunks_per_s": round(n / d) if d else None,
                  "lag_p99_ms": s["scheduling_lag_ms"].get("p99"), "lag_p50_ms": s["scheduling_lag_ms"].get("p50"),
                  "ttft_p50_ms": s["ttft_ms"].get("p50"), "itl_p50_ms": s["itl_ms"].get("p50"),
                  "itl_p99_ms": s["itl_ms"].get("p99")}))
PY
}

# One closed-loop ceiling case: C streams x TP_ROUNDS requests of 256 tokens,
# client pinned to cpu 1, whole-run and steady-state lines appended to RESULTS.
ceiling() {  # TAG PORT RESULTS LABEL C [bench args...]
  local tag=$1 port=$2 res=$3 label=$4 C=$5
  shift 5
  python3 "$HERE/make_workload.py" "$OUT/$tag.jsonl" --count $((C * ${TP_ROUNDS:-3})) --max-new-tokens 256
  rm -rf "${OUT:?}/$tag-$C"
  python3 "$HERE/rusage.py" "$OUT/$tag-$C.time" \
    taskset -c 1 $BENCH bench --endpoint http://127.0.0.1:$port --workload "$OUT/$tag.jsonl" \
    --out "$OUT/$tag-$C" --concurrency "$C" --quiet "$@"
  echo "${label}concurrency $C: $(cat "$OUT/$tag-$C.time") $(summ "$OUT/$tag-$C")" | tee -a "$res"
  echo "${label}concurrency $C steady: $(python3 "$HERE/steady_state.py" "$OUT/$tag-$C" \
    "$OUT/$tag-$C.time.samples")" | tee -a "$res"
  rm -f "$OUT/$tag-$C/traces.jsonl" "$OUT/$tag.jsonl"
}

echo "host: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"

if [[ $WHAT == known || $WHAT == all ]]; then
  echo "== known answers: serve-sim exact 50/10, 256 concurrent streams"
  (cd "$ROOT" && exec taskset -c 8-15 ${SIM:-$D/bin/l4lab-sim} serve-sim --config configs/sim-profiles/exact-50-10.yaml \
      --port 18600 --tokenizer "$L4LAB_TOKENIZER" > "$OUT/sim.log" 2>&1) &
  SIM=$!
  wait_port 18600
  python3 "$HERE/make_workload.py" "$OUT/known.jsonl" --count 1024 --max-new-tokens 64
  rm -rf "$OUT/known"
  # The 256 slots open over one request's duration (50 + 63 x 10 ms), so first
  # tokens are not all due at one instant (KNOWN_RAMP_S=0: all at once, a
  # synchronised burst that one serve-sim core sends one after another).
  taskset -c 1 $BENCH bench --endpoint http://127.0.0.1:18600 --workload "$OUT/known.jsonl" --out "$OUT/known" \
      --concurrency 256 --ramp-up-s "${KNOWN_RAMP_S:-0.68}" --warmup-requests 256 --ignore-eos --quiet
  python3 "$HERE/trace_stats.py" "$OUT/known" --ttft-ms 50 --itl-ms 10 | tee "$OUT/known_answers.json"
  kill $SIM; wait $SIM 2>/dev/null
fi

if [[ $WHAT == throughput || $WHAT == all ]]; then
  echo "== throughput: client pinned to one core (cpu 1), sse_blaster on cpus 4-15"
  taskset -c 4-15 $D/bin/sse_blaster --port 18601 --threads 12 --itl-us 10000 --tokens 256 > "$OUT/blaster.log" 2>&1 &
  BL=$!
  wait_port 18601
  for C in ${TP_STREAMS:-1000 4000 8000}; do
    ceiling tp 18601 "$OUT/throughput.txt" "" "$C" --model blaster
  done
  kill $BL; wait $BL 2>/dev/null
fi

if [[ $WHAT == throughput-sim ]]; then
  # The same ceiling with serve-sim as the server (exact mode, a token every
  # 10 ms, SIMULATED) on SIM_WORKERS event loops, cpus 4-15: is serve-sim
  # (with --workers) ever the limit of the lab's own client benchmark?
  echo "== throughput against serve-sim --workers ${SIM_WORKERS:-8}: client on cpu 1"
  (cd "$ROOT" && exec taskset -c 4-15 ${SIM:-$D/bin/l4lab-sim} serve-sim --exact-ttft-ms 50 \
      --exact-itl-ms 10 --workers "${SIM_WORKERS:-8}" --port 18604 --tokenizer "$L4LAB_TOKENIZER" \
      > "$OUT/sim-tp.log" 2>&1) &
  SIM_PID=$!
  wait_port 18604
  for C in ${TP_STREAMS:-4000}; do
    ceiling tps 18604 "$OUT/throughput-sim.txt" "serve-sim " "$C" --ramp-up-s 2.55 --ignore-eos
  done
  kill $SIM_PID; wait $SIM_PID 2>/dev/null
fi

if [[ $WHAT == memory || $WHAT == all ]]; then
  echo "== memory per in-flight stream: RSS with 1 vs 4000 streams in flight (mid-stream)"
  taskset -c 4-15 $D/bin/sse_blaster --port 18602 --threads 12 --itl-us 10000 --tokens 400 > /dev/null 2>&1 &
  BL=$!
  wait_port 18602
  for C in 1 4000; do
    python3 "$HERE/make_workload.py" "$OUT/mem.jsonl" --count $C --max-new-tokens 400
    rm -rf "$OUT/mem-$C"
    taskset -c 1 $BENCH bench --endpoint http://127.0.0.1:18602 --workload "$OUT/mem.jsonl" --out "$OUT/mem-$C" \
      --concurrency $C --model blaster --quiet &
    P=$!
    sleep 3
    RSS=$(awk '/VmRSS/ {print $2}' /proc/$P/status)
    wait $P
    echo "streams=$C rss_kb=$RSS" | tee -a "$OUT/memory.txt"
    rm -f "$OUT/mem-$C/traces.jsonl" "$OUT/mem.jsonl"
  done
  kill $BL; wait $BL 2>/dev/null
fi

if [[ $WHAT == openloop || $WHAT == all ]]; then
  echo "== open loop: Poisson rate sweep, client on one core, 16-token requests"
  taskset -c 4-15 $D/bin/sse_blaster --port 18603 --threads 12 --itl-us 10000 --tokens 16 > /dev/null 2>&1 &
  BL=$!
  wait_port 18603
  for R in ${OL_RATES:-1000 2000 4000 8000 16000}; do
    python3 "$HERE/make_workload.py" "$OUT/ol.jsonl" --count $((R * 4)) --max-new-tokens 16
    rm -rf "$OUT/ol-$R"
    python3 "$HERE/rusage.py" "$OUT/ol-$R.time" taskset -c 1 $BENCH bench \
      --endpoint http://127.0.0.1:18603 --workload "$OUT/ol.jsonl" --out "$OUT/ol-$R" \
      --rate $R --arrival poisson --seed 1 --model blaster --quiet
    echo "rate $R: $(cat "$OUT/ol-$R.time") $(summ "$OUT/ol-$R")" | tee -a "$OUT/openloop.txt"
    rm -f "$OUT/ol-$R/traces.jsonl" "$OUT/ol.jsonl"
  done
  kill $BL; wait $BL 2>/dev/null
fi
