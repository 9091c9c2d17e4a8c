#!/usr/bin/env bats
# mqtts:// and wss:// against a mosquitto with TLS listeners, using a CA and a server
# certificate made by openssl in the test: ?ca= verifies the broker, without it the
# unknown CA is refused (exit 4), ?insecure skips the verification.

bats_require_minimum_version 1.5.0
load mqtt_helpers

setup() {
  command -v openssl >/dev/null || skip "the openssl command is not installed (Debian package openssl)"
  local d="$BATS_TEST_TMPDIR/tls"
  make_test_ca "$d"
  CA="$d/ca.pem"
  TLS_PORT="$(free_port)"
  WSS_PORT="$(free_port)"
  MOSQ_LOG="$d/mosquitto.log"
  cat >"$d/mosquitto.conf" <<EOF2
listener $TLS_PORT 127.0.0.1
cafile $d/ca.pem
certfile $d/server.pem
keyfile $d/server.key
listener $WSS_PORT 127.0.0.1
protocol websockets
cafile $d/ca.pem
certfile $d/server.pem
keyfile $d/server.key
allow_anonymous true
persistence false
user $(id -un)
log_dest file $MOSQ_LOG
log_type all
EOF2
  mosquitto -c "$d/mosquitto.conf" </dev/null >"$d/stdout.log" 2>&1 3>&- &
  MOSQ_PID=$!
  track_pid "$MOSQ_PID"
  poll_until port_open "$TLS_PORT"
  poll_until port_open "$WSS_PORT"
}

teardown() {
  mqtt_teardown
}

@test "mqtts:// with ?ca= both ways; an unknown CA is refused (exit 4); ?insecure connects anyway" {
  gsmq-recv --count 2 --wait 20s "mqtts://127.0.0.1:$TLS_PORT/secure/%23?ca=$CA&client_id=tlsrecv" \
    >"$BATS_TEST_TMPDIR/out" &
  recv=$!
  track_pid "$recv"
  wait_subscribed tlsrecv
  run --separate-stderr gsmq-send -m over-tls "mqtts://127.0.0.1:$TLS_PORT/secure/a?ca=$CA"
  assert_success
  run --separate-stderr gsmq-send -m insecure "mqtts://127.0.0.1:$TLS_PORT/secure/b?insecure"
  assert_success
  _wait_bounded "$recv"
  [[ "$(jq -r .body "$BATS_TEST_TMPDIR/out" | paste -sd ' ')" == "over-tls insecure" ]]

  run --separate-stderr gsmq-send -m x "mqtts://127.0.0.1:$TLS_PORT/secure/c"
  assert_failure 4
  [[ "$stderr" == *"cannot connect to the MQTT broker at ssl://127.0.0.1:$TLS_PORT"* ]]
}

@test "wss:// (MQTT over WebSocket over TLS) with ?ca=" {
  # The MQTT 5 send below hits the paho null dereference seen under ASan (mqtt_errors.bats).
  [[ -z "${GSMQ_SANITIZED:-}" ]] || skip "MQTT 5 connect crashes inside paho under ASan (known, open)"
  gsmq-recv --count 1 --wait 20s "wss://127.0.0.1:$WSS_PORT/mqtt?topic=w&ca=$CA&client_id=wssrecv" \
    >"$BATS_TEST_TMPDIR/out" &
  recv=$!
  track_pid "$recv"
  wait_subscribed wssrecv
  run --separate-stderr gsmq-send -m over-wss "wss://127.0.0.1:$WSS_PORT/mqtt?topic=w&ca=$CA&version=5"
  assert_success
  _wait_bounded "$recv"
  [[ "$(jq -r .body "$BATS_TEST_TMPDIR/out")" == over-wss ]]
}
