#!/usr/bin/env bash
# Fuzz smoke: builds the fuzz preset (clang, libFuzzer, ASan + UBSan) and runs
# every target in fuzz/ briefly over its committed seed corpus. Exits non-zero
# on any crash, leak, UB report or invariant failure; the input that did it is
# left in build-fuzz/findings/<target>/ (copy it into fuzz/regressions/).
#   scripts/fuzz_smoke.sh                 # every target, 10 s each
#   FUZZ_SECONDS=60 scripts/fuzz_smoke.sh sse_parser_fuzz plan_fuzz
#   FUZZ_RUNS=20000 scripts/fuzz_smoke.sh  # a fixed number of inputs from -seed=1: the same
#                                          # inputs on every machine (what scripts/test.sh runs)
# Longer runs: bench/fuzz/fuzz_long.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-10}
# Deterministic mode for CI: a fixed seed and number of runs, not a time limit.
budget=(-max_total_time="$seconds")
[ -n "${FUZZ_RUNS:-}" ] && budget=(-seed=1 -runs="$FUZZ_RUNS")
start=$(date +%s)

if ! command -v clang++ >/dev/null; then
  echo "fuzz_smoke: clang++ not found (apt-get install -y clang libclang-rt-14-dev)" >&2
  exit 2
fi
[ -f build-fuzz/build.ninja ] || cmake --preset fuzz >/dev/null
nice -n 10 cmake --build --preset fuzz -j"${FUZZ_JOBS:-3}"
echo "fuzz_smoke: build took $(($(date +%s) - start)) s"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for d in fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi

failed=()
for t in "${targets[@]}"; do
  bin=build-fuzz/fuzz/$t
  [ -x "$bin" ] || { echo "fuzz_smoke: no target $t" >&2; failed+=("$t"); continue; }
  # New inputs go to a scratch corpus, never into the committed seeds.
  work=build-fuzz/fuzz-work/$t findings=build-fuzz/findings/$t
  rm -rf "$work"; mkdir -p "$work" "$findings"
  dict=()
  case $t in  # the targets whose input is JSON share one dictionary
    sse_parser_fuzz | stream_event_fuzz | trace_reader_fuzz | workload_request_fuzz | workload_check_fuzz | openai_request_fuzz)
      dict=(-dict=fuzz/json.dict) ;;
  esac
  regress=()
  [ -d "fuzz/regressions/$t" ] && regress=("fuzz/regressions/$t")
  t0=$(date +%s)
  # Regressions first, as plain runs: each must pass on its own.
  if [ ${#regress[@]} -gt 0 ] && ! "$bin" "${regress[0]}"/* >"$findings/regress.log" 2>&1; then
    echo "fuzz_smoke: $t: a kept regression input fails again (see $findings/regress.log)" >&2
    failed+=("$t"); continue
  fi
  if "$bin" "$work" "fuzz/corpus/$t" "${dict[@]}" "${budget[@]}" -timeout=10 \
      -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$findings/" -print_final_stats=1 \
      >"$findings/log" 2>&1; then
    stats=$(grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$findings/log" |
      awk '{printf "%s ", $2}')
    cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$findings/log" | tail -1)
    echo "fuzz_smoke: $t ok in $(($(date +%s) - t0)) s: runs/peak-MB ${stats}$cov"
  elif [ "$t" = sentencepiece_fuzz ] && grep -q '^sentencepiece_fuzz: ' "$findings/log"; then
    # The v3 tokenizer is found as `l4lab workload` finds it ($L4LAB_TOKENIZER, .venv).
    echo "fuzz_smoke: $t skipped: $(grep '^sentencepiece_fuzz: ' "$findings/log" | head -c 300)"
  else
    echo "fuzz_smoke: $t FAILED; input in $findings/, log $findings/log:" >&2
    grep -E 'ERROR|runtime error|invariant|SUMMARY' "$findings/log" | head -5 >&2 || true
    failed+=("$t")
  fi
done

echo "fuzz_smoke: total $(($(date +%s) - start)) s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz_smoke: FAILED: ${failed[*]}" >&2
  exit 1
fi
