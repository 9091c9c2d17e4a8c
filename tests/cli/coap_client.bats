#!/usr/bin/env bats
# coap:// connecting, against libcoap's coap-server: the sink (PUT/POST, content-format,
# block-wise, 4.xx refusals, retries after 5.03), the observer (RFC 7641) and the exit
# status for a peer that is not there or does not answer.

load coap_helpers

setup() {
  gsmq_setup
}

@test "sink: PUT to coap-server's /example_data, read back with coap-client" {
  coap_server_start
  run --separate-stderr gsmq-send -m 'hello coap' "coap://127.0.0.1:$COAP_SERVER_PORT/example_data?method=PUT"
  assert_success
  run "$COAP_CLIENT" -B 5 -m get "coap://127.0.0.1:$COAP_SERVER_PORT/example_data"
  assert_output 'hello coap'
}

@test "sink: ?type=non sends non-confirmable requests, confirmed by the NON answer" {
  coap_server_start
  run --separate-stderr gsmq-send -m 'non put' "coap://127.0.0.1:$COAP_SERVER_PORT/example_data?method=PUT&type=non"
  assert_success
  run "$COAP_CLIENT" -B 5 -m get "coap://127.0.0.1:$COAP_SERVER_PORT/example_data"
  assert_output 'non put'
}

@test "sink: content-format from meta, else from ?content_format=" {
  coap_server_start
  echo '{"body":{"v":1},"meta":{"coap.content-format":"60"}}' |
    gsmq-send "coap://127.0.0.1:$COAP_SERVER_PORT/example_data?method=PUT&content_format=application/json"
  run "$COAP_CLIENT" -B 5 -v 7 -m get "coap://127.0.0.1:$COAP_SERVER_PORT/example_data"
  assert_output --partial 'Content-Format:application/cbor'
  gsmq-send -m '{"v":2}' "coap://127.0.0.1:$COAP_SERVER_PORT/example_data?method=PUT&content_format=application/json"
  run "$COAP_CLIENT" -B 5 -v 7 -m get "coap://127.0.0.1:$COAP_SERVER_PORT/example_data"
  assert_output --partial 'Content-Format:application/json'
}

@test "sink: a 64 KiB body goes block-wise (Block1) and comes back whole" {
  coap_server_start
  head -c 49152 /dev/urandom | base64 -w0 >big.txt
  gsmq-send --raw "coap://127.0.0.1:$COAP_SERVER_PORT/example_data?method=PUT" <big.txt
  "$COAP_CLIENT" -B 10 -b 1024 -m get -o got.txt "coap://127.0.0.1:$COAP_SERVER_PORT/example_data"
  cmp got.txt big.txt
}

@test "sink: a 4.xx answer fails the message (exit 1) and names the code" {
  coap_server_start
  run --separate-stderr gsmq-send -m x "coap://127.0.0.1:$COAP_SERVER_PORT/example_data"
  assert_equal "$status" 1
  [[ "$stderr" == *"coap://127.0.0.1:$COAP_SERVER_PORT/example_data: 4.05 Method Not Allowed"* ]]
}

@test "sink: 5.03 is retried with back-off until the receiver takes it" {
  INGEST_PORT="$(free_udp_port)"
  # the first delivery attempt fails (5.03 to the sender), the second succeeds
  coap_ingest_start "coap://:$INGEST_PORT/in" --count 2 --exec 'if [ -e tried ]; then cat >>taken.jsonl; else touch tried; exit 1; fi'
  run --separate-stderr gsmq-send -m once "coap://127.0.0.1:$INGEST_PORT/in?retries=3"
  assert_success
  [[ "$stderr" == *"5.03 Service Unavailable"*"trying again in"* ]]
  wait_for_exit "$INGEST_PID"
  run jq -r .body taken.jsonl
  assert_output once
}

@test "sink: every message confirmed in order through gsmq-bridge (CoAP ingest -> coap-server)" {
  coap_server_start
  INGEST_PORT="$(free_udp_port)"
  gsmq-bridge "coap://:$INGEST_PORT/in" "coap://127.0.0.1:$COAP_SERVER_PORT/example_data?method=PUT" \
    >bridge.out 2>bridge.err &
  BRIDGE_PID=$!
  track_pid "$BRIDGE_PID"
  poll_until coap_answers "$INGEST_PORT"
  for i in 1 2 3; do
    run coap_post -m post -e "reading $i" "coap://127.0.0.1:$INGEST_PORT/in/dev"
    assert_success
    # answered only after coap-server took it, so it is there now
    run "$COAP_CLIENT" -B 5 -m get "coap://127.0.0.1:$COAP_SERVER_PORT/example_data"
    assert_output "reading $i"
  done
  kill -TERM "$BRIDGE_PID"
  wait_for_exit "$BRIDGE_PID"
  assert_equal "$status" 0
}

@test "observe: the current state, then a notification per change" {
  coap_server_start
  gsmq-send -m first "coap://127.0.0.1:$COAP_SERVER_PORT/example_data?method=PUT"
  gsmq-recv --count 3 --wait 20s "coap://127.0.0.1:$COAP_SERVER_PORT/example_data" >obs.out 2>obs.err &
  OBS_PID=$!
  track_pid "$OBS_PID"
  poll_until has_lines obs.out 1
  gsmq-send -m second "coap://127.0.0.1:$COAP_SERVER_PORT/example_data?method=PUT"
  poll_until has_lines obs.out 2
  gsmq-send -m '{"n":3}' "coap://127.0.0.1:$COAP_SERVER_PORT/example_data?method=PUT&content_format=50"
  wait_for_exit "$OBS_PID"
  assert_equal "$status" 0
  run jq -r '[.channel, (.body | tostring), (.meta["coap.content-format"] // "-")] | join(" ")' obs.out
  assert_line --index 0 'example_data first -'
  assert_line --index 1 'example_data second -'
  assert_line --index 2 'example_data {"n":3} 50'
  # the Observe sequence numbers grow
  run jq -r '.meta["coap.observe"]' obs.out
  (( ${lines[0]} < ${lines[1]} && ${lines[1]} < ${lines[2]} ))
}

@test "observe: coap-server's /time notifies by itself" {
  coap_server_start
  run --separate-stderr gsmq-recv --count 2 --wait 10s "coap://127.0.0.1:$COAP_SERVER_PORT/time"
  assert_success
  assert_equal "${#lines[@]}" 2
  [[ "$(jq -r .channel <<<"${lines[0]}")" == time ]]
}

@test "observe: a resource that is not observable gives its state once, with a warning" {
  coap_server_start
  run --separate-stderr gsmq-recv --wait 10s "coap://127.0.0.1:$COAP_SERVER_PORT/"
  assert_success
  assert_equal "${#lines[@]}" 1
  [[ "$stderr" == *"is not observable"* ]]
}

@test "observe: the server restarted on the same port: registered again, notifications go on" {
  coap_server_start
  port="$COAP_SERVER_PORT"
  gsmq-recv --count 2 --wait 60s "coap://127.0.0.1:$port/example_data?timeout=1s&ack_timeout=200ms&max_retransmit=1" >obs.out 2>obs.err &
  OBS_PID=$!
  track_pid "$OBS_PID"
  poll_until has_lines obs.out 1
  coap_server_stop
  "$COAP_SERVER" -A 127.0.0.1 -p "$port" >>coap-server.log 2>&1 &
  COAP_SERVER_PID=$!
  track_pid "$COAP_SERVER_PID"
  poll_until coap_answers "$port"
  # the new server has not heard of us until gsmq-recv registers again; keep changing
  # the value until a notification of it arrives (bounded)
  for ((i = 0; i < 100; i++)); do
    gsmq-send -m "after restart $i" "coap://127.0.0.1:$port/example_data?method=PUT"
    has_lines obs.out 2 && break
    sleep 0.2
  done
  wait_for_exit "$OBS_PID"
  assert_equal "$status" 0
  run jq -r .body obs.out
  assert_line --index 1 --regexp '^after restart [0-9]+$'
}

@test "nobody listening: gsmq-send and gsmq-recv exit 4 at once, naming the address" {
  port="$(free_udp_port)"
  run --separate-stderr gsmq-send -m x "coap://127.0.0.1:$port/x"
  assert_equal "$status" 4
  [[ "$stderr" == *"nothing listens at 127.0.0.1:$port"* ]]
  run --separate-stderr gsmq-recv --count 1 "coap://127.0.0.1:$port/x"
  assert_equal "$status" 4
  [[ "$stderr" == *"nothing listens at 127.0.0.1:$port"* ]]
}

@test "a peer that never answers: exit 4 after the connect timeout" {
  port="$(free_udp_port)"
  /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
open("swallower.ready", "w").close()
s.settimeout(30)
try:
    while True: s.recvfrom(2048)   # swallow everything
except socket.timeout:
    pass' "$port" &
  track_pid $!
  poll_until test -e swallower.ready
  run --separate-stderr gsmq-send -m x "coap://127.0.0.1:$port/x"
  assert_equal "$status" 4
  [[ "$stderr" == *"no CoAP answer from 127.0.0.1:$port"* ]]
}

@test "?retry: the sink waits for a peer that comes up later" {
  coap_server_start
  port="$COAP_SERVER_PORT"
  coap_server_stop
  gsmq-send -m late "coap://127.0.0.1:$port/example_data?method=PUT&retry" 2>send.err &
  SEND_PID=$!
  track_pid "$SEND_PID"
  poll_until grep -q 'trying again in' send.err
  "$COAP_SERVER" -A 127.0.0.1 -p "$port" >>coap-server.log 2>&1 &
  track_pid $!
  wait_for_exit "$SEND_PID"
  assert_equal "$status" 0
  run "$COAP_CLIENT" -B 5 -m get "coap://127.0.0.1:$port/example_data"
  assert_output late
}

@test "sink: the receiving gsmq ingest restarts mid-stream: every message arrives (at least once)" {
  INGEST_PORT="$(free_udp_port)"
  seq 1 20 >bodies.txt
  # the first receiver stops after 5 messages; what reaches it after that gets 5.03
  coap_ingest_start "coap://127.0.0.1:$INGEST_PORT/in?listen" --count 5
  first="$INGEST_PID"
  gsmq-send --raw "coap://127.0.0.1:$INGEST_PORT/in?retries=30&ack_timeout=100ms&max_retransmit=2&timeout=2s" \
    <bodies.txt 2>send.err &
  send=$!
  track_pid "$send"
  wait_for_exit "$first"
  assert_equal "$status" 0
  cp "$BATS_TEST_TMPDIR/ingest.out" first.jsonl
  # a second receiver on the same port takes the rest
  coap_ingest_start "coap://127.0.0.1:$INGEST_PORT/in?listen"
  POLL_TRIES=1200 wait_for_exit "$send"
  assert_equal "$status" 0
  kill -TERM "$INGEST_PID"
  wait_for_exit "$INGEST_PID"
  cat first.jsonl "$BATS_TEST_TMPDIR/ingest.out" | jq -r .body | sort -n | uniq >got.txt
  diff got.txt bodies.txt
}

@test "sink: the server goes away mid-stream: a message nobody answers ends the run with exit 4" {
  coap_server_start
  mkfifo in.fifo
  gsmq-send --raw "coap://127.0.0.1:$COAP_SERVER_PORT/example_data?method=PUT&ack_timeout=100ms&max_retransmit=1&retries=1&timeout=2s" \
    <in.fifo 2>send.err &
  send=$!
  track_pid "$send"
  exec 7>in.fifo  # (bats itself uses fd 3)
  echo first >&7
  first_arrived() { [[ "$("$COAP_CLIENT" -B 2 -m get "coap://127.0.0.1:$COAP_SERVER_PORT/example_data")" == first ]]; }
  poll_until first_arrived
  coap_server_stop
  echo second >&7
  exec 7>&-
  wait_for_exit "$send"
  assert_equal "$status" 4
  run cat send.err
  assert_output --partial '(after 2 attempts)'
}
