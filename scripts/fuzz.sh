#!/usr/bin/env bash
# Fuzzes the JSON scope reader (tests/fuzz/scope_json_fuzz.cpp) with libFuzzer, clang-14 and
# ASan + UBSan for N seconds (default 60): ./scripts/fuzz.sh [seconds].
# New inputs collect in build-fuzz/fuzz-corpus; a crash leaves its input in
# build-fuzz/crashes/. After fixing one, copy the input into tests/fuzz/corpus/ so that every
# normal build replays it (ScopeJson.FuzzCorpusReplays).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=${BUILD_DIR:-build-fuzz}
TG_FUZZ=1 ./scripts/setup.sh
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DTG_FUZZ=ON -DTG_SANITIZE=address,undefined -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link \
  -DTG_BUILD_BENCH=OFF -DTG_BUILD_EXAMPLES=OFF "${launcher[@]}" >/dev/null
cmake --build "$build" --target scope_json_fuzz -j2
mkdir -p "$build/fuzz-corpus" "$build/crashes"
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$build/tests/fuzz/scope_json_fuzz" \
  -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -dict=tests/fuzz/scope_json.dict -artifact_prefix="$build/crashes/" \
  "$build/fuzz-corpus" tests/fuzz/corpus
