# Helpers for bats tests of the NATS adapter against a real nats-server: one node, or a
# three-node JetStream cluster on loopback (one config per node: its own client, route and
# monitor ports and store directory), each node started, killed (-9) and restarted on the
# same ports by its PID, ready once its monitor's /healthz answers 200 (JetStream has a
# meta leader), and everything stopped by PID in teardown.
#
# Use:   load nats_helpers
#        nats_start                 # one node: NATS (the URL base), NATS_PORT, NATS_MON
#        nats_cluster_start         # three nodes: NATS_CLUSTER_URL (with ?servers=), NATS_PORTS[]
#        teardown() { nats_teardown; }

_nats_helpers_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
load "$_nats_helpers_dir/daemon_helpers.bash"

PY=/usr/bin/python3
NATS_PEER="$_nats_helpers_dir/python/nats_peer.py"

free_port() {
  "$PY" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# Node $1's config: client port, monitor port, store directory and, in a cluster, the routes.
_nats_write_config() {
  local n="$1" dir="$NATS_DIR/n$1" route
  mkdir -p "$dir/store"
  {
    echo "server_name: n$n"
    echo "listen: 127.0.0.1:${NATS_PORTS[$n]}"
    echo "http: 127.0.0.1:${NATS_MONS[$n]}"
    echo "jetstream { store_dir: \"$dir/store\", max_memory_store: 64MB, max_file_store: 1GB }"
    # NATS_AUTH=USER:PASSWORD: clients must log in
    [[ -n "${NATS_AUTH:-}" ]] && echo "authorization { user: ${NATS_AUTH%%:*}, password: ${NATS_AUTH#*:} }"
    # NATS_TLS=DIR (make_test_ca's): clients must speak TLS; NATS_TLS_VERIFY=true: and show a certificate
    [[ -n "${NATS_TLS:-}" ]] &&
      echo "tls { cert_file: \"$NATS_TLS/server.pem\", key_file: \"$NATS_TLS/server.key\", ca_file: \"$NATS_TLS/ca.pem\", verify: ${NATS_TLS_VERIFY:-false} }"
    if ((${#NATS_ROUTES[@]} > 1)); then
      echo "cluster {"
      echo "  name: gsmqtest"
      echo "  listen: 127.0.0.1:${NATS_ROUTES[$n]}"
      echo "  routes: ["
      for route in "${NATS_ROUTES[@]}"; do echo "    nats-route://127.0.0.1:$route"; done
      echo "  ]"
      echo "}"
    fi
  } >"$dir/nats.conf"
}

# True when node $1's monitor answers /healthz with 200.
nats_healthy() {
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${NATS_MONS[$1]}/healthz")" == 200 ]]
}

# Starts node $1 (its config written before) in the background; sets NATS_PIDS[$1].
# Does not wait: a cluster node is healthy only once enough peers are up.
nats_node_launch() {
  local n="$1" dir="$NATS_DIR/n$1"
  # (fds 3-9 closed: a test may hold a fifo open on one, which must not stay open in the server)
  nats-server -c "$dir/nats.conf" </dev/null >>"$dir/server.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  NATS_PIDS[$n]=$!
  track_pid "${NATS_PIDS[$n]}"
}

# Waits (bounded) until node $1 is healthy; prints its log and fails otherwise.
nats_node_wait() {
  if ! poll_until nats_healthy "$1"; then
    echo "nats-server n$1 did not become healthy; its log:" >&2
    tail -n 40 "$NATS_DIR/n$1/server.log" >&2
    return 1
  fi
}

# kill -9 node $1 and reap it.
nats_node_kill9() {
  kill -9 "${NATS_PIDS[$1]}" 2>/dev/null || true
  wait "${NATS_PIDS[$1]}" 2>/dev/null || true
  NATS_PIDS[$1]=""
}

# Restarts node $1 on its ports and store, waiting until it is healthy.
nats_node_restart() {
  nats_node_launch "$1"
  nats_node_wait "$1"
}

_nats_pick_ports() {
  local count="$1" n
  NATS_DIR="$BATS_TEST_TMPDIR/nats"
  NATS_PORTS=() NATS_MONS=() NATS_ROUTES=() NATS_PIDS=()
  for ((n = 0; n < count; n++)); do
    NATS_PORTS[$n]=$(free_port)
    NATS_MONS[$n]=$(free_port)
    NATS_ROUTES[$n]=$(free_port)
  done
}

# One node with JetStream: sets NATS (nats://127.0.0.1:PORT), NATS_PORT and NATS_MON.
nats_start() {
  _nats_pick_ports 1
  NATS_ROUTES=()
  _nats_write_config 0
  nats-server -c "$NATS_DIR/n0/nats.conf" -t >/dev/null 2>&1 || { nats-server -c "$NATS_DIR/n0/nats.conf" -t; return 1; }
  nats_node_launch 0
  nats_node_wait 0
  NATS_PORT=${NATS_PORTS[0]}
  NATS_MON=${NATS_MONS[0]}
  NATS="nats://127.0.0.1:$NATS_PORT"
  export NATS NATS_PORT NATS_MON
}

# Three nodes forming one JetStream cluster: sets NATS_PORTS, NATS_MONS, NATS_PIDS and
# NATS_SERVERS (the ?servers= value naming nodes 1 and 2; node 0 is the URL's host).
nats_cluster_start() {
  _nats_pick_ports 3
  local n
  for n in 0 1 2; do _nats_write_config "$n"; done
  for n in 0 1 2; do nats_node_launch "$n"; done
  for n in 0 1 2; do nats_node_wait "$n" || return 1; done
  NATS="nats://127.0.0.1:${NATS_PORTS[0]}"
  NATS_SERVERS="127.0.0.1:${NATS_PORTS[1]},127.0.0.1:${NATS_PORTS[2]}"
  export NATS NATS_SERVERS
}

# The node number (0-2) leading stream $1, from the monitor of a live node.
nats_stream_leader() {
  local n name
  for n in "${!NATS_MONS[@]}"; do
    [[ -n "${NATS_PIDS[$n]}" ]] || continue
    name=$(curl -s "http://127.0.0.1:${NATS_MONS[$n]}/jsz?streams=true" |
      jq -r --arg s "$1" '[.account_details[]?.stream_detail[]? | select(.name == $s) | .cluster.leader] | first // empty')
    if [[ -n "$name" && "$name" != null ]]; then
      echo "${name#n}"
      return 0
    fi
  done
  return 1
}

# Stops every node: SIGTERM, bounded wait, by PID.
nats_stop_all() {
  local n
  for n in "${!NATS_PIDS[@]}"; do
    [[ -n "${NATS_PIDS[$n]}" ]] || continue
    kill -TERM "${NATS_PIDS[$n]}" 2>/dev/null || true
    _wait_bounded "${NATS_PIDS[$n]}" || true
    NATS_PIDS[$n]=""
  done
}

nats_teardown() {
  nats_stop_all
  daemon_teardown
}
