#!/usr/bin/env bash
# CTest entry for the real-engine test (label real_engine).
#   exit 77 (CTest: skipped) when .venv-engine is absent: the engine was never
#           installed here (scripts/setup_engine.sh installs it);
#   exit 1  when it is present but broken, or any check fails.
# Usage: run_real_engine_test.sh L4LAB_BINARY [real_engine_test.py options]
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv-engine"
if [[ ! -e "$VENV" ]]; then
  echo "SKIP: $VENV is absent; run scripts/setup_engine.sh to install the real engine"
  exit 77
fi
if ! bash "$ROOT/scripts/setup_engine.sh" --check; then
  echo "FAIL: $VENV exists but is broken or stale; rerun scripts/setup_engine.sh"
  exit 1
fi
l4lab="$1"
shift
# Make sure the tiny model exists (cheap when it does).
bash "$ROOT/scripts/setup_engine.sh" >/dev/null || exit 1
exec "$VENV/bin/python" "$ROOT/tests/integration/real_engine_test.py" --l4lab "$l4lab" "$@"
