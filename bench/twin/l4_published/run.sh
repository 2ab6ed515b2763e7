#!/usr/bin/env bash
# Reproduce the PREDICTED side of docs/TWIN.md "Comparison with published L4
# measurements" from scratch, in virtual time (no GPU): a few seconds.
#
#   bench/twin/l4_published/run.sh [OUT]         (default OUT=/tmp/l4pub)
#
# Needs an l4lab binary ($L4LAB, default build/src/cli/l4lab, else on PATH)
# and python3. The workloads and the Qwen2.5-7B profiles are committed; to
# rebuild them from the source's prompts see make_inputs.py.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="${1:-/tmp/l4pub}"
l4lab="${L4LAB:-$root/build/src/cli/l4lab}"
[ -x "$l4lab" ] || l4lab="$(command -v l4lab)"
hw="$root/configs/sim-profiles/l4-mistral7b.yaml"
mistral="$root/configs/sim-profiles/h200-mistral7b-c1c8-calibrated.yaml"
mkdir -p "$out/plans"

plan() {  # name config workload concurrency
  cat >"$out/plans/$1.yaml" <<EOF
schema: l4lab.plan/1
name: $1
configs:
  - $here/configs/$2
trials: 1
order: {kind: sequential}
workload:
  path: $here/$3
bench:
  args: [[--concurrency, "$4"], [--seed, "1"]]
EOF
}

# A: ree2raz/inference-bench, vLLM v0.8.5, Qwen2.5-7B-Instruct, one L4:
# 100 requests per run in the source's file order, closed loop at c.
for variant in "" -streamed; do
  for c in 1 4 16 32 64; do
    plan "qwen-short-c$c" qwen-vllm085-l4.yaml workload-qwen-short.jsonl "$c"
    "$l4lab" predict "$out/plans/qwen-short-c$c.yaml" --profile "$here/h200-qwen2.5-7b$variant.yaml" \
      --hardware "$hw" --schedule "$here/schedule-qwen-short.jsonl" \
      --out "$out/qwen$variant/short-c$c" >/dev/null
  done
  for c in 1 16 64; do
    plan "qwen-long-c$c" qwen-vllm085-l4.yaml workload-qwen-long.jsonl "$c"
    "$l4lab" predict "$out/plans/qwen-long-c$c.yaml" --profile "$here/h200-qwen2.5-7b$variant.yaml" \
      --hardware "$hw" --schedule "$here/schedule-qwen-long.jsonl" \
      --out "$out/qwen$variant/long-c$c" >/dev/null
  done
done
# The long regime with vLLM's prefix cache emulated (make_inputs.py).
for c in 1 16 64; do
  plan "qwen-long-pc-c$c" qwen-vllm085-l4.yaml "workload-qwen-long-prefixcached-c$c.jsonl" "$c"
  "$l4lab" predict "$out/plans/qwen-long-pc-c$c.yaml" --profile "$here/h200-qwen2.5-7b.yaml" \
    --hardware "$hw" --schedule "$here/schedule-qwen-long.jsonl" \
    --out "$out/qwen-prefixcached/long-c$c" >/dev/null
done

# B: bereketlemma/llm-inference-bench, vLLM 0.16.0 offline, Mistral-7B-v0.1,
# one L4: one batch of b identical prompts (b requests at concurrency b).
for b in 1 4 8; do
  for n in 128 256 512; do
    plan "mistral-b$b-$n" mistral-llm-class-l4.yaml "workload-mistral-batch-$n.jsonl" "$b"
    "$l4lab" predict "$out/plans/mistral-b$b-$n.yaml" --profile "$mistral" --hardware "$hw" \
      --limit "$b" --out "$out/mistral/b$b-$n" >/dev/null
  done
done

python3 "$here/compare.py" "$out" | tee "$out/comparison.md"
