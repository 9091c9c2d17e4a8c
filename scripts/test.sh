#!/usr/bin/env bash
# Sets up (Debian packages), builds and runs the whole test suite: the unit tests and
# the CLI tests in a warnings-as-errors build; then under ASan + UBSan the unit tests and
# the CLI files labelled sanitize in tests/CMakeLists.txt (daemon and ingest server paths).
# Then a short fuzz pass: scripts/fuzz.sh builds only the libFuzzer targets and what they
# test, with clang, and runs each for FUZZ_SECONDS (default 6).
# Usage: bash scripts/test.sh            (what CI runs)
#        SKIP_DEPS=1 SKIP_SANITIZE=1 SKIP_FUZZ=1 bash scripts/test.sh   (quick local run)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_DEPS:-0}" = 1 ] || bash scripts/install-deps.sh
jobs=$(nproc)

run_suite() {  # build dir, extra cmake args... (CTEST_ARGS: more ctest arguments,
  local dir=$1; shift  #                             CTEST_JOBS: tests run at once)
  cmake -S . -B "$dir" -G Ninja -DGSMQ_WERROR=ON "$@"
  cmake --build "$dir" -j "$jobs"
  # shellcheck disable=SC2086
  ctest --test-dir "$dir" --output-on-failure -j "${CTEST_JOBS:-$jobs}" --timeout 900 ${CTEST_ARGS:-}
}

# -O2 (GCC 12 at -O3 gives false -Wrestrict errors in std::string), no full debug info in
# CI builds: it roughly doubles the compile time of the gRPC and
# Boost.Beast heavy files; -g1 keeps function names and lines for sanitizer reports.
echo "== build and test (warnings are errors) == $(date -u +%T)"
# The CLI tests spend most of their time waiting on daemons, peers and time-outs (here the
# release files used about 40% of the CPU at -j2): two per core.
CTEST_JOBS=$((2 * jobs)) run_suite build/ci -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG"
if [ "${SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== build and test under AddressSanitizer + UndefinedBehaviorSanitizer == $(date -u +%T)"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
  export GSMQ_SANITIZED=1  # lets a test skip a third-party crash seen only under ASan
  # the unit tests and the CLI files labelled sanitize (tests/CMakeLists.txt says which)
  CTEST_ARGS="-L unit|sanitize" run_suite build/asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DGSMQ_SANITIZE=ON
fi
if [ "${SKIP_FUZZ:-0}" != 1 ]; then
  echo "== a short fuzz pass (scripts/fuzz.sh) == $(date -u +%T)"
  bash scripts/fuzz.sh "${FUZZ_SECONDS:-6}"
fi
