#!/usr/bin/env bash
# Compares l4lab's NVML sampler with nvidia-smi on a GPU machine: both sample
# at 10 Hz over the same window (under a GPU load if PyTorch is present), then
# compare_samples.py pairs samples by time and checks each field against a
# tolerance. Usage:
#   bench/telemetry/nvml_vs_smi.sh [L4LAB_BINARY] [SECONDS] [OUT_DIR]
# Prints a markdown table (for docs/perf/telemetry.md) and writes
# OUT_DIR/{nvml.jsonl,smi.csv,nvml_summary.json,compare.json}.
set -euo pipefail
L4LAB=${1:-build/src/cli/l4lab}
SECONDS_TO_RUN=${2:-20}
OUT=${3:-out/nvml_vs_smi}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

if python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
  # A varying load (busy 3 s / idle 2 s) so utilisation, power and clocks move.
  python3 - "$SECONDS_TO_RUN" <<'PY' &
import sys, time, torch
end = time.time() + float(sys.argv[1]) + 2
a = torch.randn(8192, 8192, device="cuda", dtype=torch.float16)
while time.time() < end:
    t = time.time()
    while time.time() - t < 3:
        a = (a @ a).clamp_(-1, 1)
    torch.cuda.synchronize()
    time.sleep(2)
PY
  pids+=($!)
  sleep 2
  echo "load: torch fp16 matmul, 3 s on / 2 s off" >&2
else
  echo "load: none (no torch with CUDA): an idle GPU is compared" >&2
fi

nvidia-smi --query-gpu=timestamp,index,name,memory.used,memory.total,utilization.gpu,power.draw,clocks.sm,temperature.gpu \
  --format=csv,noheader,nounits -lms 100 > "$OUT/smi.csv" &
pids+=($!)
"$L4LAB" telemetry sample --source nvml --hz 10 --seconds "$SECONDS_TO_RUN" \
  --out "$OUT/nvml.jsonl" > "$OUT/nvml_summary.json"
sleep 0.3
cleanup
pids=()
python3 "$HERE/compare_samples.py" "$OUT/nvml.jsonl" "$OUT/smi.csv" "$OUT/nvml_summary.json" \
  --json "$OUT/compare.json"
