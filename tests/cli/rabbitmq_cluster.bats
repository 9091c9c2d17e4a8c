#!/usr/bin/env bats
# A quorum queue on a three-node RabbitMQ cluster on loopback: the node that leads the
# queue is killed with -9 in the middle of `gsmq-bridge gsmq://… amqp://h1,h2,h3/…
# ?queue_type=quorum`, and every message that gsmq saw confirmed is in the queue
# afterwards. The three nodes (each its own node name, ports, directories; one epmd and
# one cookie) form the cluster at boot with cluster_formation.classic_config.
#
# Opt-in (three nodes take ~25 s and ~400 MB): GSMQ_RABBITMQ_CLUSTER=1. README says so.

bats_require_minimum_version 1.5.0
load daemon_helpers

PY=/usr/bin/python3
RMQ_SERVER=/usr/lib/rabbitmq/bin/rabbitmq-server
RMQ_CTL=/usr/lib/rabbitmq/bin/rabbitmqctl
RMQ_QUEUES=/usr/lib/rabbitmq/bin/rabbitmq-queues

free_port() { "$PY" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# node N's environment, as arguments of env(1)
node_env() {
  local n=$1 dir="$CLUSTER_DIR/n$1" port_var="AMQP_PORT_$1" dist_var="DIST_PORT_$1"
  NODE_ENV=(HOME="$CLUSTER_DIR/home" RABBITMQ_NODENAME="gsmqc$n@localhost" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    RABBITMQ_NODE_PORT="${!port_var}" RABBITMQ_DIST_PORT="${!dist_var}"
    RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log"
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
    RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
    ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT="$EPMD_PORT")
}
ctl() {  # node, rabbitmqctl arguments...
  local n=$1
  shift
  node_env "$n"
  env "${NODE_ENV[@]}" "$RMQ_CTL" -q -n "gsmqc$n@localhost" "$@"
}

start_node() {
  local n=$1 dir="$CLUSTER_DIR/n$1"
  node_env "$n"
  env "${NODE_ENV[@]}" "$RMQ_SERVER" </dev/null >>"$dir/server.out" 2>&1 3>&- &
  echo $! >"$dir/server.pid"
}

node_vm_pid() { pgrep -P "$(cat "$CLUSTER_DIR/n$1/server.pid")" -f beam.smp | head -1; }

setup_file() {
  [[ "${GSMQ_RABBITMQ_CLUSTER:-0}" == 1 ]] || return 0
  CLUSTER_DIR="$BATS_FILE_TMPDIR/cluster"
  EPMD_PORT=$(free_port)
  export CLUSTER_DIR EPMD_PORT
  mkdir -p "$CLUSTER_DIR/home"
  printf 'gsmqclustercookie%s' "$$" >"$CLUSTER_DIR/home/.erlang.cookie"
  chmod 400 "$CLUSTER_DIR/home/.erlang.cookie"
  local n
  for n in 1 2 3; do
    printf -v "AMQP_PORT_$n" '%s' "$(free_port)"
    printf -v "DIST_PORT_$n" '%s' "$(free_port)"
    export "AMQP_PORT_$n" "DIST_PORT_$n"
  done
  for n in 1 2 3; do
    local dir="$CLUSTER_DIR/n$n" port_var="AMQP_PORT_$n"
    mkdir -p "$dir/mnesia" "$dir/log"
    echo "[]." >"$dir/enabled_plugins"
    : >"$dir/rabbitmq-env.conf"
    cat >"$dir/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:${!port_var}
cluster_formation.peer_discovery_backend = classic_config
cluster_formation.classic_config.nodes.1 = gsmqc1@localhost
cluster_formation.classic_config.nodes.2 = gsmqc2@localhost
cluster_formation.classic_config.nodes.3 = gsmqc3@localhost
log.file.level = info
log.console = false
disk_free_limit.absolute = 1MB
vm_memory_high_watermark.relative = 0.8
EOF
  done
  ERL_EPMD_ADDRESS=127.0.0.1 epmd -port "$EPMD_PORT" </dev/null >>"$CLUSTER_DIR/epmd.log" 2>&1 3>&- &
  echo $! >"$CLUSTER_DIR/epmd.pid"
  for n in 1 2 3; do start_node "$n"; done
  local tries
  for n in 1 2 3; do
    for ((tries = 0; tries < 240; tries++)); do
      ctl "$n" await_startup >/dev/null 2>&1 && break
      sleep 0.5
    done
  done
  # formed: each node sees three running
  for ((tries = 0; tries < 120; tries++)); do
    [[ "$(ctl 1 cluster_status --formatter json 2>/dev/null | jq '.running_nodes | length')" == 3 ]] && return 0
    sleep 0.5
  done
  echo "the cluster did not form; node 1 says:" >&2
  ctl 1 cluster_status >&2 || true
  return 1
}

teardown_file() {
  [[ -n "${CLUSTER_DIR:-}" ]] || return 0
  local n pid vm
  for n in 1 2 3; do
    pid=$(cat "$CLUSTER_DIR/n$n/server.pid" 2>/dev/null) || continue
    vm=$(pgrep -P "$pid" -f beam.smp | head -1 || true)
    kill -TERM "$pid" 2>/dev/null || true
    for ((k = 0; k < 300; k++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    [[ -n "$vm" ]] && kill -KILL "$vm" 2>/dev/null
    kill -KILL "$pid" 2>/dev/null || true
  done
  kill -TERM "$(cat "$CLUSTER_DIR/epmd.pid")" 2>/dev/null || true
}

setup() {
  [[ "${GSMQ_RABBITMQ_CLUSTER:-0}" == 1 ]] || skip "a three-node RabbitMQ cluster (~25 s, ~400 MB): set GSMQ_RABBITMQ_CLUSTER=1"
  gsmq_setup
}
teardown() { daemon_teardown; }

# The node that leads quorum queue $1 (1, 2 or 3), as node 1 or, if it is gone, 2 sees it.
leader_of() {
  local n out
  for n in 1 2 3; do
    out=$(node_env "$n"; env "${NODE_ENV[@]}" "$RMQ_QUEUES" -q -n "gsmqc$n@localhost" quorum_status "$1" \
      --formatter json 2>/dev/null) || continue
    jq -r '.[] | select(.["Raft State"] == "leader") | .["Node Name"]' <<<"$out" | sed -n 's/^gsmqc\([0-9]\)@.*/\1/p'
    return 0
  done
  return 1
}

@test "a quorum queue's leader killed with -9 under gsmq-bridge: every confirmed message is in the queue" {
  hosts="127.0.0.1:$AMQP_PORT_1,127.0.0.1:$AMQP_PORT_2,127.0.0.1:$AMQP_PORT_3"
  gsmqd_start
  seq 1 20000 | gsmq-send --raw "$GSMQ/to-rabbit"
  # the queue first, so that its leader is known before the stream starts
  run --separate-stderr gsmq-send -m first "amqp://$hosts/qq?declare=1&queue_type=quorum"
  assert_success
  leader=$(leader_of qq)
  [[ "$leader" =~ ^[123]$ ]]
  # the leader's AMQP port goes first in the bridge's list, so the bridge is on it
  lead_port_var="AMQP_PORT_$leader"
  ordered="127.0.0.1:${!lead_port_var}"
  for n in 1 2 3; do [[ "$n" == "$leader" ]] || ordered+=",127.0.0.1:$(eval echo "\$AMQP_PORT_$n")"; done
  gsmq-bridge --count 20000 --wait 120s "$GSMQ/to-rabbit?retry_for=60s" \
    "amqp://$ordered/qq?declare=1&queue_type=quorum&retry_for=60s" 2>bridge.err 3>&- &
  bridge=$!
  track_pid "$bridge"
  # mid-stream: some of the stream is in the queue, not all
  mid() { local m; m=$(ctl "$leader" list_queues name messages | awk '$1 == "qq" { print $2 }'); [[ "${m:-0}" -ge 2000 ]]; }
  POLL_TRIES=600 poll_until mid
  vm=$(node_vm_pid "$leader")
  kill -KILL "$vm"
  assert_exit_status "$bridge" 0 bridge.err
  grep -q 'delivered 20000' bridge.err
  # gsmq took nothing it did not see confirmed: its queue is empty
  run --separate-stderr gsmq-recv --peek "$GSMQ/to-rabbit"
  assert_output ""
  # a survivor holds every message (at least once: a publish whose confirm was lost with
  # the leader is sent again, so a few may be there twice)
  survivor=1
  [[ "$leader" == 1 ]] && survivor=2
  new_leader=$(leader_of qq)
  [[ "$new_leader" != "$leader" ]]
  survivor_port_var="AMQP_PORT_$survivor"
  # the count a node reports is refreshed every few seconds: asked until it shows them all
  _held_all() {
    held=$(ctl "$survivor" list_queues name messages | awk '$1 == "qq" { print $2 }')
    [[ "${held:-0}" -ge 20001 ]]
  }
  POLL_TRIES=60 poll_until _held_all || fail "a survivor holds ${held:-no} messages of 20001 sent"
  run --separate-stderr gsmq-recv --raw --count "$held" --wait 60s "amqp://127.0.0.1:${!survivor_port_var}/qq"
  assert_success
  printf '%s\n' "$output" | sort -u >got.txt
  seq 1 20000 | sort >want.txt
  echo first >>want.txt
  sort -o want.txt want.txt
  comm -23 want.txt got.txt >missing.txt
  [[ ! -s missing.txt ]] || fail "$(wc -l <missing.txt) confirmed messages are missing, e.g. $(head -3 missing.txt | paste -sd ' ')"
  echo "# leader gsmqc$leader killed; $held messages held for 20001 sent; the bridge said: $(tail -1 bridge.err)" >&3
}
