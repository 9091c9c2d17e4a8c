# Helpers for bats tests against a real RabbitMQ (Debian's rabbitmq-server) run as a
# throwaway node of its own: its own node name, ports, directories, cookie, epmd and
# enabled plugins (STOMP, Web-STOMP, MQTT, Web-MQTT), all on loopback. A node takes
# 10-20 s to start, so a test file starts it once, in setup_file, and stops it by its
# PID in teardown_file; rabbitmq_restart and rabbitmq_kill9 serve the restart tests.
#
# Use:   load rabbitmq_helpers
#        setup_file()    { rabbitmq_start; }   # exports RMQ_AMQP_PORT, AMQP (amqp://127.0.0.1:PORT), ...
#        teardown_file() { rabbitmq_teardown; }
#        teardown()      { daemon_teardown; }  # the per-test processes (gsmqd, tools)

_rabbitmq_helpers_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
load "$_rabbitmq_helpers_dir/daemon_helpers.bash"

PY=/usr/bin/python3
RMQ_SERVER=/usr/lib/rabbitmq/bin/rabbitmq-server  # not /usr/sbin's wrapper, which switches user
RMQ_CTL=/usr/lib/rabbitmq/bin/rabbitmqctl

_rmq_free_port() {
  "$PY" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# The node's environment, as arguments of env(1).
_rmq_env_vars() {
  RMQ_ENV=(HOME="$RMQ_DIR/home" RABBITMQ_NODENAME="$RMQ_NODE" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    RABBITMQ_NODE_PORT="$RMQ_AMQP_PORT" RABBITMQ_DIST_PORT="$RMQ_DIST_PORT"
    RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia" RABBITMQ_LOG_BASE="$RMQ_DIR/log"
    RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins" RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf"
    RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf" RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_DIR/advanced.config"
    ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT="$RMQ_EPMD_PORT")
}

# Runs "$@" in the node's environment (rabbitmqctl, rabbitmq-plugins).
rmq_env() {
  _rmq_env_vars
  env "${RMQ_ENV[@]}" "$@"
}

# rabbitmqctl against the test's node: rmqctl list_queues name messages
rmqctl() {
  rmq_env "$RMQ_CTL" -q -n "$RMQ_NODE" "$@"
}

# Picks ports and directories (once per file), writes the node's configuration and starts
# its own epmd and the node, then waits until it is up. Exports what tests use:
# RMQ_AMQP_PORT, RMQ_STOMP_PORT, RMQ_WEB_STOMP_PORT, RMQ_MQTT_PORT, RMQ_WEB_MQTT_PORT,
# AMQP=amqp://127.0.0.1:PORT, and RMQ_* for the other helpers.
rabbitmq_start() {
  if [[ -z "${RMQ_DIR:-}" ]]; then
    RMQ_DIR="${BATS_FILE_TMPDIR:-$BATS_TEST_TMPDIR}/rabbitmq"
    RMQ_NODE="gsmqtest$$@localhost"
    RMQ_AMQP_PORT=$(_rmq_free_port) RMQ_DIST_PORT=$(_rmq_free_port) RMQ_EPMD_PORT=$(_rmq_free_port)
    RMQ_STOMP_PORT=$(_rmq_free_port) RMQ_WEB_STOMP_PORT=$(_rmq_free_port)
    RMQ_MQTT_PORT=$(_rmq_free_port) RMQ_WEB_MQTT_PORT=$(_rmq_free_port)
    mkdir -p "$RMQ_DIR/home" "$RMQ_DIR/mnesia" "$RMQ_DIR/log"
    printf 'gsmqtestcookie%s' "$$" >"$RMQ_DIR/home/.erlang.cookie"
    chmod 400 "$RMQ_DIR/home/.erlang.cookie"
    echo "[${RMQ_PLUGINS:-rabbitmq_stomp,rabbitmq_web_stomp,rabbitmq_mqtt,rabbitmq_web_mqtt}]." >"$RMQ_DIR/enabled_plugins"
    : >"$RMQ_DIR/rabbitmq-env.conf"
    {
      echo "listeners.tcp.default = 127.0.0.1:$RMQ_AMQP_PORT"
      echo "stomp.listeners.tcp.1 = 127.0.0.1:$RMQ_STOMP_PORT"
      echo "web_stomp.tcp.ip = 127.0.0.1"
      echo "web_stomp.tcp.port = $RMQ_WEB_STOMP_PORT"
      echo "mqtt.listeners.tcp.1 = 127.0.0.1:$RMQ_MQTT_PORT"
      echo "web_mqtt.tcp.ip = 127.0.0.1"
      echo "web_mqtt.tcp.port = $RMQ_WEB_MQTT_PORT"
      echo "log.file.level = info"
      echo "log.console = false"
      # a test must not stall on a busy disk or a small machine
      echo "disk_free_limit.absolute = 1MB"
      echo "vm_memory_high_watermark.relative = 0.8"
      [[ -n "${RMQ_EXTRA_CONF:-}" ]] && echo "$RMQ_EXTRA_CONF"
    } >"$RMQ_DIR/rabbitmq.conf"
    AMQP="amqp://127.0.0.1:$RMQ_AMQP_PORT"
    export RMQ_DIR RMQ_NODE RMQ_AMQP_PORT RMQ_DIST_PORT RMQ_EPMD_PORT RMQ_STOMP_PORT RMQ_WEB_STOMP_PORT \
      RMQ_MQTT_PORT RMQ_WEB_MQTT_PORT AMQP
  fi
  # Our own epmd, so that it is stopped with the node (one Erlang starts would outlive the test).
  if [[ -z "${RMQ_EPMD_PID:-}" ]] || ! kill -0 "$RMQ_EPMD_PID" 2>/dev/null; then
    ERL_EPMD_ADDRESS=127.0.0.1 epmd -port "$RMQ_EPMD_PORT" </dev/null >>"$RMQ_DIR/epmd.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
    RMQ_EPMD_PID=$!
    echo "$RMQ_EPMD_PID" >"$RMQ_DIR/epmd.pid"
    export RMQ_EPMD_PID
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$RMQ_AMQP_PORT") 2>/dev/null; then
    echo "rabbitmq_start: port $RMQ_AMQP_PORT is taken (the node still runs?)" >&2
    return 1
  fi
  # The script stays the parent of the Erlang VM and stops it cleanly on SIGTERM.
  _rmq_env_vars
  env "${RMQ_ENV[@]}" "$RMQ_SERVER" </dev/null >>"$RMQ_DIR/server.out" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  RMQ_PID=$!
  echo "$RMQ_PID" >"$RMQ_DIR/server.pid"
  export RMQ_PID
  local n
  for ((n = 0; n < 120; n++)); do
    if ! kill -0 "$RMQ_PID" 2>/dev/null; then
      echo "rabbitmq-server exited while starting; its output:" >&2
      tail -40 "$RMQ_DIR/server.out" "$RMQ_DIR"/log/*.log >&2 2>/dev/null
      return 1
    fi
    # fails at once until the node registered with epmd; then waits for the boot itself
    if rmq_env timeout 60 "$RMQ_CTL" -q -n "$RMQ_NODE" await_startup >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "rabbitmq-server did not start in time; its log:" >&2
  tail -40 "$RMQ_DIR"/log/*.log >&2 2>/dev/null
  return 1
}

# The server script's PID, as the last start wrote it (a test that restarted the node
# changed it for the tests after it and for teardown_file, which run in other processes).
_rmq_current_pid() {
  RMQ_PID=""
  if [[ -f "$RMQ_DIR/server.pid" ]]; then RMQ_PID=$(cat "$RMQ_DIR/server.pid"); fi
}

# The Erlang VM's PID (the server script's child).
rabbitmq_vm_pid() {
  _rmq_current_pid
  pgrep -P "$RMQ_PID" -f beam.smp | head -1 || true
}

# Clean stop (SIGTERM to the server script, which stops the node); bounded.
rabbitmq_stop() {
  _rmq_current_pid
  [[ -n "${RMQ_PID:-}" ]] || return 0
  local vm n
  vm=$(rabbitmq_vm_pid || true)
  kill -TERM "$RMQ_PID" 2>/dev/null || true
  for ((n = 0; n < 600; n++)); do
    kill -0 "$RMQ_PID" 2>/dev/null || { [[ -n "$vm" ]] && kill -0 "$vm" 2>/dev/null; } || break
    sleep 0.05
  done
  if [[ -n "$vm" ]]; then kill -KILL "$vm" 2>/dev/null || true; fi
  kill -KILL "$RMQ_PID" 2>/dev/null || true
  wait "$RMQ_PID" 2>/dev/null || true
  RMQ_PID=""
  rm -f "$RMQ_DIR/server.pid"
  _rmq_wait_port_closed
}

# The AMQP port is free again once nothing accepts on it (the VM's helper processes may
# hold the listening socket a moment longer).
_rmq_wait_port_closed() {
  local n
  for ((n = 0; n < 200; n++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$RMQ_AMQP_PORT") 2>/dev/null || return 0
    sleep 0.05
  done
}

# A crash: kill -9 of the Erlang VM, then reap the script.
rabbitmq_kill9() {
  _rmq_current_pid
  [[ -n "${RMQ_PID:-}" ]] || return 0
  local vm
  vm=$(rabbitmq_vm_pid)
  if [[ -n "$vm" ]]; then kill -KILL "$vm" 2>/dev/null || true; fi
  kill -KILL "$RMQ_PID" 2>/dev/null || true
  wait "$RMQ_PID" 2>/dev/null || true
  RMQ_PID=""
  rm -f "$RMQ_DIR/server.pid"
  _rmq_wait_port_closed
}

# Stop and start again on the same ports and directories (durable queues survive).
rabbitmq_restart() {
  rabbitmq_stop
  rabbitmq_start
}

# teardown_file: the node and our epmd, by PID (read back from files: teardown_file
# runs in another process than a test that restarted the node).
rabbitmq_teardown() {
  [[ -n "${RMQ_DIR:-}" ]] || return 0
  rabbitmq_stop || true
  if [[ -f "$RMQ_DIR/epmd.pid" ]]; then RMQ_EPMD_PID=$(cat "$RMQ_DIR/epmd.pid"); fi
  if [[ -n "${RMQ_EPMD_PID:-}" ]]; then
    kill -TERM "$RMQ_EPMD_PID" 2>/dev/null || true
    wait "$RMQ_EPMD_PID" 2>/dev/null || true
  fi
  return 0
}

# A queue's message count (ready + unacknowledged), as the broker reports it.
rmq_queue_messages() {
  rmqctl list_queues name messages | awk -v q="$1" '$1 == q { print $2 }'
}
