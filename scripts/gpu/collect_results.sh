#!/usr/bin/env bash
# collect_results.sh RUNS_DIR DEST: turn a GPU study's runs folder (every
# piece's piece.tar.xz unpacked into one folder) into a committed results
# folder: the report (report.md/html, summary.json/csv, METRICS.md), the plan,
# the matrix state and workload hash, each run's run_manifest.json and
# bench.json, each run's engine_evidence.log (the vLLM log lines that carry the
# applied-flag and engine-fact evidence), and every run folder compressed into
# DEST/runs.tar.xz (traces, samples, logs: what `l4lab verify` and the twin
# read; not results_vllm.json, which `l4lab report` writes from the traces). Runs `l4lab report` and `l4lab verify` on RUNS_DIR first; stops if
# verify fails.
#   scripts/gpu/collect_results.sh /tmp/study docs/results/2026-12-01-vllm-h200
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:?usage: collect_results.sh RUNS_DIR DEST}
DEST=${2:?usage: collect_results.sh RUNS_DIR DEST}
L4LAB=${L4LAB:-build/src/cli/l4lab}
[ -f "$RUNS/matrix_state.jsonl" ] || { echo "collect_results: $RUNS/matrix_state.jsonl missing: not a matrix runs folder" >&2; exit 2; }
"$L4LAB" report "$RUNS"
"$L4LAB" verify "$RUNS" | tail -n 1
mkdir -p "$DEST"
for f in report.md report.html summary.json summary.csv METRICS.md plan.yaml matrix_state.jsonl workload.sha256; do
  [ -f "$RUNS/$f" ] && cp "$RUNS/$f" "$DEST/"
done
# The lines of vLLM's log a skeptic needs: flags as parsed, engine config,
# kernels and attention backend chosen, weights and KV memory, compile and init time.
EVIDENCE='non-default args: |Initializing a V1 LLM engine|Selected .*Kernel|attention backend|Model loading took|torch.compile took|Available KV cache memory|GPU KV cache size|Maximum concurrency for|Graph capturing finished|init engine .* took|Speculative|speculative|Error|Traceback'
mapfile -t dirs < <(cd "$RUNS" && ls -d */trial-* | sort)
for d in "${dirs[@]}"; do
  mkdir -p "$DEST/$d"
  for f in run_manifest.json bench.json; do [ -f "$RUNS/$d/$f" ] && cp "$RUNS/$d/$f" "$DEST/$d/"; done
  if [ -f "$RUNS/$d/engine.log" ]; then
    grep -E "$EVIDENCE" "$RUNS/$d/engine.log" | grep -v 'Capturing CUDA graphs' | cut -c1-2000 > "$DEST/$d/engine_evidence.log" || true
  fi
done
top=(); for f in plan.yaml workload.sha256 matrix_state.jsonl; do [ -f "$RUNS/$f" ] && top+=("$f"); done
tar -C "$RUNS" --exclude=results_vllm.json --sort=name --owner=0 --group=0 --numeric-owner -cf - "${top[@]}" "${dirs[@]}" | xz -T0 -9 > "$DEST/runs.tar.xz"
echo "collect_results: ${#dirs[@]} runs -> $DEST (runs.tar.xz $(du -h "$DEST/runs.tar.xz" | cut -f1))"
