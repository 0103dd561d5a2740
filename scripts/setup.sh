#!/usr/bin/env bash
# Installs the Debian packages tilegraph builds and tests with. Idempotent: when every
# package is already present it prints nothing and touches nothing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libtbb-dev libhwloc-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  # more than one chip runs on Open MPI (distributed/); `import tilegraph` is built with pybind11
  libopenmpi-dev openmpi-bin
  pybind11-dev python3-dev python3-numpy python3-pytest
  # a benchmark peer (bench/tasks/starpu_peer.cpp); the build works without it
  libstarpu-dev
)
# The browser test of the HTML swimlane needs a headless Chromium.
[ "${TG_NO_BROWSER:-0}" = 1 ] || packages+=(chromium)
# scripts/fuzz.sh (run by .ci/run too): libFuzzer needs clang and its runtime.
packages+=(clang-14 libclang-rt-14-dev)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
