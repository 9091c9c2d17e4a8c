#!/usr/bin/env bats
# gsmq-bridge with MQTT on either side, at least once: mosquitto_pub -> gsmq-bridge ->
# gsmqd -> gsmq-recv; persistent sessions (what arrived while the bridge was away is
# delivered when it comes back, and a message not delivered when a tool stops is not
# acknowledged); mosquitto restarted in the middle of a QoS 1 stream on the subscribing
# side and on the publishing side: every message arrives (duplicates allowed).

bats_require_minimum_version 1.5.0
load mqtt_helpers

teardown() {
  mqtt_teardown
}

# The distinct bodies of JSON lines in $1, sorted.
distinct_bodies() {
  jq -r .body "$1" | sort -u
}
has_distinct() {
  [[ -f "$1" ]] && [[ "$(distinct_bodies "$1" | wc -l)" -ge "$2" ]]
}

@test "mosquitto_pub -> gsmq-bridge mqtt:// gsmq:// -> gsmq-recv: topics become channels, meta kept" {
  mosquitto_start
  gsmqd_start
  gsmq-bridge "$MQTT/sensors/#?client_id=br1" "$GSMQ/" 2>"$BATS_TEST_TMPDIR/bridge.err" &
  bridge=$!
  track_pid "$bridge"
  wait_subscribed br1
  mosquitto_pub -p "$MQTT_PORT" -t sensors/door -m open -q 1
  mosquitto_pub -p "$MQTT_PORT" -t sensors/door -m closed -q 1
  mosquitto_pub -p "$MQTT_PORT" -t sensors/temp -m 21.5 -q 0
  run --separate-stderr gsmq-recv --count 2 --wait 10s "$GSMQ/sensors/door"
  assert_success
  [[ "$(jq -r .body <<<"$output" | paste -sd ' ')" == "open closed" ]]
  [[ "$(jq -r '.meta["mqtt.qos"]' <<<"$output" | sort -u)" == 1 ]]
  run --separate-stderr gsmq-recv --count 1 --wait 10s "$GSMQ/sensors/temp"
  assert_success
  [[ "$(jq -r .body <<<"$output")" == 21.5 ]]
  kill -TERM "$bridge"
  assert_exit_status "$bridge" 0
  grep -q "received 3, delivered 3, failed 0" "$BATS_TEST_TMPDIR/bridge.err"
}

@test "gsmq -> gsmq-bridge -> mqtt://: queue messages published with their channels, read by mosquitto_sub" {
  mosquitto_start
  gsmqd_start
  gsmq-send -m one -m two "$GSMQ/site1/out"
  timeout 20 mosquitto_sub -p "$MQTT_PORT" -i sub1 -q 1 -t 'site1/#' -C 2 >"$BATS_TEST_TMPDIR/sub.out" &
  sub=$!
  track_pid "$sub"
  wait_subscribed sub1
  run --separate-stderr gsmq-bridge --count 2 --wait 10s "$GSMQ/site1/out" "$MQTT/?qos=1"
  assert_success
  _wait_bounded "$sub"
  [[ "$(paste -sd ' ' "$BATS_TEST_TMPDIR/sub.out")" == "one two" ]]
  # acknowledged at the queue once mosquitto had them
  run --separate-stderr gsmq-recv "$GSMQ/site1/out"
  assert_output ""
}

@test "persistent session (clean=0): what arrived while the bridge was away is delivered when it is back" {
  mosquitto_start
  url="$MQTT/away/#?qos=1&clean=0&client_id=braway"
  out="$BATS_TEST_TMPDIR/out.jsonl"
  gsmq-bridge "$url" "file:$out" 2>>"$BATS_TEST_TMPDIR/bridge.err" &
  bridge=$!
  track_pid "$bridge"
  wait_subscribed braway
  mosquitto_pub -p "$MQTT_PORT" -t away/a -m m1 -q 1
  poll_until has_lines "$out" 1
  kill -TERM "$bridge"
  _wait_bounded "$bridge"
  mosquitto_pub -p "$MQTT_PORT" -t away/b -m m2 -q 1
  mosquitto_pub -p "$MQTT_PORT" -t away/c -m m3 -q 1
  gsmq-bridge "$url" "file:$out" 2>>"$BATS_TEST_TMPDIR/bridge.err" &
  bridge=$!
  track_pid "$bridge"
  poll_until has_lines "$out" 3
  kill -TERM "$bridge"
  _wait_bounded "$bridge"
  [[ "$(jq -r .body "$out" | paste -sd ' ')" == "m1 m2 m3" ]]
  [[ "$(jq -r .channel "$out" | paste -sd ' ')" == "away/a away/b away/c" ]]
}

@test "a message that arrived but was not delivered when gsmq-recv --count stops stays with the broker" {
  mosquitto_start
  url="$MQTT/park?qos=1&clean=0&client_id=parker"
  gsmq-recv --count 1 --wait 20s "$url" >"$BATS_TEST_TMPDIR/first" 2>"$BATS_TEST_TMPDIR/first.err" &
  recv=$!
  track_pid "$recv"
  wait_subscribed parker
  mosquitto_pub -p "$MQTT_PORT" -t park -m a -q 1
  mosquitto_pub -p "$MQTT_PORT" -t park -m b -q 1
  mosquitto_pub -p "$MQTT_PORT" -t park -m c -q 1
  assert_exit_status "$recv" 0
  [[ "$(jq -r .body "$BATS_TEST_TMPDIR/first")" == a ]]
  # b (maybe already in the callback when it stopped) and c are still the session's
  run --separate-stderr gsmq-recv --count 2 --wait 20s "$url"
  assert_success
  [[ "$(jq -r .body <<<"$output" | paste -sd ' ')" == "b c" ]]
}

@test "subscribing bridge, QoS 1: mosquitto restarted mid-stream, every message arrives" {
  MOSQ_PERSIST=1 mosquitto_start
  out="$BATS_TEST_TMPDIR/out.jsonl"
  gsmq-bridge "$MQTT/restart/#?qos=1&clean=0&client_id=brrestart" "file:$out" 2>"$BATS_TEST_TMPDIR/bridge.err" &
  bridge=$!
  track_pid "$bridge"
  wait_subscribed brrestart
  "$PY" "$MQTT_PY/mqtt_pub.py" "$MQTT_PORT" restart/a --count 100 --prefix m --start 1
  mosquitto_stop
  MOSQ_PERSIST=1 mosquitto_start
  "$PY" "$MQTT_PY/mqtt_pub.py" "$MQTT_PORT" restart/b --count 100 --prefix m --start 101
  POLL_TRIES=600 poll_until has_distinct "$out" 200
  kill -TERM "$bridge"
  _wait_bounded "$bridge"
  [[ "$(distinct_bodies "$out")" == "$(seq -f 'm%g' 1 200 | sort)" ]]
  grep -q "connection lost" "$BATS_TEST_TMPDIR/bridge.err"
  grep -q "reconnected" "$BATS_TEST_TMPDIR/bridge.err"
}

@test "publishing gsmq-send, QoS 1: mosquitto restarted mid-stream, every message arrives" {
  MOSQ_PERSIST=1 mosquitto_start
  got="$BATS_TEST_TMPDIR/got.jsonl"
  "$PY" "$MQTT_PY/mqtt_sub.py" "$MQTT_PORT" 'pubrestart/#' "$got" --qos 1 --client-id pysub --persistent &
  py=$!
  track_pid "$py"
  poll_until test -f "$got.ready"
  mkfifo "$BATS_TEST_TMPDIR/in"
  gsmq-send --raw "$MQTT/pubrestart/x?qos=1&client_id=sendrestart" <"$BATS_TEST_TMPDIR/in" \
    2>"$BATS_TEST_TMPDIR/send.err" &
  send=$!
  track_pid "$send"
  exec 5>"$BATS_TEST_TMPDIR/in"
  wait_connected sendrestart
  seq -f 'n%g' 1 100 >&5
  mosquitto_stop
  seq -f 'n%g' 101 200 >&5
  MOSQ_PERSIST=1 mosquitto_start
  seq -f 'n%g' 201 300 >&5
  exec 5>&-
  POLL_TRIES=600 assert_exit_status "$send" 0
  POLL_TRIES=600 poll_until has_distinct "$got" 300
  kill -TERM "$py"
  _wait_bounded "$py" || true
  [[ "$(distinct_bodies "$got")" == "$(seq -f 'n%g' 1 300 | sort)" ]]
}

@test "MQTT to MQTT in one gsmq-bridge (one paho receive thread): no deadlock, every message arrives" {
  # broker B: a second mosquitto
  B_PORT="$(free_port)"
  mkdir -p "$BATS_TEST_TMPDIR/b"
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nuser %s\nlog_dest file %s\nlog_type all\n' \
    "$B_PORT" "$(id -un)" "$BATS_TEST_TMPDIR/b/mosquitto.log" >"$BATS_TEST_TMPDIR/b/mosquitto.conf"
  mosquitto -c "$BATS_TEST_TMPDIR/b/mosquitto.conf" </dev/null >"$BATS_TEST_TMPDIR/b/log" 2>&1 3>&- &
  track_pid $!
  poll_until port_open "$B_PORT"
  mosquitto_start
  timeout 30 mosquitto_sub -p "$B_PORT" -i subB -q 1 -t 'orig/#' -C 20 >"$BATS_TEST_TMPDIR/sub.out" &
  sub=$!
  track_pid "$sub"
  poll_until grep -q "Received SUBSCRIBE from subB" "$BATS_TEST_TMPDIR/b/mosquitto.log"
  # a retained message is waiting before the bridge subscribes
  mosquitto_pub -p "$MQTT_PORT" -t orig/0 -m m0 -q 1 -r
  gsmq-bridge --count 20 --wait 30s "$MQTT/orig/#?client_id=br9" "mqtt://127.0.0.1:$B_PORT/" \
    >/dev/null 2>"$BATS_TEST_TMPDIR/bridge.err" &
  bridge=$!
  track_pid "$bridge"
  wait_subscribed br9
  "$PY" "$MQTT_PY/mqtt_pub.py" "$MQTT_PORT" orig/x --count 19 --prefix m --start 1
  assert_exit_status "$bridge" 0
  grep -q "acknowledged to the broker on receipt" "$BATS_TEST_TMPDIR/bridge.err"
  _wait_bounded "$sub"
  [[ "$(sort -u "$BATS_TEST_TMPDIR/sub.out")" == "$(seq -f 'm%g' 0 19 | sort)" ]]
}
