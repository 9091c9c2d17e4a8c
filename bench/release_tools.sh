# Sourced by the bench scripts (from the repository root): puts the Release build's
# tools first on PATH, building them once if they are not there yet. BENCH_BUILD=DIR uses
# another optimised build instead (build/ci, the -O2 Release build the tests use).
build=${BENCH_BUILD:-$PWD/build/release}
case $build in /*) ;; *) build=$PWD/$build ;; esac
if [ ! -x "$build/tools/gsmq-gen" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j "$(nproc)"
fi
if ! grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build/CMakeCache.txt"; then
  echo "bench: $build is not a Release build" >&2
  exit 2
fi
export PATH="$build/tools:$PATH"
