#!/usr/bin/env bash
# device_piece.sh BUDGET_S PLAN [matrix run args...]: one resumable piece of a
# GPU study on a host that the lab was carried to (pack_lab.sh -> .labxfer/).
# Runs `l4lab matrix run PLAN --out $RUNS ARGS` under a wall-clock budget
# (SIGINT at BUDGET_S: the matrix stops the engine group, marks the run
# interrupted and a later piece redoes it), then packs what changed into
# $OUT/piece.tar.xz: the runs folder's top-level files and every run folder
# written by this piece (traces, samples, logs, manifests). The runs folder
# lives in /tmp (RUNS, default /tmp/labruns), so pieces on one warm host share it.
#   bash scripts/gpu/device_piece.sh 540 plans/vllm-h200-dummy.yaml --only C1,C8 --max-runs 1
set -uo pipefail
cd "$(dirname "$0")/../.."
BUDGET=$1; PLAN=$2; shift 2
# The lab carried in .labxfer/ unpacked to $LAB once per host; xz_ / unxz_.
. scripts/gpu/device_lab.sh
RUNS=${RUNS:-/tmp/labruns}
OUTDIR=${OUT:-/tmp/out}
mkdir -p "$RUNS"
# A study begun in an earlier sitting (pack_lab.sh RUNS_SEED): its plan, workload
# hash, matrix state and run folders, so finished runs are skipped.
# The device does not keep .labxfer between calls: a piece that starts a runs
# folder must carry it in the same call, or its runs would restart at trial 1
# (the sixth sitting's C3, device-logs-2026-12-02e/COMMANDS.md). NO_SEED=1: a new study.
if [ ! -f "$RUNS/matrix_state.jsonl" ] && [ ! -f .labxfer/runs_seed.tar.xz ] && [ "${NO_SEED:-0}" != 1 ]; then
  echo "device_piece: $RUNS has no matrix state and this call carried no .labxfer/runs_seed.tar.xz:"
  echo "  a resumed study would restart at trial 1. Carry .labxfer in this call, or NO_SEED=1 for a new study."
  exit 2
fi
if [ -f .labxfer/runs_seed.tar.xz ] && [ ! -f "$RUNS/matrix_state.jsonl" ]; then
  unxz_ .labxfer/runs_seed.tar.xz | tar -C "$RUNS" -xf - ||
    { echo "device_piece: cannot unpack .labxfer/runs_seed.tar.xz into $RUNS"; exit 2; }
  echo "device_piece: seeded $RUNS from runs_seed.tar.xz ($(wc -l < "$RUNS/matrix_state.jsonl") state lines)"
fi
stamp=$(mktemp); sleep 1
echo "device_piece: $(date -u +%FT%TZ) budget ${BUDGET}s: l4lab matrix run $PLAN --out $RUNS $*"
timeout --signal=INT --kill-after=60 "$BUDGET" "$LAB/l4lab" matrix run "$PLAN" --out "$RUNS" "$@"
rc=$?
echo "device_piece: matrix exit $rc at $(date -u +%FT%TZ)"
# What this piece wrote: run folders with a file newer than the stamp.
mapfile -t dirs2 < <(cd "$RUNS" && for d in */trial-*; do [ -n "$(find "$d" -newer "$stamp" -print -quit)" ] && echo "$d"; done | sort -u)
top=(); for f in plan.yaml workload.sha256 matrix_state.jsonl; do [ -f "$RUNS/$f" ] && top+=("$f"); done
mkdir -p "$OUTDIR"
tar -C "$RUNS" -cf - "${top[@]}" "${dirs2[@]}" | xz_ > "$OUTDIR/piece.tar.xz"
echo "device_piece: packed ${dirs2[*]:-(no run folder)} -> piece.tar.xz $(du -h "$OUTDIR/piece.tar.xz" | cut -f1)"
cat "$RUNS/matrix_state.jsonl" 2>/dev/null | tail -n 12
exit $rc
