#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang in build/fuzz and runs each for
# SECONDS (default 60) on its seed corpus tests/fuzz/corpus/<corpus> (with a dictionary
# where it has one; see the table below), then prints each target's executions and
# findings. New inputs go to build/fuzz/corpus/TARGET (the seed corpus is only read);
# findings (crash-*, timeout-*, oom-*) to build/fuzz/findings/TARGET.
# Exit status 1 when a target found something.
# Usage: bash scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
dir=${GSMQ_FUZZ_DIR:-build/fuzz}
# target       seed corpus     dictionary
table="
envelope_fuzz      envelope      envelope.dict
json_scan_fuzz     envelope      envelope.dict
rules_fuzz         rules         rules.dict
url_fuzz           url           -
stomp_frame_fuzz   stomp_frame   -
netlines_fuzz      netlines      envelope.dict
text_codecs_fuzz   text_codecs   -
segment_fuzz       segment       -
record_codec_fuzz  record_codec  -
stored_message_fuzz record_codec -
toml_config_fuzz   toml_config   -
acl_fuzz           acl           -
"
targets=("$@")
if ((${#targets[@]} == 0)); then
  mapfile -t targets < <(awk 'NF { print $1 }' <<<"$table")
fi
for target in "${targets[@]}"; do
  awk -v t="$target" '$1 == t { found = 1 } END { exit !found }' <<<"$table" ||
    { echo "fuzz.sh: no target $target (targets: $(awk 'NF { printf "%s ", $1 }' <<<"$table"))" >&2; exit 2; }
done

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found: apt-get install -y clang libclang-rt-14-dev" >&2
  exit 2
fi
# -O1 and sanitizers as is usual for fuzzing; only the fuzz targets are built (2 jobs:
# the machine is shared).
mkdir -p "$dir"
cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" -DGSMQ_FUZZ=ON -DGSMQ_TESTS=OFF -DGSMQ_JEMALLOC=OFF >"$dir.cmake.log" 2>&1 ||
  { cat "$dir.cmake.log" >&2; exit 1; }
cmake --build "$dir" -j2 --target "${targets[@]}"

status=0
for target in "${targets[@]}"; do
  read -r _ seeds dict < <(awk -v t="$target" '$1 == t' <<<"$table")
  corpus="$dir/corpus/$target" findings="$dir/findings/$target" log="$dir/$target.log"
  mkdir -p "$corpus" "$findings"
  args=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$findings/")
  [[ "$dict" == - ]] || args+=(-dict="tests/fuzz/$dict")
  "$dir/tests/fuzz/$target" "${args[@]}" "$corpus" "tests/fuzz/corpus/$seeds" >"$log" 2>&1 || true
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  found=$(find "$findings" -type f | wc -l)
  echo "$target: ${executions:-?} executions in ${seconds} s, corpus $(find "$corpus" -type f | wc -l) inputs, $found findings (log: $log)"
  if ((found > 0)) || [[ -z "$executions" ]]; then
    status=1
    grep -E '^(==[0-9]+==ERROR|SUMMARY|[a-z_]+_fuzz: )' "$log" | head -5 >&2 || true
  fi
done
exit "$status"
