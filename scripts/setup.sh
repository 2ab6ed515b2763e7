#!/usr/bin/env bash
# Installs what is missing on a fresh Debian 12 machine (as root), then builds.
#   scripts/setup.sh          install + build
#   scripts/setup.sh --run    install + build + `l4lab run` (the main job)
# Idempotent: a second call installs nothing and rebuilds incrementally.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

APT_PKGS=(build-essential cmake ninja-build ccache pkg-config git python3 python3-venv
  libcurl4-openssl-dev libssl-dev libsimdjson-dev nlohmann-json3-dev libyaml-cpp-dev
  libsentencepiece-dev libcli11-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
  libevent-dev libeigen3-dev libcsv-dev liburing-dev clang-format chromium
  clang libclang-rt-14-dev   # clang + libFuzzer: the fuzz smoke of scripts/test.sh
  libc++-dev libc++abi-dev   # clang + libc++: bench/random/libcxx_golden.sh (portable seeds)
  slurm-wlm munge)           # a real single-host Slurm: tests/slurm/local_cluster.sh

missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python: only reference oracles for tests and the default tokenizer file
# (mistral-common ships Mistral's v3 tokenizer.model.v3).
VENV=$ROOT/.venv
if [ ! -x "$VENV/bin/python" ]; then
  PY=$(command -v python3)
  "$PY" -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import mistral_common, numpy, pytest, sentencepiece" 2>/dev/null; then
  echo "setup: installing Python test oracles into .venv"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/tests/python/requirements.txt"
fi

cmake --preset release >/dev/null
if [ "${1:-}" = "--run" ]; then
  # The main job needs the one binary: build it alone (the test suite builds
  # the tests and benchmarks), so the first report comes in minutes.
  shift
  ninja -C build src/cli/l4lab
  exec ./build/src/cli/l4lab run "$@"
fi
ninja -C build
