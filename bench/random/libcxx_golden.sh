#!/usr/bin/env bash
# libcxx_golden.sh: the schedule golden values of src/schedule/schedule_golden_test.cpp,
# built with clang + libc++ (Debian: apt-get install clang libc++-dev libc++abi-dev)
# instead of gcc + libstdc++. A portable seed means both print the same sha256.
# Standalone (no gtest: Debian's gtest is built against libstdc++); fmt header-only.
set -euo pipefail
cd "$(dirname "$0")/../.."
S=src; OUT=${OUT:-/tmp/l4lab-libcxx}; mkdir -p "$OUT"
clang++ -std=c++20 -stdlib=libc++ -O1 -DFMT_HEADER_ONLY -I$S bench/random/golden_libcxx_main.cpp \
  $S/schedule/schedule.cpp $S/schedule/schedule_file.cpp $S/common/random.cpp $S/common/files.cpp \
  -lcrypto -o "$OUT/golden_libcxx"
ldd "$OUT/golden_libcxx" | grep -q 'libc++.so' || { echo "not linked against libc++"; exit 2; }
(cd "$OUT" && ./golden_libcxx)
echo "pinned: poisson aa687eca8b4f8c7eecd0c8c23ee96ad64863836f03874981d2b8e6c9ae24103a"
echo "pinned: gamma   f40f7cf5c503b0d566547d86db6d3719adae80447010bb2cb2ed5b192b49da4c"
