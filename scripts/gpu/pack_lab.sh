#!/usr/bin/env bash
# pack_lab.sh: carry the lab to a GPU host that has no network and another OS
# (the lent H200 host: Ubuntu, Python 3.12, CUDA 13). Copies build/src/cli/l4lab
# and every shared library it needs that is not the C library itself into
# one tarball .labxfer/lab.tar.xz (git-ignored via .git/info/exclude), with an RPATH ($ORIGIN/lib)
# so the lab finds its libraries without LD_LIBRARY_PATH: the engine the lab
# starts inherits the lab's environment, and an LD_LIBRARY_PATH there could
# shadow the engine's own CUDA libraries. Also copies the default workload.
# To resume a study begun in an earlier sitting, name the earlier runs folder's
# tarball (e.g. docs/results/<date>-vllm-h200/runs.tar.xz): it travels as
# .labxfer/runs_seed.tar.xz and device_piece.sh unpacks it into an empty RUNS.
#   scripts/gpu/pack_lab.sh [RUNS_SEED.tar.xz]   (after `ninja -C build src/cli/l4lab`)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=/tmp/labstage
grep -qxF '/.labxfer/' .git/info/exclude 2>/dev/null || echo '/.labxfer/' >> .git/info/exclude
command -v patchelf >/dev/null || { echo "pack_lab: patchelf is missing (apt-get install patchelf)" >&2; exit 2; }
rm -rf "$OUT"; mkdir -p "$OUT/lib"
cp build/src/cli/l4lab "$OUT/l4lab"
strip --strip-debug "$OUT/l4lab"
# glibc's own libraries stay the host's (its glibc is newer and must match its loader).
ldd build/src/cli/l4lab | awk '/=> \// {print $3}' | while read -r so; do
  case "$(basename "$so")" in
    libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|ld-linux*|libresolv.so.*) continue ;;
  esac
  cp -L "$so" "$OUT/lib/"
done
patchelf --set-rpath '$ORIGIN/lib' "$OUT/l4lab"
for so in "$OUT"/lib/*.so*; do patchelf --set-rpath '$ORIGIN' "$so"; done
if [ -f runs/workload/prompts.jsonl ]; then
  mkdir -p "$OUT/workload"; cp runs/workload/prompts.manifest.json "$OUT/workload/"
  xz -T0 -6 -c runs/workload/prompts.jsonl > "$OUT/workload/prompts.jsonl.xz"
fi
(cd "$OUT" && find . -type f ! -name MANIFEST ! -name MANIFEST.tmp | sort | xargs sha256sum > MANIFEST.tmp && mv MANIFEST.tmp MANIFEST)
# One xz tarball: what travels with the last bundle part must stay under 64 MiB.
rm -rf .labxfer; mkdir -p .labxfer
tar -C "$OUT" -cf - . | xz -T0 -6 > .labxfer/lab.tar.xz
sha256sum .labxfer/lab.tar.xz | cut -d' ' -f1 > .labxfer/lab.sha256
if [ $# -ge 1 ]; then
  xz -t "$1" || { echo "pack_lab: $1 is not an xz file" >&2; exit 2; }
  cp "$1" .labxfer/runs_seed.tar.xz
  echo "pack_lab: runs seed $1 -> .labxfer/runs_seed.tar.xz $(du -h .labxfer/runs_seed.tar.xz | cut -f1)"
fi
echo "pack_lab: $(du -sh "$OUT" | cut -f1) ($(ls "$OUT/lib" | wc -l) libraries) -> .labxfer/lab.tar.xz $(du -h .labxfer/lab.tar.xz | cut -f1)"
