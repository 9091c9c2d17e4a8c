# Helpers for bats tests of the MQTT adapter against a real mosquitto: start it on free
# loopback ports (a TCP listener and a WebSocket listener) with its own config, log and
# (optionally) persistence directory, restart it on the same ports, wait until a client
# subscribed (read from the broker's log), and stop everything in teardown.
#
# Use:   load mqtt_helpers
#        setup()    { mosquitto_start; }      # sets MQTT_PORT, MQTT_WS_PORT, MQTT, MQTT_WS, MOSQ_LOG
#        teardown() { mqtt_teardown; }

_mqtt_helpers_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
load "$_mqtt_helpers_dir/daemon_helpers.bash"

PY=/usr/bin/python3
MQTT_PY="$_mqtt_helpers_dir/python"

free_port() {
  "$PY" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts mosquitto in the background. Ports are picked once per test and kept across
# restarts. MOSQ_PERSIST=1 turns persistence on (for the broker-restart tests).
mosquitto_start() {
  MQTT_PORT="${MQTT_PORT:-$(free_port)}"
  MQTT_WS_PORT="${MQTT_WS_PORT:-$(free_port)}"
  local dir="$BATS_TEST_TMPDIR/mosquitto"
  mkdir -p "$dir/data"
  MOSQ_LOG="$dir/mosquitto.log"
  {
    echo "listener $MQTT_PORT 127.0.0.1"
    echo "listener $MQTT_WS_PORT 127.0.0.1"
    echo "protocol websockets"
    echo "allow_anonymous ${MOSQ_ANONYMOUS:-true}"
    [[ -n "${MOSQ_PASSWORDS:-}" ]] && echo "password_file $MOSQ_PASSWORDS"
    if [[ "${MOSQ_PERSIST:-0}" == 1 ]]; then
      echo "persistence true"
      echo "persistence_location $dir/data/"
    else
      echo "persistence false"
    fi
    echo "max_queued_messages 10000"
    echo "user $(id -un)"  # run as root, mosquitto would switch to its own user, unable to write here
    echo "log_dest file $MOSQ_LOG"
    echo "log_type all"
  } >"$dir/mosquitto.conf"
  # (fds 3-9 closed: a test may hold a fifo open on one, which must not stay open in the broker)
  mosquitto -c "$dir/mosquitto.conf" </dev/null >>"$dir/stdout.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  MOSQ_PID=$!
  track_pid "$MOSQ_PID"
  if ! poll_until port_open "$MQTT_PORT" || ! poll_until port_open "$MQTT_WS_PORT"; then
    echo "mosquitto did not start; its log:" >&2
    cat "$MOSQ_LOG" "$dir/stdout.log" >&2 2>/dev/null
    return 1
  fi
  MQTT="mqtt://127.0.0.1:$MQTT_PORT"
  MQTT_WS="ws://127.0.0.1:$MQTT_WS_PORT"
  export MQTT_PORT MQTT_WS_PORT MQTT MQTT_WS MOSQ_LOG MOSQ_PID
}

# Clean stop (SIGTERM: a persistent broker saves its sessions and queues).
mosquitto_stop() {
  [[ -n "${MOSQ_PID:-}" ]] || return 0
  kill -TERM "$MOSQ_PID" 2>/dev/null || true
  _wait_bounded "$MOSQ_PID" || true
  MOSQ_PID=""
  # the ports are free again once nothing accepts on them
  local i
  for ((i = 0; i < 200; i++)); do
    port_open "$MQTT_PORT" || break
    sleep 0.05
  done
}

# Waits (bounded) until the broker logged a SUBSCRIBE from client id $1 ($2: how many, default 1).
wait_subscribed() {
  local id="$1" n="${2:-1}"
  _subscribed_times() { [[ "$(grep -c "Received SUBSCRIBE from $id\$" "$MOSQ_LOG" 2>/dev/null)" -ge "$n" ]]; }
  poll_until _subscribed_times
}

# Waits (bounded) until client id $1 connected ($2 times, default 1).
wait_connected() {
  local id="$1" n="${2:-1}"
  _connected_times() { [[ "$(grep -c "New client connected from .* as $id " "$MOSQ_LOG" 2>/dev/null)" -ge "$n" ]]; }
  poll_until _connected_times
}

mqtt_teardown() {
  mosquitto_stop || true
  daemon_teardown
}
