#!/usr/bin/env bash
# coverage.sh: does the capacity interval cover the capacity? Measured in
# MODEL TIME on the twin (docs/CAPACITY.md#coverage): everything here is
# PREDICTED by a calibrated profile, not measured on a GPU.
#  1. the search of the H200 sittings (start 8 req/s, 40 s steps after a 10 s
#     warm-up, at most 7 steps, resolution 5%) for C1 and C8 with schedule
#     seeds 1..SEEDS (`l4lab predict --capacity`);
#  2. one long step (300 s after the warm-up) at fixed rates, seeds 201..210,
#     pooled: the fraction of requests beyond the TTFT limit at each rate,
#     whose 5% crossing is the reference capacity r*;
#  3. coverage.py: how many searches' intervals hold r*, how often two seeds'
#     intervals are disjoint, and each rate's step outcomes.
#   bench/capacity/coverage.sh [OUT=/tmp/capcov] [SEEDS=20] [STEP_S=40]
# STEP_S: the searches' step length (the reference's long steps stay 300 s).
# Needs build/src/cli/l4lab and the H200 workload (unpacked from
# docs/results/2026-12-01-vllm-h200/workload/prompts.jsonl.xz). About 1 min.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-/tmp/capcov}
SEEDS=${2:-20}
STEP_S=${3:-40}
LAB=build/src/cli/l4lab
PROFILE=configs/sim-profiles/h200-mistral7b-ladder-calibrated.yaml
PLAN=plans/vllm-h200-dummy.yaml
mkdir -p "$OUT"
rm -f "$OUT/predict.log"  # each predict's one-line summary (stderr) goes here
[ -f "$OUT/prompts.jsonl" ] ||
  xz -dc docs/results/2026-12-01-vllm-h200/workload/prompts.jsonl.xz > "$OUT/prompts.jsonl"
common=(--profile "$PROFILE" --capacity --slo ttft_p95_ms=2000 --slo tpot_p95_ms=100
  --warmup-s 10 --resolution 0.05 --workload "$OUT/prompts.jsonl")
for s in $(seq 1 "$SEEDS"); do
  "$LAB" predict "$PLAN" "${common[@]}" --only C1,C8 --start-rate 8 --step-s "$STEP_S" --max-steps 7 \
    --seed "$s" --out "$OUT/search-seed-$s" >/dev/null 2>>"$OUT/predict.log"
done
fixed() {  # CONFIG RATE...
  local cfg=$1; shift
  for r in "$@"; do
    for s in $(seq 201 210); do
      "$LAB" predict "$PLAN" "${common[@]}" --only "$cfg" --start-rate "$r" --step-s 300 \
        --max-steps 1 --seed "$s" --out "$OUT/fixed-$cfg-$r-$s" >/dev/null 2>>"$OUT/predict.log"
    done
  done
}
fixed C1 11 11.5 12 12.5 13 13.5 14
fixed C8 14 15 15.5 16 16.5 17 18
python3 bench/capacity/coverage.py "$OUT"
