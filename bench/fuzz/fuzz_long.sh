#!/usr/bin/env bash
# Long fuzz runs (docs/RELIABILITY.md asks >= 10 minutes per target): each
# target in turn, FUZZ_SECONDS each (default 600), with FUZZ_WORKERS parallel
# jobs; corpora grow in build-fuzz/fuzz-long/<target>/ (kept between runs, not
# committed). Prints one line per target: executions, coverage (cov/ft),
# corpus size, peak RSS, and the crash count (0 expected). Exit 1 on any crash.
#   bench/fuzz/fuzz_long.sh                       # all targets, 10 min each
#   FUZZ_SECONDS=3600 bench/fuzz/fuzz_long.sh plan_fuzz
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-600}
workers=${FUZZ_WORKERS:-1}
[ -f build-fuzz/build.ninja ] || cmake --preset fuzz >/dev/null
nice -n 10 cmake --build --preset fuzz -j"${FUZZ_JOBS:-2}" >/dev/null

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for d in fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi
status=0
for t in "${targets[@]}"; do
  work=build-fuzz/fuzz-long/$t findings=build-fuzz/findings-long/$t
  mkdir -p "$work" "$findings"
  dict=()
  case $t in
    sse_parser_fuzz | stream_event_fuzz | trace_reader_fuzz | workload_request_fuzz | workload_check_fuzz | openai_request_fuzz)
      dict=(-dict=fuzz/json.dict) ;;
  esac
  log=$findings/log
  par=()
  [ "$workers" -gt 1 ] && par=(-fork="$workers" -ignore_crashes=0)
  rc=0
  "build-fuzz/fuzz/$t" "$work" "fuzz/corpus/$t" "${dict[@]}" -max_total_time="$seconds" \
    -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    "${par[@]}" -artifact_prefix="$findings/" >"$log" 2>&1 || rc=$?
  execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{s+=$2} END {print s+0}')
  last=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1)
  rss=$(grep -E '^stat::peak_rss_mb' "$log" | awk '{print $2}' | sort -n | tail -1)
  crashes=$(find "$findings" -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' | wc -l)
  echo "$t: ${seconds} s, execs ${execs}, ${last}, peak RSS ${rss:-?} MB, exit ${rc}, findings ${crashes}"
  [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ] || status=1
done
exit $status
