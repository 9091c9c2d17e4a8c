#!/usr/bin/env bash
# Side-by-side benchmark on one machine: gsmqd (each --fsync policy) against mosquitto,
# RabbitMQ (MQTT plugin, and native AMQP with publisher confirms) and NATS (MQTT on JetStream), all driven by the same generator
# (gsmq-gen) with the same workloads. Starts and stops every server itself, on loopback.
# Writes bench/results/<date>-<commit>.{md,jsonl,png} and updates bench/results/latest.md.
#
# Usage: bash bench/run.sh              (QUICK=1 for a short smoke run)
#        PEERS="gsmqd mosquitto" bash bench/run.sh   (a subset)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
quick=${QUICK:-0}
peers=${PEERS:-"gsmqd mosquitto rabbitmq nats jetstream redis"}
. bench/release_tools.sh
work=$(mktemp -d /tmp/gsmq-bench.XXXXXX)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
out=$root/bench/results/$stamp-$commit
mkdir -p "$root/bench/results"
raw=$out.jsonl
: > "$raw"
pids=()
rabbit_node="" rabbit_beam=""
cleanup() {
  [ -n "$rabbit_node" ] && { rabbitmqctl -n "$rabbit_node" stop >/dev/null 2>&1 || pkill -f "$rabbit_beam" || true; }
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() {  # host port: until something accepts (30 s at most)
  for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "nothing listens on port $1" >&2; return 1
}
peak_rss_mib() { awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }

# Sizes of the runs (bounded in count and time).
if [ "$quick" = 1 ]; then n128=50000; n4k=10000; dur=2s; warm=500ms; rates="1000 10000"; backlog=200000; else
  n128=1000000; n4k=200000; dur=10s; warm=2s; rates="1000 10000 50000"; backlog=10000000; fi

record() {  # system workload json-from-gsmq-gen [extra jq assignments]
  local system=$1 workload=$2 json=$3 rss=$4
  jq -c --arg s "$system" --arg w "$workload" --arg rss "$rss" \
    '{system:$s, workload:$w, peak_rss_mib:$rss, sent, acked, errors, received, lost,
      throughput_msg_s, ack_p50:.publish_ack.p50_us, ack_p99:.publish_ack.p99_us,
      e2e_p50:(.end_to_end.p50_us // null), e2e_p99:(.end_to_end.p99_us // null),
      e2e_p999:(.end_to_end.p99_9_us // null), e2e_max:(.end_to_end.max_us // null), rate}' <<<"$json" >> "$raw"
  echo "  $system / $workload: $(jq -r '"\(.throughput_msg_s|floor) msg/s, ack p99 \(.publish_ack.p99_us) µs" + (if .end_to_end then ", e2e p99 \(.end_to_end.p99_us) µs" else "" end)' <<<"$json"), peak RSS $rss MiB" >&2
}

# A run with errors still reports its figures. GEN_EXTRA: per-peer generator flags
# (--stamp-in-body for MQTT 3.1.1 peers, which carry no meta).
gen() { gsmq-gen -q --json ${GEN_EXTRA:-} "$@" || true; }

# The workloads. Each gets its own channel or topic, so that no run meets messages left
# over by another (the max-throughput runs do not consume theirs).
run_workloads() {  # system base_url query pid fanout(yes|no) [fanout query] [subscribe query]
  local system=$1 base=$2 q=$3 pid=$4 fanout=$5 fq=${6:-$3} sq=${7-$3}
  record "$system" "max throughput 128 B" "$(gen --count $n128 --size 128 -P 2 --max-in-flight 4096 "$base/tp128$q")" "$(peak_rss_mib "$pid")"
  record "$system" "max throughput 4 KiB" "$(gen --count $n4k --size 4KiB -P 2 --max-in-flight 1024 "$base/tp4k$q")" "$(peak_rss_mib "$pid")"
  for r in $rates; do
    record "$system" "latency at $r msg/s" \
      "$(gen --rate "$r" --duration $dur --warmup $warm --size 128 --subscribe "$base/lat$r$sq" "$base/lat$r$q")" "$(peak_rss_mib "$pid")"
  done
  if [ "$fanout" = yes ]; then
    record "$system" "fan-out 1→10 at 5000 msg/s" \
      "$(gen --rate 5000 --duration $dur --warmup $warm -C 10 --fanout --subscribe "$base/fan$fq" "$base/fan$fq")" "$(peak_rss_mib "$pid")"
  fi
}

for peer in $peers; do
  sync  # start each system with nothing of the last one left to write back
  case $peer in
  gsmqd)
    GEN_EXTRA=""
    # The disk's own fdatasync latency, on the filesystem gsmqd writes to (the floor of
    # --fsync batch latency): 2,000 appends of 256 B, each followed by fdatasync. Then the
    # floor of any group commit on this disk under load: syncing back to back for a few
    # seconds, a write that arrives at a random moment waits for the sync under way to
    # end, then for its own (200,000 arrival times drawn over the recorded syncs).
    /usr/bin/python3 - "$work/fsync-probe" "$([ "$quick" = 1 ] && echo 2 || echo 5)" <<'PY' >> "$raw"
import bisect, json, os, random, sys, time
def pct(v, p): return round(v[min(len(v) - 1, len(v) * p // 1000)], 1)
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
times = []
for _ in range(2000):
    os.write(fd, b"x" * 256)
    t0 = time.perf_counter()
    os.fdatasync(fd)
    times.append((time.perf_counter() - t0) * 1e6)
times.sort()
print(json.dumps({"system": "disk (fdatasync after a 256 B append)", "workload": "fsync latency",
                  "ack_p50": pct(times, 500), "ack_p99": pct(times, 990), "peak_rss_mib": "-"}))
spans = []
end = time.perf_counter() + float(sys.argv[2])
while time.perf_counter() < end:
    os.write(fd, b"x" * 1024)
    t0 = time.perf_counter()
    os.fdatasync(fd)
    spans.append((t0, time.perf_counter()))
os.close(fd)
os.unlink(sys.argv[1])
starts = [a for a, _ in spans]
rng = random.Random(16)
waits = []
for _ in range(200000):
    t = rng.uniform(spans[0][0], spans[-2][1])
    k = bisect.bisect_right(starts, t) - 1
    if 0 <= k < len(spans) - 1: waits.append((spans[k + 1][1] - t) * 1e6)
waits.sort()
print(json.dumps({"system": "disk (syncing back to back, %d syncs)" % len(spans), "workload": "group commit floor",
                  "e2e_p50": pct(waits, 500), "e2e_p99": pct(waits, 990), "e2e_p999": pct(waits, 999),
                  "peak_rss_mib": "-"}))
PY
    echo "  disk fdatasync p99: $(tail -2 "$raw" | head -1 | jq -r .ack_p99) µs; group commit floor p99: $(tail -1 "$raw" | jq -r .e2e_p99) µs" >&2
    for policy in batch always never; do
      port=$(free_port)
      gsmqd --listen "127.0.0.1:$port" --data-dir "$work/gsmqd-$policy" --fsync "$policy" --log-level warn &
      pid=$!; pids+=("$pid"); wait_port "$port"
      u=gsmq://127.0.0.1:$port
      echo "== gsmqd --fsync $policy (idle RSS $(peak_rss_mib $pid) MiB) ==" >&2
      jq -nc --arg s "gsmqd (fsync $policy)" --arg rss "$(peak_rss_mib "$pid")" '{system:$s, workload:"idle", peak_rss_mib:$rss}' >> "$raw"
      run_workloads "gsmqd (fsync $policy)" "$u" "" "$pid" "$([ "$policy" = batch ] && echo yes || echo no)" "?kind=events"
      if [ "$policy" = batch ]; then  # queue with acknowledgement: preload, then receive + ack
        gsmq-gen -q --count $n128 --size 128 -P 2 --max-in-flight 4096 "$u/drain" >/dev/null
        t0=$(date +%s.%N); gsmq-recv --count $n128 --wait 120s --format '{seq}' "$u/drain" >/dev/null; t1=$(date +%s.%N)
        rate=$(awk -v n=$n128 -v a=$t0 -v b=$t1 'BEGIN {printf "%.1f", n / (b - a)}')
        jq -nc --arg rss "$(peak_rss_mib $pid)" --argjson r "$rate" --argjson n $n128 \
          '{system:"gsmqd (fsync batch)", workload:"queue receive + ack 128 B", peak_rss_mib:$rss, received:$n, throughput_msg_s:$r}' >> "$raw"
        echo "  queue receive + ack: $(printf %.0f "$rate") msg/s" >&2
        # Memory with a deep backlog: $backlog queued 128-byte messages, nobody consuming.
        record "gsmqd (fsync batch)" "backlog of $backlog × 128 B" \
          "$(gen --count "$backlog" --size 128 -P 2 --max-in-flight 4096 "$u/backlog")" "$(peak_rss_mib "$pid")"
      fi
      kill "$pid"; wait "$pid" 2>/dev/null || true
      # Its gigabytes of written data would otherwise be flushed to disk while the next
      # system runs, and slow down every fsync there.
      rm -rf "$work/gsmqd-$policy"; sync
    done ;;
  mosquitto)
    command -v mosquitto >/dev/null || { echo "mosquitto not installed: skipped" >&2; continue; }
    port=$(free_port)
    printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\nmax_inflight_messages 0\n' "$port" > "$work/mosquitto.conf"
    GEN_EXTRA="--stamp-in-body"
    mosquitto -c "$work/mosquitto.conf" 2>"$work/mosquitto.log" & pid=$!; pids+=("$pid"); wait_port "$port"
    for qos in 1 0; do
      echo "== mosquitto QoS $qos ==" >&2
      run_workloads "mosquitto (QoS $qos)" "mqtt://127.0.0.1:$port/q$qos" "?qos=$qos" "$pid" "$([ $qos = 0 ] && echo yes || echo no)"
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true ;;
  rabbitmq)
    command -v rabbitmq-server >/dev/null || { echo "rabbitmq-server not installed: skipped" >&2; continue; }
    port=$(free_port); mport=$(free_port); dport=$(free_port)
    chmod 711 "$work"  # the rabbitmq user must reach its directory inside
    rdir=$work/rabbitmq; mkdir -p "$rdir"; echo '[rabbitmq_mqtt].' > "$rdir/enabled_plugins"; chown -R rabbitmq: "$rdir"
    export RABBITMQ_NODENAME=gsmqbench$$@localhost RABBITMQ_NODE_PORT=$port RABBITMQ_DIST_PORT=$dport \
      RABBITMQ_MNESIA_BASE=$rdir/mnesia RABBITMQ_LOG_BASE=$rdir/log RABBITMQ_ENABLED_PLUGINS_FILE=$rdir/enabled_plugins \
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-rabbitmq_mqtt tcp_listeners [$mport]"
    GEN_EXTRA="--stamp-in-body"
    rabbitmq-server >"$rdir/stdout.log" 2>&1 & pids+=("$!")
    rabbit_node=$RABBITMQ_NODENAME rabbit_beam="tcp_listeners \\[$mport\\]"  # stopped by cleanup, also when startup fails
    # The MQTT listener opens last, once the node and its plugin are up (2 minutes at most).
    for _ in $(seq 120); do (exec 3<>"/dev/tcp/127.0.0.1/$mport") 2>/dev/null && break; sleep 1; done
    (exec 3<>"/dev/tcp/127.0.0.1/$mport") 2>/dev/null || { echo "RabbitMQ did not start: skipped ($(tail -3 "$rdir/stdout.log"))" >&2; continue; }
    pid=$(pgrep -f "$rabbit_beam" | head -1)
    echo "== RabbitMQ MQTT QoS 1 ==" >&2
    run_workloads "RabbitMQ MQTT (QoS 1)" "mqtt://127.0.0.1:$mport/q1" "?qos=1" "$pid" no
    # Native AMQP 0.9.1: publisher confirms (persistent, durable classic queues), and a
    # consumer with manual acks (prefetch 1000) for the latency runs.
    echo "== RabbitMQ AMQP (confirms) ==" >&2
    GEN_EXTRA=""
    run_workloads "RabbitMQ AMQP (confirms)" "amqp://127.0.0.1:$port" "?declare=1&max_inflight=1000" "$pid" no
    rabbitmqctl -n "$rabbit_node" stop >/dev/null 2>&1 || true; rabbit_node="" ;;
  nats)
    command -v nats-server >/dev/null || { echo "nats-server not installed: skipped" >&2; continue; }
    port=$(free_port); mport=$(free_port)
    printf 'port: %s\nserver_name: gsmqbench\njetstream { store_dir: "%s/nats" }\nmqtt { port: %s }\n' "$port" "$work" "$mport" > "$work/nats.conf"
    GEN_EXTRA="--stamp-in-body"
    nats-server -c "$work/nats.conf" >"$work/nats.log" 2>&1 & pid=$!; pids+=("$pid"); wait_port "$mport"
    for qos in 1 0; do
      echo "== NATS MQTT QoS $qos ==" >&2
      run_workloads "NATS MQTT (QoS $qos)" "mqtt://127.0.0.1:$mport/q$qos" "?qos=$qos" "$pid" no
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true ;;
  jetstream)  # nats:// ?stream=: confirmed on the PubAck; R1 on one node, R3 on three
    command -v nats-server >/dev/null || { echo "nats-server not installed: skipped" >&2; continue; }
    GEN_EXTRA=""
    subjects="tp128,tp4k,$(printf 'lat%s,' $rates)fan"
    for replicas in 1 3; do
      cports=() mports=() routes=() jspids=()
      for k in $(seq "$replicas"); do cports+=("$(free_port)"); mports+=("$(free_port)"); routes+=("nats-route://127.0.0.1:$(free_port)"); done
      for k in $(seq 0 $((replicas - 1))); do
        conf=$work/js$replicas-$k.conf
        printf 'server_name: n%s\nlisten: 127.0.0.1:%s\nhttp: 127.0.0.1:%s\njetstream { store_dir: "%s/js%s-%s" }\n' \
          "$k" "${cports[$k]}" "${mports[$k]}" "$work" "$replicas" "$k" > "$conf"
        [ "$replicas" -gt 1 ] && printf 'cluster { name: bench, listen: %s, routes: [%s] }\n' "${routes[$k]#nats-route://}" "$(IFS=,; echo "${routes[*]}")" >> "$conf"
        nats-server -c "$conf" >"$work/js$replicas-$k.log" 2>&1 & jspids+=("$!"); pids+=("$!")
      done
      for p in "${mports[@]}"; do  # healthy: JetStream has a meta leader (30 s at most)
        for _ in $(seq 300); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/healthz")" = 200 ] && break; sleep 0.1; done
      done
      servers=""; for p in "${cports[@]:1}"; do servers+="${servers:+,}127.0.0.1:$p"; done
      q="?stream=BENCH&create&replicas=$replicas&subjects=$subjects${servers:+&servers=$servers}&max_inflight=1000"
      echo "== JetStream R$replicas ==" >&2
      # the latency runs' subscriber: a core subscription to the same subjects
      run_workloads "JetStream R$replicas" "nats://127.0.0.1:${cports[0]}" "$q" "${jspids[0]}" no "" "${servers:+?servers=$servers}"
      for p in "${jspids[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done
    done ;;
  redis)  # redis:// Streams: XADD (appendfsync everysec), and redis-benchmark's own XADD as a floor
    command -v redis-server >/dev/null || { echo "redis-server not installed: skipped" >&2; continue; }
    start_redis() {  # appendfsync policy: a fresh server on an empty directory; sets port and pid
      rm -rf "$work/redis"; mkdir -p "$work/redis"; sync
      port=$(free_port)
      redis-server --port "$port" --bind 127.0.0.1 --dir "$work/redis" --save '' --appendonly yes --appendfsync "$1" \
        --daemonize no >"$work/redis.log" 2>&1 & pid=$!; pids+=("$pid"); wait_port "$port"
    }
    start_redis everysec
    GEN_EXTRA=""
    echo "== Redis Streams (appendfsync everysec) ==" >&2
    run_workloads "Redis Streams XADD (everysec)" "redis://127.0.0.1:$port" "?max_inflight=1000" "$pid" no "" "?group=bench"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    # redis-benchmark, Redis's own pipelined client, with each AOF policy (issue 16's
    # durable comparison: `always` fsyncs before every reply). Each on a fresh server: the
    # one above holds every stream the workloads wrote (over a GiB at full size).
    payload=$(head -c 128 /dev/zero | tr '\0' x)
    for fsync_policy in everysec always; do
      start_redis "$fsync_policy"
      rate=$(redis-benchmark -p "$port" -c 2 -P 64 -n "$n128" -q XADD floor '*' b "$payload" 2>/dev/null | grep -o '[0-9.]* requests per second' | tail -1 | cut -d' ' -f1)
      jq -nc --arg rss "$(peak_rss_mib $pid)" --argjson r "${rate:-0}" --argjson n "$n128" --arg s "redis-benchmark XADD -P 64 ($fsync_policy)" \
        '{system:$s, workload:"max throughput 128 B", peak_rss_mib:$rss, sent:$n, throughput_msg_s:$r}' >> "$raw"
      echo "  redis-benchmark XADD -c 2 -P 64, appendfsync $fsync_policy: ${rate:-?} msg/s" >&2
      kill "$pid"; wait "$pid" 2>/dev/null || true
    done ;;
  esac
done

# The report: one Markdown table, ratios against mosquitto QoS 1, and a latency plot.
{
  echo "# gsmq benchmark $stamp (commit $commit)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')."
  echo "Command: \`$([ -n "${PEERS:-}" ] && echo "PEERS=\"$PEERS\" ")bash bench/run.sh\`$([ "$quick" = 1 ] && echo ' (QUICK=1)'). Generator: gsmq-gen on the same machine (2 producers, closed loop for max throughput; open loop with one subscriber for latency). Latencies in µs."
  echo
  echo "| system | workload | msg/s | ack p50 | ack p99 | e2e p50 | e2e p99 | e2e p99.9 | lost | peak RSS MiB |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  jq -r '"| \(.system) | \(.workload) | \(.throughput_msg_s // 0 | floor) | \(.ack_p50 // "-") | \(.ack_p99 // "-") | \(.e2e_p50 // "-") | \(.e2e_p99 // "-") | \(.e2e_p999 // "-") | \(.lost // "-") | \(.peak_rss_mib) |"' "$raw"
  echo
  echo "## Throughput ratios (same workload, same run)"
  echo
  jq -rs '
    (map(select(.system == "mosquitto (QoS 1)")) | map({key: .workload, value: .throughput_msg_s}) | from_entries) as $m1 |
    (map(select(.system == "mosquitto (QoS 0)")) | map({key: .workload, value: .throughput_msg_s}) | from_entries) as $m0 |
    map(select(.system | startswith("gsmqd")) | select($m1[.workload] != null and (.workload | startswith("max")))) |
    .[] | "- \(.system), \(.workload): \((.throughput_msg_s / $m1[.workload]) * 100 | floor / 100)× mosquitto QoS 1, \((.throughput_msg_s / ($m0[.workload] // .throughput_msg_s)) * 100 | floor / 100)× mosquitto QoS 0"' "$raw" || true
  echo
  echo "## Against issue 16's targets (ratios in this run)"
  echo
  # durable ingest vs Redis's own pipelined client; queue receive + ack vs ingest
  jq -rs '
    def row(s; w): map(select((s == null or .system == s) and .workload == w)) | first;
    def rate(s; w): row(s; w).throughput_msg_s // null;
    def ratio(a; b): if a == null or b == null or b == 0 then "not measured" else "\((a / b) * 100 | floor / 100)×" end;
    rate("gsmqd (fsync batch)"; "max throughput 128 B") as $g |
    "- durable ingest (fsync batch, 128 B) / redis-benchmark XADD, appendfsync always: \(ratio($g; rate("redis-benchmark XADD -P 64 (always)"; "max throughput 128 B"))) (target ≥ 5×)",
    "- durable ingest (fsync batch, 128 B) / redis-benchmark XADD, appendfsync everysec: \(ratio($g; rate("redis-benchmark XADD -P 64 (everysec)"; "max throughput 128 B"))) (target ≥ 2×)",
    "- queue receive + ack / durable ingest: \(ratio(rate("gsmqd (fsync batch)"; "queue receive + ack 128 B"); $g)) (target ≥ 0.6×)",
    (row("gsmqd (fsync batch)"; "latency at 10000 msg/s").e2e_p99 // null) as $lat |
    (row(null; "fsync latency").ack_p99 // null) as $disk |
    (row(null; "group commit floor").e2e_p99 // null) as $floor |
    (row("gsmqd (fsync never)"; "latency at 10000 msg/s").e2e_p99 // null) as $never |
    "- e2e p99 at 10k msg/s, fsync batch: \($lat // "not measured") µs; the disk'"'"'s fdatasync p99: \($disk // "not measured") µs; ratio \(ratio($lat; $disk)) (target ≤ 1 ms, or ≤ 1.5× the disk'"'"'s)",
    "  - what bounds it: the disk'"'"'s group-commit floor (a write arriving while syncs run back to back waits for the one under way, then its own) p99 \($floor // "not measured") µs, and the same path without syncs (fsync never, 10k msg/s) e2e p99 \($never // "not measured") µs; ratio to the floor \(ratio($lat; $floor))"' "$raw" || true
} > "$out.md"
if command -v gnuplot >/dev/null; then
  jq -r 'select(.workload | startswith("latency at")) | "\(.system)\t\(.rate)\t\(.e2e_p50)\t\(.e2e_p99)"' "$raw" > "$work/lat.tsv"
  systems=$(cut -f1 "$work/lat.tsv" | sort -u)
  plot=""
  while IFS= read -r s; do
    grep -F "$s	" "$work/lat.tsv" | cut -f2- > "$work/$(echo "$s" | tr -c 'a-zA-Z0-9' _).dat"
    f="$work/$(echo "$s" | tr -c 'a-zA-Z0-9' _).dat"
    plot+="\"$f\" using 1:3 with linespoints title \"$s p99\", "
  done <<<"$systems"
  gnuplot <<GP || true
set terminal png size 1000,600
set output "$out.png"
set logscale xy
set xlabel "offered rate (msg/s)"
set ylabel "end-to-end latency p99 (µs)"
set key outside right
plot ${plot%, }
GP
  [ -f "$out.png" ] && echo -e "\n![end-to-end p99 latency vs offered rate]($(basename "$out").png)" >> "$out.md"
else
  echo "bench: no latency plot: gnuplot is not installed (apt-get install -y gnuplot-nox)" >&2
  echo -e "\n(No latency plot: gnuplot was not installed.)" >> "$out.md"
fi
cp "$out.md" "$root/bench/results/latest.md"
[ -f "$out.png" ] && sed -i "s|($(basename "$out").png)|($(basename "$out").png)|" "$root/bench/results/latest.md"
echo "wrote $out.md" >&2
