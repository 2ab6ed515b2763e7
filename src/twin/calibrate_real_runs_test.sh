#!/usr/bin/env bash
# Known-answer test of the twin on the committed real runs (vLLM 0.25.0 on an
# H200, docs/results/2026-12-01-vllm-h200/runs.tar.xz): calibrate on C1
# trial 1, hold out C1 trial 2, and require the held-out errors the issue
# asks for (TTFT/TPOT p50 and output throughput within 10%, p95 within 15%);
# then predict the plan's configurations and check the report labels them
# PREDICTED. Usage: calibrate_real_runs_test.sh L4LAB SOURCE_DIR WORK_DIR
set -euo pipefail
l4lab=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work/runs"
tar -xJf "$src/docs/results/2026-12-01-vllm-h200/runs.tar.xz" -C "$work/runs"
xz -dc "$src/docs/results/2026-12-01-vllm-h200/workload/prompts.jsonl.xz" > "$work/prompts.jsonl"
cd "$src"
"$l4lab" calibrate "$work/runs/C1/trial-1" --validate "$work/runs/C1/trial-2" \
  --validate "$work/runs/C8" --out "$work/profile.yaml" > "$work/calibrate.log"
# calibration.validation.relative_error (held-out C1): metric: value lines.
awk '/^    relative_error:$/ {on=1; next} on && /^      [a-z0-9_]+: / {print $1, $2; next} on {exit}' \
  "$work/profile.yaml" > "$work/errors.txt"
check() {  # metric bound
  local v
  v=$(awk -v m="$1:" '$1 == m {print $2}' "$work/errors.txt")
  [[ -n $v ]] || { echo "FAIL: no held-out error for $1"; exit 1; }
  awk -v v="$v" -v b="$2" -v m="$1" 'BEGIN {a = v < 0 ? -v : v; if (a > b) {print "FAIL: " m " error " v " exceeds " b; exit 1} print "ok: " m " " v}'
}
check ttft_p50_ms 0.10
check tpot_p50_ms 0.10
check output_tok_s 0.10
check ttft_p95_ms 0.15
check tpot_p95_ms 0.15
grep -q "relative_error_by_config:" "$work/profile.yaml"
"$l4lab" predict plans/vllm-h200-dummy.yaml --profile "$work/profile.yaml" \
  --workload "$work/prompts.jsonl" --schedule "$work/runs/C1/trial-1/schedule.jsonl" \
  --out "$work/pred" > "$work/predict.log"
[[ $(ls -d "$work"/pred/*/trial-1 | wc -l) -eq 10 ]] || { echo "FAIL: not 10 configurations"; exit 1; }
grep -q '"predicted": true' "$work/pred/C8/trial-1/run_manifest.json"
"$l4lab" report "$work/pred" > "$work/report.log"
grep -q '^> \*\*PREDICTED\*\*' "$work/pred/report.md" || { echo "FAIL: no PREDICTED banner"; exit 1; }
grep -q 'C8 (PREDICTED)' "$work/pred/report.md" || { echo "FAIL: C8 not labelled"; exit 1; }
# An eager run first (as the base) is refused: its step cost would go into the
# base slopes and the eager constant would be added on top of it.
rc=0
"$l4lab" calibrate "$work/runs/C3/trial-1" "$work/runs/C1/trial-1" --out "$work/eager-base.yaml" \
  > /dev/null 2> "$work/eager-base.err" || rc=$?
[[ $rc -eq 2 ]] || { echo "FAIL: an eager base run gave exit $rc, not 2"; exit 1; }
grep -q 'C3/trial-1: the first run (the base of the fit) ran with --enforce-eager' "$work/eager-base.err" ||
  { echo "FAIL: no eager-base message:"; cat "$work/eager-base.err"; exit 1; }
[[ ! -e $work/eager-base.yaml ]] || { echo "FAIL: a profile was written from an eager base"; exit 1; }
echo "twin real-runs test: ok"
