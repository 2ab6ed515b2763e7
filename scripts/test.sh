#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, runs CTest (C++
# unit and integration tests, Python oracle tests registered in CTest).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir build --output-on-failure -j2 "$@"
