#!/usr/bin/env bats
# The MQTT adapter's unhappy paths: an unreachable broker (exit 4 with a clear message, or
# waiting with ?retry), malformed URL options (exit 2), refused credentials (exit 6), and a
# broker that goes away for longer than ?retry_for (the sink fails what it holds, exit 1;
# the source ends with exit 4).

bats_require_minimum_version 1.5.0
load mqtt_helpers

teardown() {
  mqtt_teardown
}

@test "unreachable broker: gsmq-recv, gsmq-send and gsmq-bridge exit 4 naming the broker" {
  port="$(free_port)"
  for url in "mqtt://127.0.0.1:$port/t" "ws://127.0.0.1:$port/mqtt?topic=t"; do
    run --separate-stderr gsmq-recv "$url"
    assert_failure 4
    [[ "$stderr" == *"cannot connect to the MQTT broker at "*"127.0.0.1:$port"* ]]
    run --separate-stderr gsmq-send -m x "$url"
    assert_failure 4
    [[ "$stderr" == *"cannot connect to the MQTT broker"* ]]
  done
  run --separate-stderr gsmq-bridge "mqtt://127.0.0.1:$port/t" -
  assert_failure 4
  [[ "$stderr" == *"cannot connect to the MQTT broker at tcp://127.0.0.1:$port"* ]]
}

@test "?retry: gsmq-recv waits for a broker that is not there yet" {
  MQTT_PORT="$(free_port)"
  gsmq-recv --count 1 --wait 30s "mqtt://127.0.0.1:$MQTT_PORT/late?retry&client_id=patient" \
    >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
  recv=$!
  track_pid "$recv"
  poll_until grep -q "retrying" "$BATS_TEST_TMPDIR/err"
  mosquitto_start
  POLL_TRIES=400 wait_subscribed patient
  mosquitto_pub -p "$MQTT_PORT" -t late -m finally -q 1
  assert_exit_status "$recv" 0
  [[ "$(jq -r .body "$BATS_TEST_TMPDIR/out")" == finally ]]
}

@test "malformed URL options are usage errors (exit 2) that name the option" {
  [[ -z "${GSMQ_SANITIZED:-}" ]] || skip "MQTT 5 connect crashes inside paho under ASan (known, open)"
  mosquitto_start
  while IFS='|' read -r url what; do
    run --separate-stderr gsmq-recv --wait 1s "$url"
    if [[ "$status" -ne 2 || "$stderr" != *"$what"* ]]; then
      echo "$url: status $status, stderr: $stderr" >&2
      return 1
    fi
  done <<EOF2
$MQTT/t?qos=3|?qos=3
$MQTT/t?qos=one|?qos=one
$MQTT/t?bogus=1|unknown parameter ?bogus for mqtt://
$MQTT/t?clean=0|?clean=0 needs ?client_id
$MQTT/t?clean=maybe|?clean=maybe
$MQTT/t?version=4.5|?version=4.5
$MQTT/t?keepalive=soon|?keepalive=soon
$MQTT/t?session_expiry=1h|?session_expiry needs ?version=5
$MQTT/t?ca=/nonexistent|?ca needs a TLS scheme
$MQTT/t?retain=1|?retain is for sending
$MQTT/a/#/b|not a valid topic filter
$MQTT/a+|not a valid topic filter
$MQTT/|no topic filter
$MQTT_WS/mqtt|?topic=FILTER
$MQTT/t?topic=u|the topic is given twice
mqtt://*:1883/t|does not run an MQTT broker
mqtt:///t|does not run an MQTT broker
EOF2
  run --separate-stderr gsmq-send -m x "$MQTT/a/+?qos=1"
  assert_failure 2
  [[ "$stderr" == *"not a topic to publish to"* ]]
}

@test "a message that cannot be published fails on its own (exit 1), the others are delivered" {
  mosquitto_start
  timeout 20 mosquitto_sub -p "$MQTT_PORT" -i sub1 -t 'ok/#' -C 2 >"$BATS_TEST_TMPDIR/sub.out" &
  sub=$!
  track_pid "$sub"
  wait_subscribed sub1
  printf '%s\n' '{"channel":"ok/1","body":"one"}' '{"channel":"bad/#","body":"x"}' \
    '{"channel":"ok/2","body":"two","meta":{"mqtt.qos":"7"}}' '{"channel":"ok/2","body":"two"}' >"$BATS_TEST_TMPDIR/in"
  run --separate-stderr gsmq-send "$MQTT" <"$BATS_TEST_TMPDIR/in"
  assert_failure 1
  [[ "$stderr" == *'"bad/#" is not a topic to publish to'* ]]
  [[ "$stderr" == *'meta mqtt.qos="7"'* ]]
  _wait_bounded "$sub"
  [[ "$(paste -sd ' ' "$BATS_TEST_TMPDIR/sub.out")" == "one two" ]]
}

@test "refused credentials exit 6; the right ones are accepted" {
  # Under ASan, paho.mqtt.c 1.3.12 dereferences a null pointer in MQTTProperties_add
  # (from MQTTAsync_connect) on this MQTT 5 connect; the plain build passes. Open issue.
  [[ -z "${GSMQ_SANITIZED:-}" ]] || skip "MQTT 5 connect crashes inside paho under ASan (known, open)"
  MOSQ_PASSWORDS="$BATS_TEST_TMPDIR/passwords"
  mosquitto_passwd -c -b "$MOSQ_PASSWORDS" alice s3cret
  MOSQ_ANONYMOUS=false mosquitto_start
  run --separate-stderr gsmq-send -m x "mqtt://alice:wrong@127.0.0.1:$MQTT_PORT/t"
  assert_failure 6
  [[ "$stderr" == *"bad user name or password"* || "$stderr" == *"not authorized"* ]]
  run --separate-stderr gsmq-recv --wait 1s "mqtt://127.0.0.1:$MQTT_PORT/t?version=5"
  assert_failure 6
  run --separate-stderr gsmq-send -m x "mqtt://alice:s3cret@127.0.0.1:$MQTT_PORT/t"
  assert_success
}

@test "broker gone for longer than ?retry_for: gsmq-send fails what it holds (exit 1), gsmq-recv exits 4" {
  mosquitto_start
  gsmq-recv --wait 60s "$MQTT/t?retry_for=1s&client_id=quitter" >/dev/null 2>"$BATS_TEST_TMPDIR/recv.err" &
  recv=$!
  track_pid "$recv"
  mkfifo "$BATS_TEST_TMPDIR/in"
  gsmq-send --raw "$MQTT/t?retry_for=1s&client_id=sender" <"$BATS_TEST_TMPDIR/in" 2>"$BATS_TEST_TMPDIR/send.err" &
  send=$!
  track_pid "$send"
  exec 5>"$BATS_TEST_TMPDIR/in"
  wait_subscribed quitter
  wait_connected sender
  mosquitto_stop
  echo lost >&5
  exec 5>&-
  assert_exit_status "$send" 1
  grep -q "could not reconnect within 1s" "$BATS_TEST_TMPDIR/send.err"
  assert_exit_status "$recv" 4
  grep -q "could not reconnect within 1s" "$BATS_TEST_TMPDIR/recv.err"
}
