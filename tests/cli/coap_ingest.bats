#!/usr/bin/env bats
# coap:// listening (the ingest server) with libcoap's coap-client as the device:
# confirmable and non-confirmable POST/PUT become envelopes, the answer waits for the
# sink, block-wise uploads, paths outside the base, ?envelope, garbage datagrams.

load coap_helpers

setup() {
  gsmq_setup
  INGEST_PORT="$(free_udp_port)"
}

@test "confirmable and non-confirmable POST and PUT: one envelope each, channel from the path below the ingest path" {
  coap_ingest_start "coap://127.0.0.1:$INGEST_PORT/sensors?listen&channel=base" --count 4
  run coap_post -m post -e 'open' "coap://127.0.0.1:$INGEST_PORT/sensors/door"
  assert_success
  run coap_post -m put -N -t 50 -e '{"t":21.5}' "coap://127.0.0.1:$INGEST_PORT/sensors/temp/1"
  assert_success
  run coap_post -m post -e 'at the base' "coap://127.0.0.1:$INGEST_PORT/sensors"
  assert_success
  run coap_post -m post -e 'named' "coap://127.0.0.1:$INGEST_PORT/sensors/door?channel=alarms&x=1"
  assert_success
  wait_for_exit "$INGEST_PID"
  assert_equal "$status" 0
  out="$BATS_TEST_TMPDIR/ingest.out"
  assert_equal "$(count_lines "$out")" 4
  run jq -r '[.channel, (.body | tostring), .meta["coap.method"], .meta["coap.type"], (.meta["coap.content-format"] // "-")] | join(" ")' "$out"
  assert_line --index 0 'door open POST con -'
  # a JSON Content-Format: the body is shown as JSON
  assert_line --index 1 'temp/1 {"t":21.5} PUT non 50'
  [[ "$(sed -n 2p "$out" | jq -r '.body.t')" == 21.5 ]]
  assert_line --index 2 'base at the base POST con -'
  assert_line --index 3 'alarms named POST con -'
  run jq -r '.meta["coap.query"] // "-"' "$out"
  assert_line --index 3 'channel=alarms&x=1'
  # stamped on the way in: an id and a receive time in microseconds
  run jq -r 'select((.id | length) > 0 and .ts > 1600000000000000) | .channel' "$out"
  assert_equal "${#lines[@]}" 4
  run jq -r '.meta["coap.peer"]' "$out"
  assert_line --index 0 --regexp '^127\.0\.0\.1:[0-9]+$'
}

@test "the answer comes after the sink confirmed: 2.01 for POST, 2.04 for PUT, separate from the empty ACK" {
  coap_ingest_start "coap://:$INGEST_PORT/in" --count 2
  run coap_post -v 7 -m post -e one "coap://127.0.0.1:$INGEST_PORT/in"
  assert_success
  assert_output --partial 't:ACK c:0.00'   # the empty ACK first
  assert_output --partial 'c:2.01'         # then the separate response
  run coap_post -v 7 -m put -e two "coap://127.0.0.1:$INGEST_PORT/in"
  assert_output --partial 'c:2.04'
  wait_for_exit "$INGEST_PID"
  assert_equal "$status" 0
}

@test "a sink slower than the ACK timeout: the device is not made to retransmit and still gets 2.01" {
  coap_ingest_start "coap://:$INGEST_PORT/in" --count 1 --exec 'sleep 3; cat > delivered.txt'
  run coap_post -v 7 -m post -e slow "coap://127.0.0.1:$INGEST_PORT/in"
  assert_success
  assert_output --partial 'c:2.01'
  # one POST on the wire: the empty ACK stopped retransmissions
  assert_equal "$(grep -c 'c:POST' <<<"$output")" 1
  wait_for_exit "$INGEST_PID"
  assert_equal "$status" 0
  assert_equal "$(jq -r .body delivered.txt)" slow
}

@test "a sink that refuses: the device gets 5.03, and gsmq-recv reports the failure" {
  coap_ingest_start "coap://:$INGEST_PORT/in" --count 1 --exec 'exit 1'
  run coap_post -m post -e nope "coap://127.0.0.1:$INGEST_PORT/in"
  assert_output --partial '5.03'
  wait_for_exit "$INGEST_PID"
  assert_equal "$status" 1
}

@test "a 64 KiB upload arrives whole through block-wise transfer (Block1)" {
  head -c 49152 /dev/urandom | base64 -w0 >big.txt
  [[ "$(wc -c <big.txt)" -eq 65536 ]]
  coap_ingest_start "coap://:$INGEST_PORT/up" --count 1
  run coap_post -m post -b 256 -f big.txt "coap://127.0.0.1:$INGEST_PORT/up/file"
  assert_success
  wait_for_exit "$INGEST_PID"
  assert_equal "$status" 0
  jq -j .body "$BATS_TEST_TMPDIR/ingest.out" >got.txt
  cmp got.txt big.txt
}

@test "a path outside the base is 4.04 and delivers nothing" {
  coap_ingest_start "coap://:$INGEST_PORT/sensors" --count 1
  run coap_post -m post -e x "coap://127.0.0.1:$INGEST_PORT/other"
  assert_output --partial '4.04'
  run coap_post -m post -e x "coap://127.0.0.1:$INGEST_PORT/sensorsX"
  assert_output --partial '4.04'
  run coap_post -m post -e ok "coap://127.0.0.1:$INGEST_PORT/sensors/a/b"
  assert_success
  wait_for_exit "$INGEST_PID"
  run jq -r '.channel + " " + .body' "$BATS_TEST_TMPDIR/ingest.out"
  assert_output 'a/b ok'
}

@test "?envelope: the body is a JSON envelope, its id and meta are kept; a bad one is 4.00" {
  coap_ingest_start "coap://:$INGEST_PORT/env?envelope" --count 1
  run coap_post -m post -e '{"body":"not json' "coap://127.0.0.1:$INGEST_PORT/env"
  assert_output --partial '4.00'
  run coap_post -m post -t 50 -e '{"channel":"x/y","body":"hi","id":"id-7","meta":{"k":"v"}}' "coap://127.0.0.1:$INGEST_PORT/env"
  assert_success
  wait_for_exit "$INGEST_PID"
  assert_equal "$status" 0
  run jq -r '[.channel, .body, .id, .meta.k] | join(" ")' "$BATS_TEST_TMPDIR/ingest.out"
  assert_output 'x/y hi id-7 v'
  grep -q 'not a JSON envelope' "$BATS_TEST_TMPDIR/ingest.err"
}

@test "?envelope: a number too large for a double is 4.00, and the server keeps serving" {
  coap_ingest_start "coap://:$INGEST_PORT/env?envelope" --count 1
  run coap_post -m post -e '{"body":1e400}' "coap://127.0.0.1:$INGEST_PORT/env"
  assert_output --partial '4.00'
  assert_output --partial "number overflow parsing '1e400'"
  run coap_post -m post -e '{"body":"still here"}' "coap://127.0.0.1:$INGEST_PORT/env"
  assert_success
  wait_for_exit "$INGEST_PID"
  assert_equal "$status" 0
  run jq -r .body "$BATS_TEST_TMPDIR/ingest.out"
  assert_output 'still here'
}

@test "garbage datagrams are counted and ignored, the server keeps serving" {
  coap_ingest_start "coap://:$INGEST_PORT/in" --count 1
  /usr/bin/python3 - "$INGEST_PORT" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for d in [b"garbage!", b"\x00", b"\x40\x01\x00\x01\xff", b"\x4f\x01\x00\x01"]:
    s.sendto(d, ("127.0.0.1", int(sys.argv[1])))
PY
  run coap_post -m post -e still-here "coap://127.0.0.1:$INGEST_PORT/in"
  assert_success
  wait_for_exit "$INGEST_PID"
  assert_equal "$status" 0
  run jq -r .body "$BATS_TEST_TMPDIR/ingest.out"
  assert_output still-here
  err="$(cat "$BATS_TEST_TMPDIR/ingest.err")"
  [[ "$err" == *"discarded a malformed CoAP packet (1 so far)"* ]]
  [[ "$err" == *"malformed CoAP packets were discarded"* ]]
}

@test "gsmq-send to gsmq's own ingest: bodies, order, content-format from meta or a JSON body" {
  coap_ingest_start "coap://:$INGEST_PORT/in" --count 3
  printf '%s\n' '{"body":"a"}' '{"body":{"n":2}}' '{"body":"c","meta":{"coap.content-format":"application/cbor"}}' |
    gsmq-send "coap://127.0.0.1:$INGEST_PORT/in/dev"
  wait_for_exit "$INGEST_PID"
  assert_equal "$status" 0
  run jq -r '[.channel, (.body | tostring), (.meta["coap.content-format"] // "-")] | join(" ")' "$BATS_TEST_TMPDIR/ingest.out"
  assert_line --index 0 'dev a -'
  assert_line --index 1 'dev {"n":2} 50'
  assert_line --index 2 'dev c 60'
}

@test "a port already taken: exit 4 with the address" {
  coap_ingest_start "coap://127.0.0.1:$INGEST_PORT/in?listen" --count 1
  run --separate-stderr gsmq-recv "coap://127.0.0.1:$INGEST_PORT/in?listen" --count 1 --wait 5s
  assert_equal "$status" 4
  [[ "$stderr" == *"cannot listen on 127.0.0.1:$INGEST_PORT"* ]]
}

@test "a sink URL that listens is a usage error" {
  run --separate-stderr gsmq-send -m x "coap://:$INGEST_PORT/in"
  assert_equal "$status" 2
  [[ "$stderr" == *"a listening coap:// URL is a source"* ]]
}
