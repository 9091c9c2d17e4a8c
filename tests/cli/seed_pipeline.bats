#!/usr/bin/env bats
# GS-Broker's own example as gsmq one-liners, end to end against real peers started here:
# motion/door readings published to mosquitto are stamped with their receive time,
# appended to a file and POSTed to an HTTP function gateway; and the same with gsmqd in
# between, so that readings wait in a durable queue while the gateway is down.

bats_require_minimum_version 1.5.0
load mqtt_helpers
load http_helpers

setup() {
  mosquitto_start
  cd "$BATS_TEST_TMPDIR"
}

teardown() {
  recorder_stop
  mqtt_teardown
}

publish_readings() {  # N readings, alternating motion and door, QoS 1
  local i
  for ((i = 1; i <= $1; i++)); do
    if ((i % 2)); then
      mosquitto_pub -p "$MQTT_PORT" -q 1 -t "sensors/motion/$i" -m "{\"motion\":true,\"n\":$i}"
    else
      mosquitto_pub -p "$MQTT_PORT" -q 1 -t "sensors/door/$i" -m "{\"state\":\"open\",\"n\":$i}"
    fi
  done
}

@test "MQTT readings -> stamped -> appended to a file and POSTed to an HTTP gateway, in one line" {
  recorder_start
  local before_us
  before_us=$(($(date +%s%N) / 1000))
  gsmq-bridge --follow --count 6 "$MQTT/sensors/%23?client_id=seed-bridge&qos=1" \
    file:readings.jsonl "$RECORDER_URL/fn" 2>bridge.err 3>&- &
  local bridge=$!
  track_pid "$bridge"
  wait_subscribed seed-bridge
  publish_readings 6
  assert_exit_status "$bridge" 0
  # the file: six envelopes with the topic as channel, a receive-time ts and an id
  assert_equal "$(wc -l <readings.jsonl)" 6
  assert_equal "$(jq -r .channel readings.jsonl | sort | paste -sd ' ')" \
    "sensors/door/2 sensors/door/4 sensors/door/6 sensors/motion/1 sensors/motion/3 sensors/motion/5"
  jq -e --argjson t "$before_us" '.ts >= $t and (.id | length) > 0' readings.jsonl >/dev/null
  # the gateway: the same six readings, each POSTed once, with its channel and id
  assert_equal "$(recorded_count)" 6
  assert_equal "$(jq -r '.body | fromjson | .n' "$RECORDED" | sort -n | paste -sd ' ')" "1 2 3 4 5 6"
  assert_equal "$(jq -r '.headers["x-gsmq-id"]' "$RECORDED" | sort | paste -sd ' ')" \
    "$(jq -r .id readings.jsonl | sort | paste -sd ' ')"
  grep -q "received 6, delivered 6, failed 0" bridge.err
}

@test "MQTT -> gsmqd -> HTTP: readings wait in the durable queue while the gateway is down" {
  gsmqd_start
  gsmq-bridge --follow --count 4 --map readings "$MQTT/sensors/%23?client_id=seed-in&qos=1" "$GSMQ/readings" \
    2>in.err 3>&- &
  local inbound=$!
  track_pid "$inbound"
  wait_subscribed seed-in
  publish_readings 4
  assert_exit_status "$inbound" 0
  # the gateway is not up yet: everything is queued in gsmqd
  assert_equal "$(gsmqd channels "$GSMQ" | jq -r 'select(.channel == "readings") | .depth')" 4
  recorder_start
  run --separate-stderr gsmq-bridge --count 4 --wait 20s "$GSMQ/readings" "$RECORDER_URL/fn"
  assert_success
  assert_equal "$(recorded_count)" 4
  assert_equal "$(jq -r '.body | fromjson | .n' "$RECORDED" | sort -n | paste -sd ' ')" "1 2 3 4"
  assert_equal "$(jq -r '.headers["x-gsmq-channel"]' "$RECORDED" | sort -u)" readings
  assert_equal "$(gsmqd channels "$GSMQ" | jq -r 'select(.channel == "readings") | .depth')" 0
}
