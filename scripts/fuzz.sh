#!/usr/bin/env bash
# Fuzzes a reader with libFuzzer, clang-14 and ASan + UBSan for N seconds (default 60):
#   ./scripts/fuzz.sh [seconds]                      the JSON scope reader (scope_json_fuzz.cpp)
#   FUZZER=machine_json ./scripts/fuzz.sh [seconds]  the machine preset reader
#   FUZZER=npy ./scripts/fuzz.sh [seconds]           the .npy reader
# New inputs collect in build-fuzz/fuzz-corpus-FUZZER; a crash leaves its input in
# build-fuzz/crashes/. After fixing one, copy the input into the fuzzer's corpus
# (tests/fuzz/corpus/, corpus_machine/, corpus_npy/) so that every normal build replays it
# (ScopeJson / MachineLimits / NpyLimits .FuzzCorpusReplays).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
fuzzer=${FUZZER:-scope_json}
case "$fuzzer" in
  scope_json) corpus=tests/fuzz/corpus; extra=(-dict=tests/fuzz/scope_json.dict) ;;
  machine_json) corpus=tests/fuzz/corpus_machine; extra=() ;;
  npy) corpus=tests/fuzz/corpus_npy; extra=() ;;
  *) echo "FUZZER must be scope_json, machine_json or npy" >&2; exit 2 ;;
esac
build=${BUILD_DIR:-build-fuzz}
TG_FUZZ=1 ./scripts/setup.sh
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DTG_FUZZ=ON -DTG_SANITIZE=address,undefined -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link \
  -DTG_BUILD_BENCH=OFF -DTG_BUILD_EXAMPLES=OFF "${launcher[@]}" >/dev/null
cmake --build "$build" --target "${fuzzer}_fuzz" -j2
mkdir -p "$build/fuzz-corpus-$fuzzer" "$build/crashes"
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$build/tests/fuzz/${fuzzer}_fuzz" \
  -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  "${extra[@]}" -artifact_prefix="$build/crashes/" \
  "$build/fuzz-corpus-$fuzzer" "$corpus"
