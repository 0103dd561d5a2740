#!/usr/bin/env bash
# One-command sanitizer runs. address: ASan+UBSan over the whole suite (slow tests excluded;
# the install test too: its consumer project is built without the sanitizer runtime).
# thread: TSan over the scheduler tests, with fewer random scopes, and the MPI tests (label
# mpi: the deferred block completions of collectives, signalled by the progress thread).
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-address}
./scripts/setup.sh
case "$kind" in
  address)
    BUILD_DIR=build-asan BUILD_TYPE=RelWithDebInfo ./scripts/build.sh -DTG_SANITIZE=address,undefined -DTG_BUILD_BENCH=OFF
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ctest --test-dir build-asan --output-on-failure -j2 -LE "slow|browser|install"
    ;;
  thread)
    BUILD_DIR=build-tsan BUILD_TYPE=RelWithDebInfo ./scripts/build.sh -DTG_SANITIZE=thread -DTG_BUILD_BENCH=OFF
    TG_RANDOM_DAG_SCOPES=100 TSAN_OPTIONS="halt_on_error=1 suppressions=$PWD/scripts/tsan.supp" ctest --test-dir build-tsan --output-on-failure -j2 -L "scheduler|mpi" -LE slow
    ;;
  *) echo "usage: $0 address|thread" >&2; exit 2 ;;
esac
