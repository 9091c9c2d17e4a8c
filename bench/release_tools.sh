# Sourced by the bench scripts (from the repository root): puts the Release build's
# tools first on PATH, building them once if they are not there yet.
build=$PWD/build/release
if [ ! -x "$build/tools/gsmq-gen" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j "$(nproc)"
fi
export PATH="$build/tools:$PATH"
