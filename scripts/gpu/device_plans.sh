#!/usr/bin/env bash
# device_plans.sh BUDGET_S PLAN...: several small studies in one background
# piece (the calibration ladder of docs/TWIN.md#calibration-plan), one after
# another on one host, each a new study in its own runs folder
# (/tmp/cal/<plan file name>, NO_SEED: nothing to resume) through
# device_piece.sh, under one wall-clock budget for all of them. Each plan's
# run folders come back as $OUT/piece-<plan file name>.tar.xz. A plan whose
# workload is runs/workload/prefill-L-8.jsonl gets it derived here from the
# default workload (bucket L, max_new_tokens 8; docs/TWIN.md gives the same
# with jq). Stops at the first plan that fails or when the budget is spent.
#   PIECE=scripts/gpu/device_plans.sh bash scripts/gpu/device_piece_bg.sh start 1100 plans/a.yaml plans/b.yaml
set -uo pipefail
cd "$(dirname "$0")/../.."
BUDGET=$1; shift
. scripts/gpu/device_lab.sh
OUTDIR=${OUT:-/tmp/out}; mkdir -p "$OUTDIR"
if [ ! -f runs/workload/prefill-L-8.jsonl ]; then
  python3 - <<'PY' || { echo "device_plans: cannot derive runs/workload/prefill-L-8.jsonl"; exit 2; }
import json
with open("runs/workload/prompts.jsonl") as src, open("runs/workload/prefill-L-8.jsonl", "w") as dst:
    for line in src:
        r = json.loads(line)
        if r.get("bucket") == "L":
            r["max_new_tokens"] = 8
            dst.write(json.dumps(r, separators=(",", ":"), ensure_ascii=False) + "\n")
PY
  echo "device_plans: derived runs/workload/prefill-L-8.jsonl ($(wc -l < runs/workload/prefill-L-8.jsonl) requests)"
fi
start=$(date +%s); rc=0
for plan in "$@"; do
  left=$((BUDGET - ($(date +%s) - start)))
  name=$(basename "$plan" .yaml)
  if [ "$left" -lt 120 ]; then echo "device_plans: ${left}s left, not starting $name"; rc=3; break; fi
  mkdir -p "$OUTDIR/$name"
  RUNS=/tmp/cal/$name NO_SEED=1 OUT="$OUTDIR/$name" bash scripts/gpu/device_piece.sh "$left" "$plan"
  rc=$?
  [ -f "$OUTDIR/$name/piece.tar.xz" ] && mv "$OUTDIR/$name/piece.tar.xz" "$OUTDIR/piece-$name.tar.xz"
  rmdir "$OUTDIR/$name" 2>/dev/null
  [ "$rc" -eq 0 ] || break
done
echo "device_piece: plans exit $rc at $(date -u +%FT%TZ)"
exit $rc
