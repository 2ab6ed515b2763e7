#!/usr/bin/env bash
# The unit tests under AddressSanitizer + UndefinedBehaviorSanitizer, in the
# fuzz preset's build (build-fuzz: clang, ASan+UBSan, libraries -O1, test code
# -O0, UB aborts): the fuzz smoke already builds every library there, so this
# adds only the test binaries and the tools they start (3 compile jobs on 2
# cores: links wait on the disk). Runs every GoogleTest case (names
# Suite.Case); the Python, real-engine and Slurm tests run in the release
# build only. Exits non-zero on any failure or sanitizer report.
#   scripts/sanitizer_tests.sh                 # what scripts/test.sh runs
#   scripts/sanitizer_tests.sh -R 'Percentile' # extra ctest arguments
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
if ! command -v clang++ >/dev/null; then
  echo "sanitizer_tests: clang++ not found (apt-get install -y clang libclang-rt-14-dev)" >&2
  exit 2
fi
[ -f build-fuzz/build.ninja ] || cmake --preset fuzz >/dev/null
nice -n 10 cmake --build build-fuzz -j"${SAN_JOBS:-3}"
echo "sanitizer_tests: build took $(($(date +%s) - start)) s"
# halt_on_error: the first report fails the test; leaks are reported (LSan) too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
t0=$(date +%s)
ctest --test-dir build-fuzz --output-on-failure -j2 -R '[.]' "$@"
echo "sanitizer_tests: tests took $(($(date +%s) - t0)) s; total $(($(date +%s) - start)) s"
