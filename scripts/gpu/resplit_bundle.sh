#!/usr/bin/env bash
# resplit_bundle.sh [PART_BYTES]: re-cut the vLLM bundle (.gpuxfer/partNN/,
# made by ../shared/gpu/vllm_h200/build_bundle.sh) into parts that fit one
# device call beside this working tree. A device call carries the tracked
# files too, and all of it must stay under 64 MiB; build_bundle.sh cuts 58 MiB
# parts, which stopped fitting once the tree passed ~6 MiB (committed GPU
# results). Default PART_BYTES: 64 MiB - tracked tree - 3 MiB margin.
# The whole file's sha256 is unchanged and checked; device_recv.sh and
# device_install.sh read the new MANIFEST as before (they count the parts).
#   scripts/gpu/resplit_bundle.sh && ls .gpuxfer
set -euo pipefail
cd "$(dirname "$0")/../.."
X=.gpuxfer
ls -d $X/part[0-9][0-9] >/dev/null 2>&1 || { echo "resplit: no $X/partNN (run build_bundle.sh first)" >&2; exit 2; }
tree=$(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
size=${1:-$((64 * 1048576 - tree - 3 * 1048576))}
[ "$size" -gt 4000000 ] || { echo "resplit: only $size bytes per part left beside a $tree-byte tree" >&2; exit 2; }
want=$(grep ' site.tar.xz$' $X/part00/MANIFEST | cut -d' ' -f1)
tmp=$(mktemp -d /tmp/resplit.XXXX)
cat $X/part[0-9][0-9]/site.tar.xz.[0-9][0-9] > "$tmp/site.tar.xz"
got=$(sha256sum "$tmp/site.tar.xz" | cut -d' ' -f1)
[ "$got" = "$want" ] || { echo "resplit: joined parts sha256 $got, MANIFEST says $want" >&2; rm -rf "$tmp"; exit 2; }
(cd "$tmp" && split -b "$size" -d -a 2 site.tar.xz site.tar.xz. &&
  { sha256sum site.tar.xz.[0-9][0-9]; sha256sum site.tar.xz; } > MANIFEST)
rm -rf $X/part[0-9][0-9]
for f in "$tmp"/site.tar.xz.[0-9][0-9]; do
  n=${f##*.}; mkdir -p $X/part$n; mv "$f" $X/part$n/; cp "$tmp/MANIFEST" $X/part$n/
done
rm -rf "$tmp"
echo "resplit: tree $tree bytes; $(ls -d $X/part[0-9][0-9] | wc -l) parts of <= $size bytes:"
du -sh $X/part[0-9][0-9]
