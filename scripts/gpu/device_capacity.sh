#!/usr/bin/env bash
# device_capacity.sh BUDGET_S PLAN NAME [capacity args...]: `l4lab capacity
# --plan PLAN` on a host the lab was carried to (pack_lab.sh -> .labxfer/):
# each configuration's engine started, searched under the SLOs and stopped
# (docs/CAPACITY.md#a-plan), into /tmp/labcaps/NAME, under a wall-clock
# budget (SIGINT at BUDGET_S: the engine group and the running step are
# stopped, capacity.json says interrupted). Then packs /tmp/labcaps/NAME into
# $OUT/capacity-NAME.tar.xz. Longer than one device call: run it through
# device_piece_bg.sh (PIECE=scripts/gpu/device_capacity.sh).
#   bash scripts/gpu/device_capacity.sh 560 plans/vllm-h200-dummy.yaml c1 --only C1 \
#     --slo ttft_p95_ms=2000 --slo tpot_p95_ms=100 --ignore-eos
set -uo pipefail
cd "$(dirname "$0")/../.."
BUDGET=$1; PLAN=$2; NAME=$3; shift 3
. scripts/gpu/device_lab.sh
CAPS=/tmp/labcaps
OUTDIR=${OUT:-/tmp/out}
mkdir -p "$CAPS" "$OUTDIR"
echo "device_piece: $(date -u +%FT%TZ) budget ${BUDGET}s: l4lab capacity --plan $PLAN --out $CAPS/$NAME $*"
timeout --signal=INT --kill-after=60 "$BUDGET" "$LAB/l4lab" capacity --plan "$PLAN" --out "$CAPS/$NAME" "$@"
rc=$?
echo "device_piece: capacity exit $rc at $(date -u +%FT%TZ)"
tar -C "$CAPS" -cf - "$NAME" | xz_ > "$OUTDIR/capacity-$NAME.tar.xz"
echo "device_piece: packed $CAPS/$NAME -> capacity-$NAME.tar.xz $(du -h "$OUTDIR/capacity-$NAME.tar.xz" | cut -f1)"
cat "$CAPS/$NAME/capacity_plan.md" 2>/dev/null | head -n 12
exit $rc
