#!/usr/bin/env bash
# CPU cost of the lab's run-time telemetry: the GPU sampler thread at 10 Hz
# plus the /metrics scraper at 1 Hz against a running serve-sim, measured with
# getrusage over the whole l4lab process (which does nothing else).
# Usage: bench/telemetry/cost.sh [L4LAB_BINARY] [SECONDS] [SOURCE]
#   SOURCE: synthetic (no GPU here: fixed values, the loop + JSON + write(2)
#   path) or nvml on a GPU machine.
set -euo pipefail
L4LAB=${1:-build/src/cli/l4lab}
SECS=${2:-60}
SOURCE=${3:-synthetic}
OUT=${OUT:-out/telemetry_cost}
mkdir -p "$OUT"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$L4LAB" serve-sim --config configs/sim-profiles/l4-mistral7b.yaml --port "$PORT" > "$OUT/sim.log" 2>&1 &
SIM=$!
trap 'kill $SIM 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done
"$L4LAB" telemetry sample --source "$SOURCE" --hz 10 --seconds "$SECS" --out "$OUT/gpu.jsonl" \
  --metrics-url "http://127.0.0.1:$PORT/metrics" --metrics-hz 1 | tee "$OUT/summary.json"
