#!/usr/bin/env bats
# zmq+tcp:// and zmq+ipc:// with python3-zmq (pyzmq, tests/cli/python/zmq_peer.py) on the
# other side: PUSH -> gsmq-recv (bound PULL), gsmq-send -> PULL, PUB/SUB with a topic
# filter both ways, a PUB sink waiting for its subscribers, ?envelope round trip, ipc,
# malformed multipart messages, no peer.

load helpers

PEER=/usr/bin/python3
peer() { "$PEER" "$GSMQ_SOURCE_DIR/tests/cli/python/zmq_peer.py" "$@"; }

free_tcp_port() {
  /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# True once something listens on 127.0.0.1:$1 (TCP).
tcp_listening() {
  /usr/bin/python3 -c 'import socket,sys;s=socket.socket();s.settimeout(0.2);s.connect(("127.0.0.1",int(sys.argv[1])))' "$1" 2>/dev/null
}

setup() {
  gsmq_setup
  PORT="$(free_tcp_port)"
}

@test "python PUSH -> gsmq-recv bound PULL: [channel, body] and [body] become envelopes" {
  gsmq-recv --count 3 --wait 20s "zmq+tcp://127.0.0.1:$PORT/dflt?listen" >out.jsonl 2>err.txt &
  pid=$!
  track_pid "$pid"
  poll_until tcp_listening "$PORT"
  printf '%s\n' '["sensors/door", "open"]' '["only a body"]' '["", "empty channel frame"]' |
    peer send push "tcp://127.0.0.1:$PORT"
  wait_for_exit "$pid"
  assert_equal "$status" 0
  run jq -r '.channel + " " + .body' out.jsonl
  assert_line --index 0 'sensors/door open'
  assert_line --index 1 'dflt only a body'
  assert_line --index 2 'dflt empty channel frame'
  # stamped on arrival
  [[ "$(jq -r 'select((.id | length) > 0 and .ts > 0) | .channel' out.jsonl | wc -l)" -eq 3 ]]
}

@test "gsmq-send -> python PULL: frames carry the channel (the URL's, else the line's) and the body" {
  peer recv pull "tcp://127.0.0.1:$PORT" --bind --count 5 --ready ready >got.jsonl &
  pid=$!
  track_pid "$pid"
  poll_until test -e ready
  printf '%s\n' '{"channel":"c1","body":"one"}' '{"body":"two"}' '{"body":{"n":3}}' |
    gsmq-send "zmq+tcp://127.0.0.1:$PORT/dflt"
  gsmq-send "zmq+tcp://127.0.0.1:$PORT" <<<'{"channel":"c4","body":"four"}'
  gsmq-send "zmq+tcp://127.0.0.1:$PORT/site/{channel}" <<<'{"channel":"c5","body":"five"}'
  wait_for_exit "$pid"
  assert_equal "$status" 0
  run cat got.jsonl
  assert_line --index 0 '["dflt", "one"]'
  assert_line --index 1 '["dflt", "two"]'
  assert_line --index 2 '["dflt", "{\"n\":3}"]'
  assert_line --index 3 '["c4", "four"]'
  assert_line --index 4 '["site/c5", "five"]'
}

@test "?frames=1 sends the body alone" {
  peer recv pull "tcp://127.0.0.1:$PORT" --bind --count 1 --ready ready >got.jsonl &
  pid=$!
  track_pid "$pid"
  poll_until test -e ready
  gsmq-send -m 'just me' "zmq+tcp://127.0.0.1:$PORT/c?frames=1"
  wait_for_exit "$pid"
  run cat got.jsonl
  assert_output '["just me"]'
}

@test "binary bodies round-trip through frames" {
  gsmq-recv --count 1 --wait 20s "zmq+tcp://:$PORT" >out.jsonl &
  pid=$!
  track_pid "$pid"
  poll_until tcp_listening "$PORT"
  echo '{"channel":"bin","body_b64":"AP8Q"}' | gsmq-send "zmq+tcp://127.0.0.1:$PORT"
  wait_for_exit "$pid"
  run jq -r '.channel + " " + .body_b64' out.jsonl
  assert_output 'bin AP8Q'
}

@test "PUB/SUB: gsmq-recv subscribes with ?topic= and gets only that prefix" {
  printf '%s\n' '["sensors/door", "open"]' '["other/x", "not for us"]' '["sensors/temp", "21.5"]' >msgs.jsonl
  # python binds PUB and repeats its messages until gsmq-recv has enough (slow joiner)
  peer send pub "tcp://127.0.0.1:$PORT" --bind --repeat-until done --ready ready <msgs.jsonl &
  pub=$!
  track_pid "$pub"
  poll_until test -e ready
  run --separate-stderr gsmq-recv --count 4 --wait 20s "zmq+tcp://127.0.0.1:$PORT?pattern=sub&topic=sensors/"
  touch done
  assert_success
  run jq -r .channel <<<"$output"
  refute_output --partial other
  assert_output --partial sensors/door
  assert_output --partial sensors/temp
  wait_for_exit "$pub"
}

@test "PUB/SUB: gsmq-send publishes, a python subscriber filters by channel" {
  peer recv sub "tcp://127.0.0.1:$PORT" --bind --topic alerts --count 1 --ready ready >got.jsonl &
  sub=$!
  track_pid "$sub"
  poll_until test -e ready
  # one gsmq-send, each message once: it waits for the subscription (no slow joiner); the
  # channel nobody subscribes to reaches nobody, which is said, not failed
  printf '%s\n' '{"channel":"noise","body":"n"}' '{"channel":"alerts/fire","body":"hot"}' >in.jsonl
  run --separate-stderr gsmq-send "zmq+tcp://127.0.0.1:$PORT?pattern=pub&timeout=10s" <in.jsonl
  assert_success
  [[ "$stderr" == *'no subscription matches a message on channel "noise"'* ]]
  [[ "$stderr" == *"1 message matched no subscription and reached nobody"* ]]
  wait_for_exit "$sub"
  assert_equal "$status" 0
  run cat got.jsonl
  assert_output '["alerts/fire", "hot"]'
}

@test "PUB that connects: waits for the subscription, then all 5 messages arrive" {
  peer recv sub "tcp://127.0.0.1:$PORT" --bind --topic chan --count 5 --ready ready >got.jsonl &
  sub=$!
  track_pid "$sub"
  poll_until test -e ready
  # one run, no retries: the subscription may still be on its way when gsmq-send starts
  run --separate-stderr gsmq-send -m m1 -m m2 -m m3 -m m4 -m m5 "zmq+tcp://127.0.0.1:$PORT/chan?pattern=pub&timeout=10s"
  assert_success
  wait_for_exit "$sub"
  assert_equal "$status" 0
  run jq -r '.[0] + " " + .[1]' got.jsonl
  assert_output "$(printf 'chan m%s\n' 1 2 3 4 5)"
}

@test "PUB that binds: waits for its first subscriber, then all 5 messages arrive" {
  gsmq-send -m m1 -m m2 -m m3 -m m4 -m m5 "zmq+tcp://127.0.0.1:$PORT/chan?listen&pattern=pub&timeout=10s" 2>send.err &
  send=$!
  track_pid "$send"
  poll_until tcp_listening "$PORT"
  peer recv sub "tcp://127.0.0.1:$PORT" --count 5 >got.jsonl
  wait_for_exit "$send"
  assert_equal "$status" 0
  run jq -r '.[1]' got.jsonl
  assert_output "$(printf 'm%s\n' 1 2 3 4 5)"
}

@test "PUB with no subscriber: exit 4 once ?timeout ran out, bound or connected" {
  run --separate-stderr gsmq-send -m x -m y "zmq+tcp://127.0.0.1:$PORT?listen&pattern=pub&timeout=300ms"
  assert_equal "$status" 4
  [[ "$stderr" == *"no ZeroMQ subscriber within 300ms"* ]]
  # connected to a SUB that subscribes to nothing: a peer, but no subscriber
  peer recv sub "tcp://127.0.0.1:$PORT" --bind --no-subscribe --count 1 --timeout 10 --ready ready >/dev/null 2>&1 &
  track_pid $!
  poll_until test -e ready
  run --separate-stderr gsmq-send -m x "zmq+tcp://127.0.0.1:$PORT?pattern=pub&timeout=300ms"
  assert_equal "$status" 4
  [[ "$stderr" == *"no ZeroMQ subscriber within 300ms"* ]]
}

@test "?envelope: id, meta and channel survive gsmq-send -> gsmq-recv, one frame of JSON on the wire" {
  gsmq-recv --count 1 --wait 20s "zmq+tcp://127.0.0.1:$PORT?listen&envelope" >out.jsonl &
  pid=$!
  track_pid "$pid"
  poll_until tcp_listening "$PORT"
  echo '{"channel":"c","body":"hi","id":"id-1","priority":3,"meta":{"k":"v"}}' >in.jsonl
  gsmq-send "zmq+tcp://127.0.0.1:$PORT?envelope" <in.jsonl
  wait_for_exit "$pid"
  assert_equal "$status" 0
  [[ "$(jq -cS 'del(.ts)' out.jsonl)" == "$(jq -cS . in.jsonl)" ]]
  # and what a plain ZeroMQ peer sees: one frame holding the envelope
  peer recv pull "tcp://127.0.0.1:$PORT" --bind --count 1 --ready ready >got.jsonl &
  pid=$!
  track_pid "$pid"
  poll_until test -e ready
  gsmq-send "zmq+tcp://127.0.0.1:$PORT?envelope" <in.jsonl
  wait_for_exit "$pid"
  [[ "$(jq -r 'length' got.jsonl)" == 1 ]]
  [[ "$(jq -r '.[0] | fromjson | .id' got.jsonl)" == id-1 ]]
}

@test "ipc: gsmq-recv binds zmq+ipc:///PATH, gsmq-send connects with zmq+ipc://localhost/PATH" {
  sock="$BATS_TEST_TMPDIR/feed.sock"
  gsmq-recv --count 2 --wait 20s "zmq+ipc://$sock?channel=feed" >out.jsonl &
  pid=$!
  track_pid "$pid"
  poll_until test -S "$sock"
  gsmq-send -m one -m two "zmq+ipc://localhost$sock"
  wait_for_exit "$pid"
  assert_equal "$status" 0
  run jq -r '.channel + " " + .body' out.jsonl
  assert_line --index 0 'feed one'
  assert_line --index 1 'feed two'
}

@test "malformed multipart messages are counted and dropped, good ones still arrive" {
  gsmq-recv --count 1 --wait 20s "zmq+tcp://:$PORT?envelope" >out.jsonl 2>err.txt &
  pid=$!
  track_pid "$pid"
  poll_until tcp_listening "$PORT"
  printf '%s\n' '["a", "b", "c"]' '["not json"]' '["c", "{}"]' '["{\"body\":\"good\"}"]' |
    peer send push "tcp://127.0.0.1:$PORT"
  wait_for_exit "$pid"
  assert_equal "$status" 0
  run jq -r .body out.jsonl
  assert_output good
  run cat err.txt
  assert_output --partial 'dropped a malformed message'
  assert_output --partial 'got 3'
  assert_output --partial 'not a JSON envelope'
  assert_output --partial '3 malformed ZeroMQ messages were dropped'
}

@test "nobody to connect to: exit 4 naming the address; ?retry waits for the peer" {
  run --separate-stderr gsmq-send -m x "zmq+tcp://127.0.0.1:$PORT"
  assert_equal "$status" 4
  [[ "$stderr" == *"nothing accepts ZeroMQ connections at tcp://127.0.0.1:$PORT"* ]]
  run --separate-stderr gsmq-recv --count 1 "zmq+ipc://localhost$BATS_TEST_TMPDIR/none.sock"
  assert_equal "$status" 4

  gsmq-send -m late "zmq+tcp://127.0.0.1:$PORT/c?retry" 2>send.err &
  send=$!
  track_pid "$send"
  poll_until grep -q 'waiting for it' send.err
  peer recv pull "tcp://127.0.0.1:$PORT" --bind --count 1 >got.jsonl &
  track_pid $!
  wait_for_exit "$send"
  assert_equal "$status" 0
  poll_until has_lines got.jsonl 1
  run cat got.jsonl
  assert_output '["c", "late"]'
}

@test "a bound port that is taken: exit 4" {
  gsmq-recv --count 1 --wait 20s "zmq+tcp://127.0.0.1:$PORT?listen" >/dev/null &
  track_pid $!
  poll_until tcp_listening "$PORT"
  run --separate-stderr gsmq-recv --count 1 --wait 5s "zmq+tcp://127.0.0.1:$PORT?listen"
  assert_equal "$status" 4
  [[ "$stderr" == *"cannot bind tcp://127.0.0.1:$PORT"* ]]
}

@test "a PUSH with no peer and ?timeout: the peer counts as gone (exit 4) instead of waiting for ever" {
  run --separate-stderr gsmq-send -m x -m y "zmq+tcp://127.0.0.1:$PORT?listen&timeout=300ms"
  assert_equal "$status" 4
  [[ "$stderr" == *"no ZeroMQ peer took the message within"* ]]
}

@test "gsmq-bridge: python PUSH -> bridge -> python PULL, in order" {
  OUT="$(free_tcp_port)"
  peer recv pull "tcp://127.0.0.1:$OUT" --bind --count 5 --ready ready >got.jsonl &
  sink=$!
  track_pid "$sink"
  poll_until test -e ready
  gsmq-bridge "zmq+tcp://127.0.0.1:$PORT?listen" "zmq+tcp://127.0.0.1:$OUT/bridged" >bridge.out 2>bridge.err &
  bridge=$!
  track_pid "$bridge"
  poll_until tcp_listening "$PORT"
  for i in 1 2 3 4 5; do echo "[\"m$i\"]"; done | peer send push "tcp://127.0.0.1:$PORT"
  wait_for_exit "$sink"
  assert_equal "$status" 0
  run cat got.jsonl
  assert_line --index 0 '["bridged", "m1"]'
  assert_line --index 4 '["bridged", "m5"]'
  kill -TERM "$bridge"
  wait_for_exit "$bridge"
  assert_equal "$status" 0
}

@test "the PULL peer restarts: libzmq reconnects and delivery goes on" {
  OUT="$(free_tcp_port)"
  peer recv pull "tcp://127.0.0.1:$OUT" --bind --count 1 --ready ready1 >first.jsonl &
  first=$!
  track_pid "$first"
  poll_until test -e ready1
  gsmq-bridge "zmq+tcp://127.0.0.1:$PORT?listen" "zmq+tcp://127.0.0.1:$OUT/b" >bridge.out 2>bridge.err &
  bridge=$!
  track_pid "$bridge"
  poll_until tcp_listening "$PORT"
  echo '["before"]' | peer send push "tcp://127.0.0.1:$PORT"
  wait_for_exit "$first"
  assert_equal "$status" 0
  run cat first.jsonl
  assert_output '["b", "before"]'
  # the receiver is gone; a new one binds the same port, the bridge's PUSH reconnects to it
  peer recv pull "tcp://127.0.0.1:$OUT" --bind --count 1 --ready ready2 >second.jsonl &
  second=$!
  track_pid "$second"
  poll_until test -e ready2
  echo '["after restart"]' | peer send push "tcp://127.0.0.1:$PORT"
  wait_for_exit "$second"
  assert_equal "$status" 0
  run cat second.jsonl
  assert_output '["b", "after restart"]'
  kill -TERM "$bridge"
  wait_for_exit "$bridge"
  assert_equal "$status" 0
}
