#!/usr/bin/env bash
# The kernel's floor per small loopback TCP send on this machine, send() vs
# io_uring (bench/sim/loopback_floor.cpp): the sender pinned to SENDER_CPU,
# saturated (rounds back to back), receivers on RECV_CPUS, sleeping in
# epoll_wait or busy-polling. One JSON line per case in $OUT/floor.jsonl.
#   FLOOR=build-sim/bench/sim/loopback_floor SENDER_CPU=0 RECV_CPUS=2-9 RECV_THREADS=8 \
#     OUT=/tmp/floor bench/sim/run_floor.sh
set -euo pipefail
FLOOR=${FLOOR:-build-sim/bench/sim/loopback_floor}
SENDER_CPU=${SENDER_CPU:-0}
RECV_CPUS=${RECV_CPUS:-1}
RECV_THREADS=${RECV_THREADS:-1}
OUT=${OUT:-/tmp/floor}
SECONDS_PER_CASE=${SECONDS_PER_CASE:-4}
CONNS=${CONNS:-"1000 5000"}
BYTES=${BYTES:-330}
REPEATS=${REPEATS:-2}
PORT=${PORT:-18700}
mkdir -p "$OUT"
ulimit -n "$(ulimit -Hn)" || true
for rep in $(seq "$REPEATS"); do
  for conns in $CONNS; do
    for recv in sleep busy; do
      for mode in send uring; do
        PORT=$((PORT + 1))
        taskset -c "$SENDER_CPU" "$FLOOR" --role send --mode "$mode" --port "$PORT" --conns "$conns" \
          --interval-us 1 --seconds "$SECONDS_PER_CASE" --bytes "$BYTES" >"$OUT/case.json" 2>/dev/null &
        S=$!
        sleep 0.3
        taskset -c "$RECV_CPUS" "$FLOOR" --role recv --port "$PORT" --conns "$conns" \
          --threads "$RECV_THREADS" $([[ $recv == busy ]] && echo --busy-poll) >/dev/null
        wait "$S"
        python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); j["receiver"]=sys.argv[2]; j["repeat"]=int(sys.argv[3]); print(json.dumps(j))' \
          "$OUT/case.json" "$recv" "$rep" | tee -a "$OUT/floor.jsonl"
      done
    done
  done
done
