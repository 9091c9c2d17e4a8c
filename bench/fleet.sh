#!/usr/bin/env bash
# Fleet simulation (docs/federation.md): as many node daemons as this machine holds, sized
# from one node's measured idle RSS, under one cluster daemon and one core daemon, all
# federated on loopback. Each node is fed by a gsmq-gen that also subscribes at the core,
# so its end-to-end latency is node -> cluster -> core ("link lag"). Then the cluster is
# killed with -9 while the nodes keep accepting, and restarted: the recovery time is how
# long until the core holds everything again.
#
# Writes bench/results/fleet-<date>-<commit>.{md,jsonl,png}.
# Usage: bash bench/fleet.sh   (NODES=N to set the fleet size, RATE=per-node msg/s,
#                               DURATION=load phase, OUTAGE=how long the cluster is down)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
. bench/release_tools.sh
rate=${RATE:-200}
duration=${DURATION:-20s}
outage=${OUTAGE:-10}
work=$(mktemp -d /tmp/gsmq-fleet.XXXXXX)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
out=$root/bench/results/fleet-$stamp-$commit
mkdir -p "$root/bench/results"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

rss_mib() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
start() {  # name [flags...]: starts gsmqd NAME; its port is then $(port_of NAME)
  local name=$1
  shift
  gsmqd --listen 127.0.0.1:0 --port-file "$work/$name.port" --data-dir "$work/$name" --name "$name" \
    --log-level warn "$@" </dev/null >/dev/null 2>>"$work/$name.log" &
  echo $! >"$work/$name.pid"
  pids+=($!)
  for _ in $(seq 200); do [ -s "$work/$name.port" ] && return 0; sleep 0.05; done
  echo "gsmqd $name did not start:" >&2; cat "$work/$name.log" >&2; return 1
}
port_of() { cat "$work/$1.port"; }
pid_of() { cat "$work/$1.pid"; }
depth() {  # port channel: waiting + in flight (0 while the channel does not exist)
  gsmqd channels "gsmq://127.0.0.1:$1" 2>/dev/null |
    jq -s --arg c "$2" '[.[] | select(.channel == $c) | .depth + .in_flight] | add // 0'
}
backlogs() {  # port: the sum of the backlogs of the links a daemon dials
  gsmqd links "gsmq://127.0.0.1:$1" | jq -s '[.[] | select(.url != null) | .backlog] | add // 0'
}

start core --role core
core=$(port_of core)
start cluster --role cluster --upstream "gsmq://127.0.0.1:$core" --forward 'up fleet/#'
cluster=$(port_of cluster)

# Size the fleet from one node's idle RSS: half the available memory, and no more than the
# CPU can feed (each node has its own generator on the same cores).
start probe --upstream "gsmq://127.0.0.1:$cluster" --forward 'up t/# as fleet/probe/{rest}'
sleep 2
node_rss=$(rss_mib "$(pid_of probe)")
kill "$(pid_of probe)"; wait "$(pid_of probe)" 2>/dev/null || true
avail_mib=$(awk '/MemAvailable/ {print int($2/1024)}' /proc/meminfo)
by_memory=$(awk -v a="$avail_mib" -v r="$node_rss" 'BEGIN {print int(a / 2 / (r > 0 ? r : 20))}')
by_cpu=$(( $(nproc) * 16 ))
nodes=${NODES:-$(( by_memory < by_cpu ? by_memory : by_cpu ))}
echo "== fleet: $nodes nodes (idle node RSS $node_rss MiB; memory allows $by_memory, CPU $by_cpu), $rate msg/s each for $duration ==" >&2

declare -a node_port
for i in $(seq "$nodes"); do
  start "node$i" --upstream "gsmq://127.0.0.1:$cluster" --forward "up t/# as fleet/node$i/{rest}"
  node_port[$i]=$(port_of "node$i")
done
sleep 2  # every link dialled (the first pull creates the outboxes)

# Load: one generator per node, each subscribing at the core for its own readings.
started=$(date +%s.%N)
gens=()
for i in $(seq "$nodes"); do
  gsmq-gen -q --json --rate "$rate" --duration "$duration" --size 128 --drain 30s \
    --subscribe "gsmq://127.0.0.1:$core/fleet/node$i/r" "gsmq://127.0.0.1:${node_port[$i]}/t/r" \
    >"$work/gen$i.json" 2>"$work/gen$i.err" &
  gens+=($!)
done
wait "${gens[@]}" || true
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
jq -s '.' "$work"/gen*.json >"$work/gens.json"
received=$(jq '[.[].received] | add' "$work/gens.json")
sent=$(jq '[.[].acked] | add' "$work/gens.json")
lost=$(jq '[.[].lost] | add' "$work/gens.json")
e2e_p50=$(jq '[.[].end_to_end.p50_us] | sort | .[length/2|floor]' "$work/gens.json")
e2e_p99=$(jq '[.[].end_to_end.p99_us] | max' "$work/gens.json")
node_rss_loaded=$(for i in $(seq "$nodes"); do rss_mib "$(pid_of "node$i")"; done | awk '{s+=$1} END {printf "%.1f", s/NR}')
cluster_rss=$(rss_mib "$(pid_of cluster)")
core_rss=$(rss_mib "$(pid_of core)")
echo "  load: $sent accepted by the nodes, $received at the core, lost $lost; e2e p50 ${e2e_p50} µs (median node), p99 ${e2e_p99} µs (worst node)" >&2

# Recovery: the cluster killed with -9 while every node keeps accepting.
kill -9 "$(pid_of cluster)"; wait "$(pid_of cluster)" 2>/dev/null || true
per_node=$(( rate * outage ))
senders=()
for i in $(seq "$nodes"); do
  seq 1 "$per_node" | gsmq-send --raw "gsmq://127.0.0.1:${node_port[$i]}/t/outage" &
  senders+=($!)
done
wait "${senders[@]}" || true
sleep "$outage"  # the outage itself
gsmqd --listen "127.0.0.1:$cluster" --data-dir "$work/cluster" --name cluster --role cluster \
  --upstream "gsmq://127.0.0.1:$core" --forward 'up fleet/#' --log-level warn </dev/null >/dev/null 2>>"$work/cluster.log" &
pids+=($!)
restarted=$(date +%s.%N)
expected=$(( per_node * nodes ))
for _ in $(seq 3000); do
  got=0
  for i in $(seq "$nodes"); do got=$(( got + $(depth "$core" "fleet/node$i/outage") )); done
  [ "$got" -ge "$expected" ] && break
  sleep 0.2
done
recovery=$(echo "$(date +%s.%N) - $restarted" | bc)
echo "  recovery: $got of $expected outage readings at the core ${recovery}s after the cluster restarted" >&2

# Report.
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
jq -c --argjson nodes "$nodes" --arg rate "$rate" --arg duration "$duration" --arg elapsed "$elapsed" \
  --argjson sent "$sent" --argjson received "$received" --argjson lost "$lost" \
  --arg node_rss "$node_rss" --arg node_rss_loaded "$node_rss_loaded" --arg cluster_rss "$cluster_rss" \
  --arg core_rss "$core_rss" --arg recovery "$recovery" --argjson outage_got "$got" --argjson outage_expected "$expected" \
  -n '{nodes:$nodes, rate_per_node:($rate|tonumber), duration:$duration, sent:$sent, received:$received, lost:$lost,
       node_idle_rss_mib:($node_rss|tonumber), node_rss_mib:($node_rss_loaded|tonumber),
       cluster_rss_mib:($cluster_rss|tonumber), core_rss_mib:($core_rss|tonumber),
       recovery_s:($recovery|tonumber), outage_readings:$outage_got, outage_expected:$outage_expected}' >"$out.jsonl"
jq -c '.[] | {e2e_p50:.end_to_end.p50_us, e2e_p99:.end_to_end.p99_us, received, lost}' "$work/gens.json" >>"$out.jsonl"
throughput=$(echo "scale=0; $received / $elapsed" | bc)
{
  echo "# Fleet simulation $stamp ($commit)"
  echo
  echo "Machine: $(nproc) cores ($cpu), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo). Command: \`NODES=$nodes RATE=$rate DURATION=$duration OUTAGE=$outage bash bench/fleet.sh\`."
  echo "Every daemon and every generator on the same cores, on loopback."
  echo
  echo "| figure | value |"
  echo "|---|---|"
  echo "| node daemons (one cluster, one core above them) | $nodes |"
  echo "| offered load | $rate msg/s per node, $((rate * nodes)) msg/s in all, 128 B, for $duration |"
  echo "| accepted by the nodes / arrived at the core / lost | $sent / $received / $lost |"
  echo "| throughput through all three tiers | $throughput msg/s over ${elapsed%.*} s |"
  echo "| link lag node → cluster → core, e2e p50 (median node) | $e2e_p50 µs |"
  echo "| link lag, e2e p99 (worst node) | $e2e_p99 µs |"
  echo "| RSS per node daemon, idle / under load | $node_rss / $node_rss_loaded MiB |"
  echo "| RSS of the cluster / core daemon | $cluster_rss / $core_rss MiB |"
  echo "| recovery after the cluster was down ${outage} s (kill -9) | ${recovery} s until the core had all $expected outage readings ($got) |"
} >"$out.md"
if command -v gnuplot >/dev/null; then
  jq -r 'select(.e2e_p99 != null) | "\(.e2e_p50) \(.e2e_p99)"' "$out.jsonl" | awk '{print NR, $1/1000, $2/1000}' >"$work/lat.dat"
  gnuplot <<GP || true
set terminal png size 1000,500
set output "$out.png"
set title "Fleet of $nodes nodes: end-to-end latency node -> cluster -> core, per node"
set xlabel "node"
set ylabel "ms"
set style data histograms
set style fill solid 0.6
plot "$work/lat.dat" using 2 title "p50", "" using 3 title "p99"
GP
  [ -f "$out.png" ] && echo -e "\n![latency per node]($(basename "$out").png)" >>"$out.md"
fi
cat "$out.md"
