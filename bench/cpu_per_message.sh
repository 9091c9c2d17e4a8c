#!/usr/bin/env bash
# Where the CPU goes: CPU time per message of the client and of gsmqd, for the two
# throughput targets (durable queue ingest, and receive + ack of a backlog), 128-byte
# messages, --fsync batch. Client and daemon share this machine's cores, so the sum of
# the two figures bounds the throughput: cores / (client + gsmqd) µs per message.
#
# Usage: bash bench/cpu_per_message.sh        (N=1000000 messages per run, 3 runs each)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
n=${N:-1000000}
runs=${RUNS:-3}
. bench/release_tools.sh
work=$(mktemp -d /tmp/gsmq-cpu.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

gsmqd --listen 127.0.0.1:0 --port-file "$work/port" --data-dir "$work/data" --fsync batch --log-level warn &
pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
url=gsmq://127.0.0.1:$(cat "$work/port")
tick=$(getconf CLK_TCK)
daemon_cpu() { awk -v t="$tick" '{print ($14 + $15) / t}' "/proc/$pid/stat"; }

# run LABEL COMMAND...: the command's own CPU (user + sys) and gsmqd's during it, per message.
measure() {
  local label=$1; shift
  local before after t0 t1 client
  before=$(daemon_cpu); t0=$(date +%s.%N)
  client=$({ TIMEFORMAT='%U %S'; time "$@" >/dev/null 2>&1; } 2>&1 | tail -1)
  t1=$(date +%s.%N); after=$(daemon_cpu)
  awk -v l="$label" -v n="$n" -v a="$before" -v b="$after" -v t0="$t0" -v t1="$t1" -v c="$client" 'BEGIN {
    split(c, u, " ");
    printf "%-16s %9.0f msg/s   client %.2f µs/msg   gsmqd %.2f µs/msg\n", l, n / (t1 - t0), (u[1] + u[2]) * 1e6 / n, (b - a) * 1e6 / n }'
}

echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); N=$n"
for i in $(seq "$runs"); do
  measure "ingest" gsmq-gen -q --count "$n" --size 128 -P 2 --max-in-flight 4096 "$url/cpu$i"
done
for i in $(seq "$runs"); do
  measure "receive + ack" gsmq-recv --count "$n" --wait 120s --format '{seq}' "$url/cpu$i"
done
