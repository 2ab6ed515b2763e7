#!/usr/bin/env bash
# clang-tidy over the lab's own sources (not tests or test data) with the
# small check list in .clang-tidy, each check a class of bug the compiler's
# warnings do not catch. Uses build-tidy/compile_commands.json: the release
# preset configured (not built) without its unity build, so each source file
# has its own entry and is checked with only the headers it includes itself.
# Exits non-zero on any finding. Not part of .ci/run: on 2 cores it takes
# longer than CI's budget leaves (docs/PERFORMANCE.md); run it before a merge.
#   scripts/clang_tidy.sh                    # every source file
#   scripts/clang_tidy.sh src/client/*.cpp   # some
set -euo pipefail
cd "$(dirname "$0")/.."
command -v run-clang-tidy >/dev/null ||
  { echo "clang_tidy: run-clang-tidy not found (apt-get install -y clang-tidy)" >&2; exit 2; }
[ -f build-tidy/compile_commands.json ] ||
  cmake --preset release -B build-tidy -DCMAKE_UNITY_BUILD=OFF >/dev/null
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  mapfile -t files < <(ls src/*/*.cpp | grep -v -e '_test\.cpp$' -e '/testdata/')
fi
start=$(date +%s)
log=$(mktemp)
set +e
run-clang-tidy -p build-tidy -j "${TIDY_JOBS:-2}" -quiet "${files[@]}" >"$log" 2>&1
rc=$?
set -e
grep -E "(warning|error):" "$log" | sort -u || true
echo "clang_tidy: ${#files[@]} files, $(grep -cE '(warning|error):' "$log") findings, $(($(date +%s) - start)) s, exit $rc"
rm -f "$log"
exit $rc
