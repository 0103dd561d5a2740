#!/usr/bin/env bash
# Builds and runs every Google Benchmark suite (or those whose name matches $1), writing JSON
# results to out/bench/<suite>.json beside the console table. Extra arguments go to the
# benchmark binaries, e.g. scripts/bench.sh dispatch --benchmark_min_time=0.5
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
