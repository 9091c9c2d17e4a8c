#!/usr/bin/env bats
# The MQTT adapter against a real mosquitto (TCP and WebSocket listeners): gsmq-recv as a
# subscriber (like mosquitto_sub), gsmq-send as a publisher (read by mosquitto_sub and by
# Python's paho), wildcard topics as channels, MQTT 5 user properties, content type and
# retained messages in meta, and the envelope round trip recv | send.

bats_require_minimum_version 1.5.0
load mqtt_helpers

setup() {
  mosquitto_start
}

teardown() {
  mqtt_teardown
}

@test "gsmq-recv URL --count 3 receives what mosquitto_sub -C 3 receives; topics become channels" {
  gsmq-recv --count 3 --wait 20s "$MQTT/sensors/#?client_id=recv1" >"$BATS_TEST_TMPDIR/recv.out" 2>"$BATS_TEST_TMPDIR/recv.err" &
  recv=$!
  track_pid "$recv"
  timeout 20 mosquitto_sub -p "$MQTT_PORT" -i sub1 -q 1 -t 'sensors/#' -C 3 -F '%t %p %q' >"$BATS_TEST_TMPDIR/sub.out" &
  sub=$!
  track_pid "$sub"
  wait_subscribed recv1
  wait_subscribed sub1
  mosquitto_pub -p "$MQTT_PORT" -t other/x -m ignored -q 1
  mosquitto_pub -p "$MQTT_PORT" -t sensors/door -m open -q 1
  mosquitto_pub -p "$MQTT_PORT" -t sensors/temp -m 21.5 -q 0
  mosquitto_pub -p "$MQTT_PORT" -t sensors/hall/motion -m yes -q 2
  mosquitto_pub -p "$MQTT_PORT" -t sensors/late -m 'not taken' -q 1
  _wait_bounded "$recv"
  _wait_bounded "$sub"
  out="$BATS_TEST_TMPDIR/recv.out"
  [[ "$(wc -l <"$out")" -eq 3 ]]
  [[ "$(jq -r '"\(.channel) \(.body)"' "$out" | paste -sd ,)" == "sensors/door open,sensors/temp 21.5,sensors/hall/motion yes" ]]
  # the same topics and payloads as mosquitto_sub -C 3
  jq -r '"\(.channel) \(.body)"' "$out" >"$BATS_TEST_TMPDIR/recv.lines"
  cut -d' ' -f1,2 "$BATS_TEST_TMPDIR/sub.out" >"$BATS_TEST_TMPDIR/sub.lines"
  diff "$BATS_TEST_TMPDIR/recv.lines" "$BATS_TEST_TMPDIR/sub.lines"
  # QoS as delivered (the URL's default subscription QoS is 1), retain flag, stamped id and ts
  [[ "$(jq -r '.meta["mqtt.qos"]' "$out" | paste -sd ,)" == "1,0,1" ]]
  [[ "$(jq -r '.meta["mqtt.retain"]' "$out" | sort -u)" == 0 ]]
  [[ "$(jq -r '.id | length' "$out" | sort -u)" == 36 ]]
  [[ "$(jq -r '.ts > 1600000000000000' "$out" | sort -u)" == true ]]
}

@test "?qos=2 subscribes at QoS 2 (MQTT 5: handed over on PUBLISH, so in order); + matches one level" {
  [[ -z "${GSMQ_SANITIZED:-}" ]] || skip "MQTT 5 connect crashes inside paho under ASan (known, open)"
  gsmq-recv --count 2 --wait 20s "$MQTT/site/+/temp?qos=2&version=5&client_id=recv2" >"$BATS_TEST_TMPDIR/out" &
  recv=$!
  track_pid "$recv"
  wait_subscribed recv2
  grep -q "recv2 2 site/+/temp" "$MOSQ_LOG"
  mosquitto_pub -p "$MQTT_PORT" -t site/a/b/temp -m deep -q 2
  mosquitto_pub -p "$MQTT_PORT" -t site/a/temp -m 20 -q 2
  mosquitto_pub -p "$MQTT_PORT" -t site/b/temp -m 21 -q 1
  _wait_bounded "$recv"
  [[ "$(jq -r '"\(.channel)=\(.body) q\(.meta["mqtt.qos"])"' "$BATS_TEST_TMPDIR/out" | paste -sd ' ')" == "site/a/temp=20 q2 site/b/temp=21 q1" ]]
}

@test "gsmq-send to mqtt:// is read by mosquitto_sub: URL topic, per-line channel, QoS and retain" {
  timeout 20 mosquitto_sub -p "$MQTT_PORT" -i sub2 -q 2 -t 'out/#' -C 6 -F '%t|%p|%q' >"$BATS_TEST_TMPDIR/sub.out" &
  sub=$!
  track_pid "$sub"
  wait_subscribed sub2
  printf '%s\n' '{"body":"to the URL topic"}' \
    '{"channel":"out/other","body":"the URL topic wins"}' \
    '{"body":"qos0","meta":{"mqtt.qos":"0"}}' \
    '{"body":{"json":true}}' >"$BATS_TEST_TMPDIR/in"
  run --separate-stderr gsmq-send "$MQTT/out/default?client_id=pub1" <"$BATS_TEST_TMPDIR/in"
  assert_success
  # No topic in the URL: the line's own channel; a template: filled in with it.
  run --separate-stderr gsmq-send "$MQTT/?client_id=pub2" <<<'{"channel":"out/own","body":"own channel"}'
  assert_success
  run --separate-stderr gsmq-send "$MQTT/out/t/{channel}?client_id=pub3" <<<'{"channel":"x","body":"templated"}'
  assert_success
  _wait_bounded "$sub"
  run cat "$BATS_TEST_TMPDIR/sub.out"
  assert_line --index 0 "out/default|to the URL topic|1"
  assert_line --index 1 "out/default|the URL topic wins|1"
  assert_line --index 2 "out/default|qos0|0"
  assert_line --index 3 'out/default|{"json":true}|1'
  assert_line --index 4 "out/own|own channel|1"
  assert_line --index 5 "out/t/x|templated|1"
}

@test "?retain=1 leaves the message with the broker; a later subscriber sees mqtt.retain 1" {
  run --separate-stderr gsmq-send -m 'last value' "$MQTT/state/lamp?retain=1&qos=2"
  assert_success
  run --separate-stderr gsmq-recv --count 1 --wait 10s "$MQTT/state/%23"
  assert_success
  [[ "$(jq -r '[.channel, .body, .meta["mqtt.retain"]] | join(" ")' <<<"$output")" == "state/lamp last value 1" ]]
  run mosquitto_sub -p "$MQTT_PORT" -t state/lamp -C 1 -W 5
  assert_output "last value"
}

@test "MQTT over WebSocket: ws://HOST:PORT/mqtt?topic= both ways, with a TCP client on the other side" {
  gsmq-recv --count 2 --wait 20s "$MQTT_WS/mqtt?topic=ws/in/%23&client_id=wsrecv" >"$BATS_TEST_TMPDIR/out" &
  recv=$!
  track_pid "$recv"
  wait_subscribed wsrecv
  grep -q "New client connected from .* as wsrecv " "$MOSQ_LOG"
  mosquitto_pub -p "$MQTT_PORT" -t ws/in/a -m one -q 1
  mosquitto_pub -p "$MQTT_PORT" -t ws/in/b -m two -q 1
  _wait_bounded "$recv"
  [[ "$(jq -r '"\(.channel)=\(.body)"' "$BATS_TEST_TMPDIR/out" | paste -sd ' ')" == "ws/in/a=one ws/in/b=two" ]]

  timeout 20 mosquitto_sub -p "$MQTT_PORT" -i sub3 -t 'ws/out' -C 2 >"$BATS_TEST_TMPDIR/sub.out" 3>&- &
  sub=$!
  track_pid "$sub"
  wait_subscribed sub3
  # no path: the WebSocket path defaults to /mqtt. MQTT 5 here, except under ASan, where an
  # MQTT 5 connect crashes inside paho (see mqtt_errors.bats; known, open).
  local v5="&version=5"
  [[ -z "${GSMQ_SANITIZED:-}" ]] || v5=""
  run --separate-stderr gsmq-send -m three -m four "$MQTT_WS?topic=ws/out$v5"
  assert_success
  _wait_bounded "$sub"
  [[ "$(paste -sd ' ' "$BATS_TEST_TMPDIR/sub.out")" == "three four" ]]
}

@test "MQTT 5: user properties and content type from Python's paho arrive as meta, and go back out" {
  [[ -z "${GSMQ_SANITIZED:-}" ]] || skip "MQTT 5 connect crashes inside paho under ASan (known, open)"
  gsmq-recv --count 1 --wait 20s "$MQTT/lab/%23?version=5&client_id=recv5" >"$BATS_TEST_TMPDIR/in" &
  recv=$!
  track_pid "$recv"
  wait_subscribed recv5
  "$PY" "$MQTT_PY/mqtt_pub.py" "$MQTT_PORT" lab/t1 --v5 --user-property x-site=lab --user-property unit=C \
    --content-type application/json '{"t":21.5}'
  _wait_bounded "$recv"
  in="$BATS_TEST_TMPDIR/in"
  [[ "$(jq -r '.meta["mqtt.user.x-site"]' "$in")" == lab ]]
  [[ "$(jq -r '.meta["mqtt.user.unit"]' "$in")" == C ]]
  [[ "$(jq -r '.meta["mqtt.content_type"]' "$in")" == application/json ]]
  [[ "$(jq -c .body "$in")" == '"{\"t\":21.5}"' ]]

  # gsmq-recv | gsmq-send: the same properties reach a Python subscriber (retained, read later)
  jq -c '.channel = "lab/copy" | .meta["mqtt.retain"] = "1"' "$in" | gsmq-send "$MQTT/?version=5"
  "$PY" "$MQTT_PY/mqtt_sub.py" "$MQTT_PORT" lab/copy "$BATS_TEST_TMPDIR/py.out" --v5 --count 1 &
  py=$!
  track_pid "$py"
  _wait_bounded "$py"
  line="$(cat "$BATS_TEST_TMPDIR/py.out")"
  [[ "$(jq -r .body <<<"$line")" == '{"t":21.5}' ]]
  [[ "$(jq -r .retain <<<"$line")" == true ]]
  [[ "$(jq -c .props <<<"$line")" == '{"unit":"C","x-site":"lab","content-type":"application/json"}' ]]
}

@test "Python's paho publishes QoS 1 over MQTT 3.1.1 and gsmq-recv gets every message in order" {
  gsmq-recv --count 50 --wait 30s "$MQTT/py/load?client_id=recvpy" >"$BATS_TEST_TMPDIR/out" &
  recv=$!
  track_pid "$recv"
  wait_subscribed recvpy
  "$PY" "$MQTT_PY/mqtt_pub.py" "$MQTT_PORT" py/load --count 50 --prefix msg-
  _wait_bounded "$recv"
  [[ "$(jq -r .body "$BATS_TEST_TMPDIR/out")" == "$(seq -f 'msg-%g' 1 50)" ]]
}

@test "binary payloads pass unchanged (body_b64 on output)" {
  gsmq-recv --count 1 --wait 20s "$MQTT/bin?client_id=recvbin" >"$BATS_TEST_TMPDIR/out" &
  recv=$!
  track_pid "$recv"
  wait_subscribed recvbin
  echo '{"body_b64":"AP8AgA=="}' | gsmq-send "$MQTT/bin"
  _wait_bounded "$recv"
  [[ "$(jq -r .body_b64 "$BATS_TEST_TMPDIR/out")" == "AP8AgA==" ]]
}
