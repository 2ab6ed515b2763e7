#!/usr/bin/env bash
# unit_tests_without_tokenizer.sh BUILD_DIR: every GoogleTest binary of the
# build, run where the default tokenizer cannot be found (copied into an empty
# folder, started there with an empty environment: no .venv above it, no
# PYTHONPATH, VIRTUAL_ENV or L4LAB_TOKENIZER, HOME empty). Each must pass,
# tests that need the tokenizer skipping with the reason; none may fail or
# crash. Prints how many tests of each binary skipped.
set -uo pipefail
build=${1:?usage: unit_tests_without_tokenizer.sh BUILD_DIR}
work=$(mktemp -d /tmp/l4lab-no-tokenizer.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home"
status=0 n=0 skipped_total=0
for t in "$build"/src/*/*_test; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  cp "$t" "$work/$name"
  (cd "$work" && env -i PATH=/usr/bin:/bin HOME="$work/home" "./$name" --gtest_brief=1) >"$work/$name.log" 2>&1
  rc=$?
  n=$((n + 1))
  skipped=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) tests\{0,1\}\.$/\1/p' "$work/$name.log" | tail -n 1)
  skipped_total=$((skipped_total + ${skipped:-0}))
  if [ $rc -ne 0 ]; then
    echo "FAIL $name (exit $rc) without the tokenizer:"
    tail -n 30 "$work/$name.log"
    status=1
  else
    echo "ok   $name (${skipped:-0} skipped)"
  fi
done
[ $n -gt 0 ] || { echo "no test binaries under $build/src"; exit 1; }
# The locator must really have missed the tokenizer here, else this proves nothing.
[ $skipped_total -gt 0 ] || { echo "no test skipped: was the default tokenizer found after all?"; status=1; }
echo "$n test binaries, $skipped_total tests skipped for want of the tokenizer"
exit $status
