#!/usr/bin/env bash
# serve-sim speed and exact-mode accuracy, measured from a separate client
# process (sim_stream_bench). The server is pinned to ONE core with taskset;
# the client runs on other cores. Results: one JSON per case in $OUT, plus the
# server's CPU time over each case (from /proc/PID/stat). Record them in
# docs/perf/sim.md with the machine.
#
#   bench/sim/run_sim_bench.sh                       # local build-sim binaries
#   L4LAB=... BENCH=... TOK=... SERVER_CPU=0 CLIENT_CPUS=2-9 CLIENT_THREADS=8 bench/sim/run_sim_bench.sh
set -euo pipefail
L4LAB=${L4LAB:-build-sim/src/cli/l4lab}
BENCH=${BENCH:-build-sim/bench/sim/sim_stream_bench}
TOK=${TOK:-}
OUT=${OUT:-/tmp/sim-bench}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPUS=${CLIENT_CPUS:-1}
CLIENT_THREADS=${CLIENT_THREADS:-1}
BUSY_POLL=${BUSY_POLL:-0}  # 1: client threads spin instead of sleeping (needs a core each)
CASES=${CASES:-"accuracy speed10 speed16"}
PORT=${PORT:-18600}
WORKERS=${WORKERS:-1}  # serve-sim --workers (exact mode); give SERVER_CPU as many cores, e.g. 0-2
mkdir -p "$OUT"
ulimit -n "$(ulimit -Hn)" || true

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
user_ticks() { awk '{print $14}' "/proc/$1/stat"; }

run_case() {  # name ttft_ms itl_ms streams max_tokens requests_per_stream stagger_ms warmup_rounds
  local name=$1 ttft=$2 itl=$3 streams=$4 max_tokens=$5 rps=$6 stagger=${7:-0} warmup=${8:-0}
  PORT=$((PORT + 1))
  local tokargs=()
  [[ -n "$TOK" ]] && tokargs=(--tokenizer "$TOK")
  taskset -c "$SERVER_CPU" "$L4LAB" serve-sim --port "$PORT" --exact-ttft-ms "$ttft" \
    --exact-itl-ms "$itl" --workers "$WORKERS" "${tokargs[@]}" >"$OUT/server-$name.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 200); do grep -q "ready on" "$OUT/server-$name.log" && break; sleep 0.05; done
  local hz; hz=$(getconf CLK_TCK)
  local c0; c0=$(cpu_ticks "$pid")
  local u0; u0=$(user_ticks "$pid")
  local t0; t0=$(date +%s.%N)
  taskset -c "$CLIENT_CPUS" "$BENCH" --port "$PORT" --streams "$streams" --max-tokens "$max_tokens" \
    --requests-per-stream "$rps" --warmup-rounds "$warmup" --expect-ttft-ms "$ttft" --expect-itl-ms "$itl" \
    --threads "$CLIENT_THREADS" --stagger-ms "$stagger" --dump-ttft "$OUT/$name.ttft.csv" $([[ $BUSY_POLL == 1 ]] && echo --busy-poll) --out "$OUT/$name.json" >/dev/null || echo "case $name: client reported errors"
  local t1; t1=$(date +%s.%N)
  local c1; c1=$(cpu_ticks "$pid")
  local u1; u1=$(user_ticks "$pid")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 - "$OUT/$name.json" "$name" "$c0" "$c1" "$hz" "$t0" "$t1" "$u0" "$u1" <<'PY'
import json, sys
path, name = sys.argv[1], sys.argv[2]
c0, c1, hz, t0, t1, u0, u1 = map(float, sys.argv[3:10])
cpu, wall = (c1 - c0) / hz, t1 - t0
j = json.load(open(path))
j["case"] = name
j["server_workers"] = int(__import__("os").environ.get("WORKERS", "1"))
j["server_cpu_s"] = cpu
j["server_cpu_share_of_one_core"] = cpu / wall
j["server_user_cpu_s"] = (u1 - u0) / hz
j["server_user_us_per_chunk"] = 1e6 * (u1 - u0) / hz / max(1, j["content_chunks"])
j["server_cpu_us_per_chunk"] = 1e6 * cpu / max(1, j["content_chunks"])
json.dump(j, open(path, "w"), indent=2)
t, i = j["ttft_error_ms"] or {}, j["itl_error_ms"] or {}
print(f"{name}: streams={j['streams']} chunks/s={j['chunks_per_s']:.0f} tokens/s={j['tokens_per_s']:.0f} "
      f"cpu_us/chunk={j['server_cpu_us_per_chunk']:.2f} (user {j['server_user_us_per_chunk']:.2f}) "
      f"stagger_ms={j['stagger_ms']} busy_poll={j['busy_poll']} errors={j['errors']} server_cpu={cpu/wall:.2f} core | TTFT err ms p50/p99/max "
      f"{t.get('abs_p50',0):.3f}/{t.get('abs_p99',0):.3f}/{t.get('abs_max',0):.3f} | ITL err ms "
      f"p50/p99/max {i.get('abs_p50',0):.3f}/{i.get('abs_p99',0):.3f}/{i.get('abs_max',0):.3f}")
PY
}

for c in $CASES; do
  case $c in
    accuracy) run_case accuracy 50 10 256 200 3 10 1 ;;  # the must-show: 256 streams, arrivals spread over one gap, first round = warm-up
    burst) run_case burst 50 10 256 200 2 0 ;;         # 256 requests sent at the same instant
    speed10) run_case speed10 50 10 5000 300 1 10 ;;    # 5000 streams x 100 chunks/s = 500k chunks/s asked
    speed16) run_case speed16 50 16 5000 200 1 16 ;;    # 5000 streams x 62.5 chunks/s = 312k chunks/s asked
    speed20) run_case speed20 50 20 5000 150 1 20 ;;    # 250k chunks/s asked
    accuracy1k) run_case accuracy1k 50 10 1000 200 1 ;;
    *) echo "unknown case $c" >&2; exit 2 ;;
  esac
done
