#!/usr/bin/env bash
# Open-loop scheduling lag side by side, one run, same local server
# (sse_blaster, 1 thread, cpu 0; 16 chunks per request, 10 ms apart): l4lab
# bench vs AIPerf vs GuideLLM, Poisson arrivals (seed 1) at a ladder of rates,
# each client pinned to cpu 1, the clients interleaved at every rate (the
# order rotates from rate to rate) so that the shared machine's load falls on
# all alike. Lag = actual send - scheduled send, per request, from each
# client's own output (bench/client/openloop_lag.py says what each field is).
# Needs: build dir with l4lab and sse_blaster (BUILD, default build), the
# peers in .venv-peers, and an HF-loadable tokenizer folder for the peers
# (made below from mistral-common's v3 model, as in peers_compare.sh).
# Writes OUT/results.jsonl (one line per client and rate) and OUT/table.md.
# Env: RATES (default "5 10 20 50 100 200 500 1000 2000"), DUR (seconds of
# schedule per step, default 4), MIN_REQ (default 200): max(rate x DUR, MIN_REQ)
# requests per step; SEED (default 1); PATTERN (poisson, default, or constant:
# every client then sends at fixed intervals; not exercised in the recorded
# runs); ORDER (default 0: rotation offset
# of the client order).
# Before each client the script waits (up to 10 s) until cpu 1 is < 10% busy
# over 0.5 s (a previous client's processes may still be exiting) and records
# how busy each cpu was then, next to the load average.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
L4LAB=${L4LAB:-$BUILD/src/cli/l4lab}
BLASTER=${BLASTER:-$BUILD/bench/client/sse_blaster}
OUT=${OUT:-/tmp/client-peers-openloop}
RATES=${RATES:-"5 10 20 50 100 200 500 1000 2000"}
DUR=${DUR:-4}
MIN_REQ=${MIN_REQ:-200}
SEED=${SEED:-1}
PATTERN=${PATTERN:-poisson}
ORDER=${ORDER:-0}
PEERS=$ROOT/.venv-peers/bin
HERE=$ROOT/bench/client
TOK=$OUT/tok
PORT=18521
mkdir -p "$OUT"
"$ROOT/bench/client/make_peer_tokenizer.sh" "$TOK"
RU="python3 $HERE/rusage.py"
RES=$OUT/results.jsonl
: > "$RES"

taskset -c 0 "$BLASTER" --port $PORT --threads 1 --itl-us 10000 --tokens 16 > /dev/null 2>&1 &
BL=$!
trap 'kill $BL' EXIT
sleep 0.5

run_l4lab() {  # rate n dir
  rm -rf "$3"
  $RU "$3.time" taskset -c 1 "$L4LAB" bench --endpoint http://127.0.0.1:$PORT \
    --workload "$OUT/w.jsonl" --out "$3" --rate "$1" --arrival "$PATTERN" --seed "$SEED" \
    --model blaster --quiet > "$3.log" 2>&1
  python3 "$HERE/openloop_lag.py" l4lab "$3"
}
run_aiperf() {
  rm -rf "$3"
  $RU "$3.time" taskset -c 1 "$PEERS/aiperf" profile --model blaster \
    --url http://127.0.0.1:$PORT --endpoint-type chat --streaming \
    --request-rate "$1" --arrival-pattern "$PATTERN" --random-seed "$SEED" --request-count "$2" \
    --isl 30 --osl 16 --tokenizer "$TOK" --ui none --artifact-dir "$3" > "$3.log" 2>&1
  python3 "$HERE/openloop_lag.py" aiperf "$3" --rate "$1" --seed "$SEED" --pattern "$PATTERN"
}
run_guidellm() {
  rm -rf "$3"
  mkdir -p "$3"
  (cd "$3" && $RU "$3.time" taskset -c 1 "$PEERS/guidellm" run \
    --backend kind=openai_http,target=http://127.0.0.1:$PORT,model=blaster \
    --profile kind="$PATTERN",rate="$1" --seed kind=static,value="$SEED" \
    --constraint kind=max_requests,count="$2" \
    --data kind=synthetic_text,prompt_tokens=30,output_tokens=16 --tokenizer kind=hf_auto,model="$TOK" \
    --output kind=json --disable-console-interactive > "$3.log" 2>&1)
  python3 "$HERE/openloop_lag.py" guidellm "$3/benchmarks.json"
}

# Busy fraction of cpu0 and cpu1 over 0.5 s, from /proc/stat.
busy() { python3 - <<'PY'
import time
def snap():
    r = {}
    for line in open("/proc/stat"):
        f = line.split()
        if f[0] in ("cpu0", "cpu1"):
            v = list(map(int, f[1:9]))
            r[f[0]] = (sum(v), v[3] + v[4])
    return r
a = snap(); time.sleep(0.5); b = snap()
print(" ".join(f"{1 - (b[c][1] - a[c][1]) / max(1, b[c][0] - a[c][0]):.2f}" for c in ("cpu0", "cpu1")))
PY
}
settle() {
  for _ in $(seq 20); do
    B=$(busy)
    python3 -c "import sys; sys.exit(float('${B#* }') >= 0.10)" && break
  done
  echo "$B"
}

CLIENTS=(l4lab aiperf guidellm)
i=$ORDER
for R in $RATES; do
  N=$((R * DUR > MIN_REQ ? R * DUR : MIN_REQ))
  python3 "$HERE/make_workload.py" "$OUT/w.jsonl" --count $N --max-new-tokens 16
  for k in 0 1 2; do
    C=${CLIENTS[$(((i + k) % 3))]}
    D=$OUT/$C-$R
    BUSY=$(settle)
    LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
    T0=$(date +%s.%N)
    if A=$(run_$C "$R" "$N" "$D"); then :; else A='{"error": "run or analysis failed, see log"}'; fi
    T1=$(date +%s.%N)
    python3 - "$C" "$R" "$N" "$LOAD" "$T0" "$T1" "$D.time" "$A" "$BUSY" >> "$RES" <<'PY'
import json, sys
c, r, n, load, t0, t1, tf, a, busy = sys.argv[1:]
try:
    cpu = dict(kv.split("=") for kv in open(tf).read().split())
except OSError:
    cpu = {}
print(json.dumps({"client": c, "rate": int(r), "scheduled": int(n), "loadavg_before": load,
                  "cpu0_cpu1_busy_before": busy,
                  "wall_s": round(float(t1) - float(t0), 1), "cpu": cpu, **json.loads(a)}))
PY
    tail -1 "$RES"
  done
  i=$((i + 1))
done
python3 "$HERE/openloop_table.py" "$RES" | tee "$OUT/table.md"
