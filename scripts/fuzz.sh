#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang in build/fuzz and runs each for
# SECONDS (default 60) on the seed corpus tests/fuzz/corpus/envelope, with the dictionary
# tests/fuzz/envelope.dict (rules_fuzz: tests/fuzz/corpus/rules and rules.dict), then prints each target's executions and findings. New inputs
# go to build/fuzz/corpus/TARGET (the seed corpus is only read); findings (crash-*,
# timeout-*, oom-*) to build/fuzz/findings/TARGET.
# Exit status 1 when a target found something.
# Usage: bash scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
dir=build/fuzz
seeds=tests/fuzz/corpus/envelope
targets=(envelope_fuzz json_scan_fuzz rules_fuzz)

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found: apt-get install -y clang libclang-rt-14-dev" >&2
  exit 2
fi
# -O1 and sanitizers as is usual for fuzzing; only the fuzz targets are built (2 jobs:
# the machine is shared).
cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" -DGSMQ_FUZZ=ON -DGSMQ_TESTS=OFF -DGSMQ_JEMALLOC=OFF >"$dir.cmake.log" 2>&1 ||
  { cat "$dir.cmake.log" >&2; exit 1; }
cmake --build "$dir" -j2 --target "${targets[@]}"

status=0
for target in "${targets[@]}"; do
  corpus="$dir/corpus/$target" findings="$dir/findings/$target" log="$dir/$target.log"
  mkdir -p "$corpus" "$findings"
  "$dir/tests/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -dict="tests/fuzz/$([ "$target" = rules_fuzz ] && echo rules || echo envelope).dict" -artifact_prefix="$findings/" \
    "$corpus" "$([ "$target" = rules_fuzz ] && echo tests/fuzz/corpus/rules || echo "$seeds")" >"$log" 2>&1 || true
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  found=$(find "$findings" -type f | wc -l)
  echo "$target: ${executions:-?} executions in ${seconds} s, corpus $(find "$corpus" -type f | wc -l) inputs, $found findings (log: $log)"
  if ((found > 0)) || [[ -z "$executions" ]]; then
    status=1
    grep -E '^(==[0-9]+==ERROR|SUMMARY|envelope_fuzz|json_scan_fuzz|rules_fuzz)' "$log" | head -5 >&2 || true
  fi
done
exit "$status"
