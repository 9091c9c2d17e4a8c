#!/usr/bin/env bats
# Plain lines over tcp:// and udp://, against socat and logger(1): gsmq-send to a socat
# listener (bare lines and envelopes), gsmq-recv listening for TCP clients and UDP
# datagrams (syslog from logger -n), reading a TCP peer to its end, and the unhappy
# paths: nothing listening (exit 4), a peer that goes away (exit 4), a bad envelope
# line (reported, the rest goes through), forms that cannot be (exit 2).

bats_require_minimum_version 1.5.0
load daemon_helpers  # bats-assert, poll_until, track_pid, _wait_bounded

free_port() {
  /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}
# True once something listens on TCP port $1 (without connecting to it).
tcp_listening() {
  ss -Hltn "sport = :$1" | grep -q .
}
# True once something is bound to UDP port $1 on 127.0.0.1.
udp_bound() {
  ss -Hlun "sport = :$1" | grep -q .
}

@test "gsmq-send -> tcp:// -> socat: one line per message, bare bodies or envelopes" {
  port=$(free_port)
  socat -u "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" OPEN:out.txt,creat,trunc &
  srv=$!
  track_pid "$srv"
  poll_until tcp_listening "$port"
  printf '%s\n' '{"body":"one"}' '{"body":"two","channel":"c"}' | gsmq-send "tcp://127.0.0.1:$port"
  _wait_bounded "$srv"
  assert_equal "$(paste -sd , out.txt)" "one,two"
  socat -u "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" OPEN:env.txt,creat,trunc &
  srv=$!
  track_pid "$srv"
  poll_until tcp_listening "$port"
  printf '%s\n' '{"body":"one","id":"i1","channel":"c"}' | gsmq-send "tcp://127.0.0.1:$port?envelope"
  _wait_bounded "$srv"
  assert_equal "$(jq -c '{body, id, channel}' env.txt)" '{"body":"one","id":"i1","channel":"c"}'
}

@test "gsmq-recv tcp://:PORT takes lines from several clients, with tcp.peer; a bad envelope line is reported" {
  port=$(free_port)
  gsmq-recv --count 4 "tcp://127.0.0.1:$port/logs?listen" >out.jsonl 2>recv.err &
  recv=$!
  track_pid "$recv"
  poll_until tcp_listening "$port"
  printf 'a1\na2\n' | socat -u - "TCP:127.0.0.1:$port"
  printf 'b1\r\nb2' | socat -u - "TCP:127.0.0.1:$port"
  wait_for_exit "$recv"
  assert_equal "$status" 0
  assert_equal "$(jq -r .body out.jsonl | sort | paste -sd ,)" "a1,a2,b1,b2"
  assert_equal "$(jq -r .channel out.jsonl | sort -u)" logs
  [[ "$(jq -r '.meta["tcp.peer"]' out.jsonl | head -1)" == 127.0.0.1:* ]]
  # envelopes: a bad line is reported with its line number, the good ones go through
  gsmq-recv --count 2 "tcp://127.0.0.1:$port?listen&envelope" >env.jsonl 2>env.err &
  recv=$!
  track_pid "$recv"
  poll_until tcp_listening "$port"
  printf '%s\n' '{"body":"e1","channel":"x"}' 'not json' '{"body":"e2"}' | socat -u - "TCP:127.0.0.1:$port"
  wait_for_exit "$recv"
  assert_equal "$(jq -r '"\(.body) \(.channel)"' env.jsonl | paste -sd ,)" "e1 x,e2 null"
  grep -q "LINE 2: 127.0.0.1:[0-9]*: invalid JSON" env.err || fail "$(cat env.err)"
}

@test "logger -n (syslog over UDP) -> gsmq-recv udp://:PORT; gsmq-send udp:// -> socat" {
  port=$(free_port)
  gsmq-recv --count 2 "udp://127.0.0.1:$port/syslog?listen" >out.jsonl &
  recv=$!
  track_pid "$recv"
  poll_until udp_bound "$port"
  logger -n 127.0.0.1 -P "$port" -d -t gsmqtest "door opened"
  logger -n 127.0.0.1 -P "$port" -d -t gsmqtest "door closed"
  wait_for_exit "$recv"
  assert_equal "$status" 0
  [[ "$(jq -r .body out.jsonl | sed -n 1p)" == *"gsmqtest"*"door opened" ]] || fail "$(cat out.jsonl)"
  [[ "$(jq -r .body out.jsonl | sed -n 2p)" == *"door closed" ]]
  [[ "$(jq -r '.meta["udp.peer"]' out.jsonl | head -1)" == 127.0.0.1:* ]]
  # and the other way: one datagram per message
  port2=$(free_port)
  socat -u "UDP-RECV:$port2,bind=127.0.0.1" OPEN:dgrams.txt,creat &  # stopped by teardown (its own PID)
  srv=$!
  track_pid "$srv"
  poll_until udp_bound "$port2"
  gsmq-send -m x1 -m x2 "udp://127.0.0.1:$port2"
  poll_until eval '[[ $(count_lines dgrams.txt) -ge 2 ]]'
  assert_equal "$(paste -sd , dgrams.txt)" "x1,x2"
}

@test "gsmq-recv tcp://HOST:PORT reads a peer's lines until it closes, then ends (exit 0)" {
  port=$(free_port)
  printf 'l1\nl2\nl3\n' >lines.txt
  socat -u OPEN:lines.txt "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" &
  srv=$!
  track_pid "$srv"
  poll_until tcp_listening "$port"
  run --separate-stderr gsmq-recv "tcp://127.0.0.1:$port/feed"
  assert_success
  assert_equal "$(jq -r '"\(.channel) \(.body)"' <<<"$output" | paste -sd ,)" "feed l1,feed l2,feed l3"
}

@test "tcp:// and udp:// unhappy paths: nothing there (4), the peer gone (4), impossible forms (2)" {
  port=$(free_port)
  run --separate-stderr gsmq-send -m x "tcp://127.0.0.1:$port"
  assert_failure 4
  [[ "$stderr" == *"cannot connect to 127.0.0.1:$port"* ]] || fail "$stderr"
  run --separate-stderr gsmq-recv "udp://127.0.0.1:$port"
  assert_failure 2
  [[ "$stderr" == *"a udp:// source listens"* ]] || fail "$stderr"
  run --separate-stderr gsmq-send -m x "tcp://:$port"
  assert_failure 2
  run --separate-stderr gsmq-send -m x "tcp://127.0.0.1"
  assert_failure 2
  # a peer that takes one line and goes away: the sink ends with exit 4
  socat -u "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" SYSTEM:'head -n 1 >/dev/null' &
  srv=$!
  track_pid "$srv"
  poll_until tcp_listening "$port"
  run --separate-stderr bash -c "seq 1 2000000 | gsmq-send --raw 'tcp://127.0.0.1:$port'"
  assert_failure 4
  [[ "$stderr" == *"the peer is gone"* ]] || fail "$stderr"
}
