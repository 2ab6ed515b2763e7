#!/usr/bin/env bash
# libcxx_golden.sh: the golden values pinned by src/schedule/schedule_golden_test.cpp
# and WorkloadBuilder.GoldenSha256OfTheDefaultWorkload, built with clang +
# libc++ (Debian: apt-get install clang libc++-dev libc++abi-dev) instead of
# gcc + libstdc++. A portable seed means both print the same sha256; exits 1
# when any value differs from the pinned one.
# Standalone (no gtest: Debian's gtest is built against libstdc++); fmt header-only.
# The default workload needs the tokenizer: Debian's libsentencepiece is built
# with libstdc++, so it is reached through a C shim (spm_c_shim.*, built with
# g++); everything else of the workload (corpus, targets, packing, JSONL) is
# the lab's own code built with libc++. Needs the mistral-common tokenizer
# (scripts/setup.sh) and a configured build/ (for the generated version.cpp).
set -euo pipefail
cd "$(dirname "$0")/../.."
S=src; OUT=${OUT:-/tmp/l4lab-libcxx}; mkdir -p "$OUT/obj"
CXX="clang++ -std=c++20 -stdlib=libc++ -O1 -DFMT_HEADER_ONLY -I$S"
$CXX bench/random/golden_libcxx_main.cpp \
  $S/schedule/schedule.cpp $S/schedule/schedule_file.cpp $S/common/random.cpp $S/common/files.cpp \
  -lcrypto -o "$OUT/golden_libcxx"
# ldd's output captured first: `ldd | grep -q` under pipefail fails when grep
# exits at the first match and ldd gets SIGPIPE.
linked_libcxx() { local l; l=$(ldd "$1"); grep -q 'libc++.so' <<<"$l"; }
linked_libcxx "$OUT/golden_libcxx" || { echo "golden_libcxx: not linked against libc++"; exit 2; }

VERSION_CPP=build/src/common/version.cpp
[ -f "$VERSION_CPP" ] || { echo "libcxx_golden: $VERSION_CPP missing: cmake --preset release first" >&2; exit 2; }
g++ -std=c++20 -O1 -fPIC -shared bench/random/spm_c_shim.cpp -lsentencepiece -o "$OUT/libspm_c_shim.so"
srcs=(bench/random/workload_golden_libcxx_main.cpp bench/random/sentencepiece_tokenizer_libcxx.cpp
      $S/common/files.cpp $S/common/random.cpp $S/common/jsonl_writer.cpp "$VERSION_CPP")
for f in $S/workload/*.cpp; do
  case "$f" in *_test.cpp|*/sentencepiece_tokenizer.cpp|*/workload_command.cpp) ;; *) srcs+=("$f") ;; esac
done
# One object per source, two at a time, rebuilt only when the source is newer.
printf '%s\n' "${srcs[@]}" | xargs -P 2 -I{} sh -c \
  'o="$0/obj/$(echo "$1" | tr / _).o"; [ "$o" -nt "$1" ] || $2 -c "$1" -o "$o"' "$OUT" {} "$CXX"
objs=(); for f in "${srcs[@]}"; do objs+=("$OUT/obj/$(echo "$f" | tr / _).o"); done
$CXX "${objs[@]}" -L"$OUT" -Wl,-rpath,"$OUT" -lspm_c_shim -lcsv -lcurl -lcrypto -lpthread \
  -o "$OUT/workload_golden_libcxx"
linked_libcxx "$OUT/workload_golden_libcxx" || { echo "workload_golden_libcxx: not linked against libc++"; exit 2; }

got=$( (cd "$OUT" && ./golden_libcxx); "$OUT/workload_golden_libcxx" "$OUT/workload.jsonl")
echo "$got"
want_p=aa687eca8b4f8c7eecd0c8c23ee96ad64863836f03874981d2b8e6c9ae24103a
want_g=f40f7cf5c503b0d566547d86db6d3719adae80447010bb2cb2ed5b192b49da4c
want_w=81e32e454d265793b190fed5692f819064b08c74d03e8f4308d553e2cb12b73a
echo "pinned: poisson $want_p"
echo "pinned: gamma $want_g"
echo "pinned: workload 1800 requests $want_w"
rc=0
grep -qx "poisson $want_p" <<<"$got" || { echo "libcxx_golden: poisson schedule differs"; rc=1; }
grep -qx "gamma $want_g" <<<"$got" || { echo "libcxx_golden: gamma schedule differs"; rc=1; }
grep -qx "workload 1800 requests $want_w" <<<"$got" ||
  { echo "libcxx_golden: default workload differs (JSONL: $OUT/workload.jsonl)"; rc=1; }
[ $rc = 0 ] && echo "libcxx_golden: all three equal the gcc + libstdc++ values"
exit $rc
