#!/usr/bin/env bash
# Instructions per message, counted by callgrind: a cost figure that does not depend on
# the machine's speed or load (issue 16; this VM has no hardware counters for perf stat).
# For the two throughput paths, durable queue ingest (gsmq-gen -P 2) and receive + ack
# (gsmq-recv), 128-byte messages, --fsync batch, it counts
#   - gsmqd's instructions: gsmqd runs under callgrind; its counts are zeroed before and
#     dumped after each client run (callgrind_control), the client running natively;
#   - the client's: the client runs under callgrind against a gsmqd running natively.
# Each is counted for N1 and N2 messages; (count(N2) - count(N1)) / (N2 - N1) cancels
# start-up, connection set-up and shut-down, so what is left is the cost of one message.
#
# Usage: bash bench/instructions_per_message.sh   (N1=10000 N2=40000; BENCH_BUILD as the
# other bench scripts). Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
n1=${N1:-10000}
n2=${N2:-40000}
. bench/release_tools.sh
command -v valgrind >/dev/null || { echo "instructions_per_message: needs valgrind (apt-get install -y valgrind)" >&2; exit 2; }
work=$(mktemp -d /tmp/gsmq-ipm.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# start_gsmqd NAME [WRAPPER...]: a fresh gsmqd in $work/NAME; sets url and daemon.
start_gsmqd() {
  local name=$1; shift
  mkdir -p "$work/$name"
  "$@" gsmqd --listen 127.0.0.1:0 --port-file "$work/$name/port" --data-dir "$work/$name/data" --fsync batch \
    --log-level warn 2>"$work/$name/log" &
  daemon=$!
  pids+=("$daemon")
  for _ in $(seq 600); do [ -s "$work/$name/port" ] && break; sleep 0.1; done
  [ -s "$work/$name/port" ] || { echo "gsmqd ($name) did not start:" >&2; cat "$work/$name/log" >&2; exit 1; }
  url=gsmq://127.0.0.1:$(cat "$work/$name/port")
}

ingest=(gsmq-gen -q --size 128 -P 2 --max-in-flight 4096 --count)  # + N URL
drain=(gsmq-recv --wait 300s --format '{seq}' --count)   # + N URL

# The summary line of the newest callgrind output file matching PATTERN.
summary() { sed -n 's/^summary: //p' "$(ls -t $1 | head -1)"; }

# gsmqd under callgrind: counts between a zero and a dump around each client run.
start_gsmqd daemon valgrind --tool=callgrind --callgrind-out-file="$work/daemon.out" -q
daemon_count() {  # daemon_count COMMAND...: gsmqd's instructions during the command
  callgrind_control -z "$daemon" >/dev/null 2>&1
  "$@" >/dev/null
  callgrind_control -d "$daemon" >/dev/null 2>&1
  summary "$work/daemon.out.*"
}
d_in1=$(daemon_count "${ingest[@]}" "$n1" "$url/a")
d_in2=$(daemon_count "${ingest[@]}" "$n2" "$url/b")
d_rx1=$(daemon_count "${drain[@]}" "$n1" "$url/a")
d_rx2=$(daemon_count "${drain[@]}" "$n2" "$url/b")

# The clients under callgrind, against a native gsmqd.
start_gsmqd native
client_count() {  # client_count NAME COMMAND...: the command's own instructions
  local name=$1; shift
  valgrind --tool=callgrind --callgrind-out-file="$work/$name.out" -q "$@" >/dev/null
  summary "$work/$name.out"
}
c_in1=$(client_count in1 "${ingest[@]}" "$n1" "$url/a")
c_in2=$(client_count in2 "${ingest[@]}" "$n2" "$url/b")
c_rx1=$(client_count rx1 "${drain[@]}" "$n1" "$url/a")
c_rx2=$(client_count rx2 "${drain[@]}" "$n2" "$url/b")

per() { awk -v a="$1" -v b="$2" -v n1="$n1" -v n2="$n2" 'BEGIN { printf "%.0f", (b - a) / (n2 - n1) }'; }
echo "Instructions per message (callgrind), 128 B, --fsync batch; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); N1=$n1 N2=$n2"
printf '%-16s client %6s   gsmqd %6s\n' "ingest" "$(per "$c_in1" "$c_in2")" "$(per "$d_in1" "$d_in2")"
printf '%-16s client %6s   gsmqd %6s\n' "receive + ack" "$(per "$c_rx1" "$c_rx2")" "$(per "$d_rx1" "$d_rx2")"
