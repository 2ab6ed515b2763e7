# device_lab.sh (sourced by device_piece.sh and device_capacity.sh): unpacks
# the lab carried in .labxfer/ (pack_lab.sh) into $LAB once per host, checked
# against its sha256 and MANIFEST, unpacks the default workload into
# runs/workload/, and defines xz_ / unxz_ (xz, or Python's
# lzma where the host has no xz binary).
LAB=/tmp/lab
if command -v xz >/dev/null; then
  unxz_() { xz -dc "$1"; }; xz_() { xz -6 -T0; }
else
  unxz_() { python3 -c 'import lzma,sys,shutil; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' "$1"; }
  xz_() { python3 -c 'import lzma,sys,shutil; shutil.copyfileobj(sys.stdin.buffer, lzma.open(sys.stdout.buffer, "w", preset=6))'; }
fi
if [ -f .labxfer/lab.tar.xz ] && ! cmp -s .labxfer/lab.sha256 "$LAB/lab.sha256" 2>/dev/null; then
  [ "$(sha256sum .labxfer/lab.tar.xz | cut -d' ' -f1)" = "$(cat .labxfer/lab.sha256)" ] ||
    { echo "device_piece: .labxfer/lab.tar.xz does not match lab.sha256"; exit 2; }
  rm -rf "$LAB"; mkdir -p "$LAB"; unxz_ .labxfer/lab.tar.xz | tar -C "$LAB" -xf -
  (cd "$LAB" && sha256sum -c --quiet MANIFEST) || { echo "device_piece: lab bundle corrupt"; exit 2; }
  cp .labxfer/lab.sha256 "$LAB/"
fi
[ -x "$LAB/l4lab" ] || { echo "device_piece: no lab in $LAB (carry .labxfer)"; exit 2; }
# The default workload, carried with the lab, where the plans name it.
if [ ! -f runs/workload/prompts.jsonl ]; then
  mkdir -p runs/workload
  unxz_ "$LAB/workload/prompts.jsonl.xz" > runs/workload/prompts.jsonl; cp "$LAB/workload/prompts.manifest.json" runs/workload/
fi
