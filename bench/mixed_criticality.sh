#!/usr/bin/env bash
# Mixed criticality: a flood of bulk telemetry and a trickle of alarms with a 10 ms critical
# time through one gsmqd queue, drained by one consumer. Run twice on a fresh daemon:
#   fifo      the alarms carry no deadline (gsmq-gen --late-after): they wait behind the bulk;
#   deadline  the alarms carry deadline_ms (gsmq-gen --deadline): earliest deadline first,
#             and the ones still waiting when it passes are dead-lettered (they count as lost).
# Prints, per mode, the alarms' on-time / late / lost counts, miss ratio and end-to-end
# latency, and gsmqd's own on_time / late counters for the queue.
#
# Usage: bash bench/mixed_criticality.sh
#   BACKLOG=200000 bulk messages waiting before the alarms start, FLOOD=200000 more sent
#   while they run, RATE=50 alarms/s for DURATION=5s, CRITICAL=10ms, PREFETCH=1024 messages
#   per Receive call of the consumer (the gsmq:// source's ?prefetch=), FSYNC=batch (gsmqd --fsync).
#   GSMQ_BIN_DIR=build/ci/tools uses that build instead of bench/release_tools.sh's.
set -euo pipefail
cd "$(dirname "$0")/.."
backlog=${BACKLOG:-200000}
flood=${FLOOD:-200000}
rate=${RATE:-50}
duration=${DURATION:-5s}
critical=${CRITICAL:-10ms}
prefetch=${PREFETCH:-1024}
fsync=${FSYNC:-batch}
if [ -n "${GSMQ_BIN_DIR:-}" ]; then export PATH="$(cd "$GSMQ_BIN_DIR" && pwd):$PATH"; else . bench/release_tools.sh; fi
work=$(mktemp -d /tmp/gsmq-mixed.XXXXXX)
pid="" flood_pid=""
cleanup() {
  [ -n "$flood_pid" ] && kill "$flood_pid" 2>/dev/null
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Bulk bodies without gsmq-gen's stamp, so that the alarms' consumer tells them apart.
bulk() { awk -v n="$1" -v tag="$2" 'BEGIN { for (i = 1; i <= n; i++) printf "{\"body\":{\"%s\":%d,\"temp\":21.5,\"pad\":\"0123456789012345678901234567890123456789012345678901234567890123\"}}\n", tag, i }'; }
bulk "$backlog" backlog >"$work/backlog.jsonl"
bulk "$flood" flood >"$work/flood.jsonl"

run_mode() {
  local mode=$1 flag
  [ "$mode" = deadline ] && flag=--deadline || flag=--late-after
  rm -rf "$work/data" "$work/port"
  gsmqd --listen 127.0.0.1:0 --port-file "$work/port" --data-dir "$work/data" --fsync "$fsync" --log-level warn &
  pid=$!
  for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
  local url=gsmq://127.0.0.1:$(cat "$work/port")
  gsmq-send --quiet "$url/mixed" <"$work/backlog.jsonl"
  gsmq-send --quiet "$url/mixed" <"$work/flood.jsonl" &
  flood_pid=$!
  gsmq-gen -q --json --rate "$rate" --duration "$duration" "$flag" "$critical" --drain 120s \
    --subscribe "$url/mixed?prefetch=$prefetch" "$url/mixed" >"$work/$mode.json" || true
  wait "$flood_pid" || true
  flood_pid=""
  gsmqd channels "$url" | jq -c 'select(.channel == "mixed")' >"$work/$mode.channel.json"
  kill "$pid"
  wait "$pid" || true
  pid=""
  jq -r --arg mode "$mode" --slurpfile ch "$work/$mode.channel.json" '
    "| \($mode) | \(.sent) | \(.deadline.on_time) | \(.deadline.late) | \(.deadline.lost) | " +
    "\(.deadline.miss_ratio * 100 * 100 | round / 100)% | " +
    "\(.end_to_end.p50_us / 1000 * 100 | round / 100) | \(.end_to_end.p99_us / 1000 * 100 | round / 100) | " +
    "\(.end_to_end.max_us / 1000 * 100 | round / 100) | \($ch[0].on_time // 0) / \($ch[0].late // 0) |"' "$work/$mode.json"
}

echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "Backlog $backlog + flood $flood bulk messages; alarms at $rate/s for $duration with a $critical critical time; one consumer, prefetch $prefetch; gsmqd --fsync $fsync."
echo
echo "| mode | alarms sent | on time | late | lost | miss ratio | e2e p50 ms | p99 ms | max ms | gsmqd on_time / late |"
echo "|---|---|---|---|---|---|---|---|---|---|"
run_mode fifo
run_mode deadline
