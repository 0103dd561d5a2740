#!/usr/bin/env bash
# Fuzzes the readers of user files with libFuzzer, clang-14 and ASan + UBSan.
#   ./scripts/fuzz.sh [seconds]                      the JSON scope reader (scope_json_fuzz.cpp)
#   FUZZER=machine_json ./scripts/fuzz.sh [seconds]  the machine preset reader
#   FUZZER=npy ./scripts/fuzz.sh [seconds]           the .npy reader
#   FUZZER=capture ./scripts/fuzz.sh [seconds]       the device capture reader
#   FUZZER=cli ./scripts/fuzz.sh [seconds]           the command line (parsed, not run)
#   ./scripts/fuzz.sh --ci                           every fuzzer, a fixed seed and run count
# A timed run (default 60 s) collects new inputs in build-fuzz/fuzz-corpus-FUZZER; a crash
# leaves its input in build-fuzz/crashes/. After fixing one, copy the input into the fuzzer's
# corpus (tests/fuzz/corpus/, corpus_machine/, corpus_npy/, corpus_capture/, corpus_cli/) so that
# every normal build replays it (ScopeJson / MachineLimits / NpyLimits / CaptureImport / CliParse
# .FuzzCorpusReplays).
# --ci (run by .ci/run) is deterministic: -seed=1 and FUZZ_RUNS inputs (default 20000) per
# fuzzer, starting from the committed corpus in a fresh scratch folder; any crash, leak or
# sanitizer report fails it.
# Inputs go up to 1 MiB (-max_len, issue 12). libFuzzer grows its inputs slowly from the
# corpus, so --ci also seeds its scratch folder with one input of exactly 1 MiB per fuzzer:
# the corpus's largest file padded with spaces (valid JSON stays valid; a .npy gets a body
# its header does not declare; the CLI a 1 MiB word), made the same way every run.
set -euo pipefail
cd "$(dirname "$0")/.."
all_fuzzers=(scope_json machine_json npy capture cli)
ci=0
if [ "${1:-}" = --ci ]; then
  ci=1
  shift
fi
seconds=${1:-60}
max_len=1048576
corpus_of() {
  case "$1" in
    scope_json) echo tests/fuzz/corpus ;;
    machine_json) echo tests/fuzz/corpus_machine ;;
    npy) echo tests/fuzz/corpus_npy ;;
    capture) echo tests/fuzz/corpus_capture ;;
    cli) echo tests/fuzz/corpus_cli ;;
    *) echo "FUZZER must be one of: ${all_fuzzers[*]}" >&2; exit 2 ;;
  esac
}
dict_of() { [ "$1" = scope_json ] && echo -dict=tests/fuzz/scope_json.dict || true; }

if [ $ci = 1 ]; then fuzzers=("${all_fuzzers[@]}"); else fuzzers=("${FUZZER:-scope_json}"); fi
for f in "${fuzzers[@]}"; do corpus_of "$f" >/dev/null; done

build=${BUILD_DIR:-build-fuzz}
./scripts/setup.sh
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DTG_FUZZ=ON -DTG_SANITIZE=address,undefined -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link \
  -DTG_BUILD_BENCH=OFF -DTG_BUILD_EXAMPLES=OFF -DTG_BUILD_PYTHON=OFF "${launcher[@]}" >/dev/null
targets=()
for f in "${fuzzers[@]}"; do targets+=("${f}_fuzz"); done
cmake --build "$build" --target "${targets[@]}" -j2
mkdir -p "$build/crashes"

for f in "${fuzzers[@]}"; do
  if [ $ci = 1 ]; then
    scratch="$build/fuzz-ci-$f"
    rm -rf "$scratch" && mkdir -p "$scratch"
    largest=$(ls -S "$(corpus_of "$f")" | head -n 1)
    size=$(stat -c %s "$(corpus_of "$f")/$largest")
    { cat "$(corpus_of "$f")/$largest"; head -c $((max_len - size)) /dev/zero | tr '\0' ' '; } >"$scratch/seed-1MiB"
    budget=(-seed=1 -runs="${FUZZ_RUNS:-20000}")
  else
    scratch="$build/fuzz-corpus-$f"
    mkdir -p "$scratch"
    budget=(-max_total_time="$seconds")
  fi
  echo "fuzz: $f (${budget[*]})"
  log="$build/fuzz-$f.log"
  rc=0
  # shellcheck disable=SC2046  # the dictionary flag is one word or none
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$build/tests/fuzz/${f}_fuzz" \
    "${budget[@]}" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 $(dict_of "$f") \
    -artifact_prefix="$build/crashes/" -print_final_stats=1 "$scratch" "$(corpus_of "$f")" >"$log" 2>&1 || rc=$?
  tail -n 15 "$log"
  [ $rc = 0 ] || { echo "fuzz: $f failed (exit $rc; full log $log, input in $build/crashes/)" >&2; exit 1; }
done
