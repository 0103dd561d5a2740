#!/usr/bin/env bash
# Builds and runs every Google Benchmark suite (or those whose name matches $1), writing JSON
# results to out/bench/<suite>.json beside the console table. Extra arguments go to the
# benchmark binaries, e.g. scripts/bench.sh dispatch --benchmark_min_time=0.5
# `scripts/bench.sh torch` runs only the PyTorch peers (bench/peers/torch_*.py, when Debian's
# python3-torch is installed) and `tilegraph bench` of the same scopes, one JSON line each,
# to out/bench/torch_peers.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh >/dev/null
filter=${1:-}
[ $# -gt 0 ] && shift
mkdir -p out/bench
for bin in $(find build/bench -type f -executable -name '*_bench' | sort); do
  name=$(basename "$bin")
  [[ -n "$filter" && "$name" != *"$filter"* ]] && continue
  echo "== $name"
  "$bin" --benchmark_out="out/bench/$name.json" --benchmark_out_format=json "$@"
done

if [[ -z "$filter" || "torch" == *"$filter"* ]]; then
  py=/usr/bin/python3  # Debian's python3-torch is for the system Python, not a pyenv or venv one
  [ -x "$py" ] || py=python3
  if ! "$py" -c "import torch" 2>/dev/null; then
    echo "== torch peers: skipped (python3-torch is not installed: apt-get install python3-torch libopenblas0-pthread)"
  else
    echo "== torch peers (bench/peers) beside tilegraph bench, all cores"
    out=out/bench/torch_peers.jsonl
    : > "$out"
    "$py" bench/peers/torch_v32_scope1.py | tee -a "$out"
    "$py" bench/peers/torch_v4_scopes.py | tee -a "$out"
    tg=./build/tools/tilegraph
    for m in "v32-decode-scope1 --mode host-fused" "v32-decode-scope1" "v4-qkv-proj-rope --mode host-decode" \
             "v4-qkv-proj-rope --mode decode" "v4-qkv-proj-rope --mode host-prefill" "v4-qkv-proj-rope --mode prefill" \
             "v4-swa-attention --mode host" "v4-swa-attention"; do
      # shellcheck disable=SC2086  # $m is a model and its options
      $tg bench $m --reps 20 --format json | tee -a "$out"
    done
  fi
fi
