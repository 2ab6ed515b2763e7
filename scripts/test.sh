#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, installs the real
# engine (vLLM's CPU build + a tiny Mistral-architecture model; reused when
# present), then runs CTest: C++ unit and integration tests, the Python oracle
# tests (mistral-common, numpy, headless Chromium) and the real-engine test.
#   L4LAB_SKIP_REAL_ENGINE=1 scripts/test.sh   # skip the engine install; its test then reports "skipped"
#   L4LAB_SKIP_FUZZ=1 scripts/test.sh          # skip the fuzz smoke (scripts/fuzz_smoke.sh)
#   L4LAB_SKIP_SANITIZERS=1 scripts/test.sh    # skip the unit tests under ASan+UBSan (scripts/sanitizer_tests.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
scripts/setup.sh
if [ "${L4LAB_SKIP_REAL_ENGINE:-0}" != 1 ]; then
  scripts/setup_engine.sh
fi
echo "test.sh: set-up and build took $(( $(date +%s) - start )) s"
# Every parser of outside input fuzzed briefly (clang, ASan+UBSan; docs/RELIABILITY.md):
# a fixed seed and number of inputs, so CI sees the same inputs each time.
if [ "${L4LAB_SKIP_FUZZ:-0}" != 1 ]; then
  FUZZ_RUNS=${FUZZ_RUNS:-20000} scripts/fuzz_smoke.sh
fi
# The unit tests again, built with ASan+UBSan (the fuzz smoke's build, reused).
if [ "${L4LAB_SKIP_SANITIZERS:-0}" != 1 ]; then
  scripts/sanitizer_tests.sh
fi
ctest --test-dir build --output-on-failure -j2 "$@"
echo "test.sh: total $(( $(date +%s) - start )) s"
