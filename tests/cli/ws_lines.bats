#!/usr/bin/env bats
# Lines over WebSocket (lines+ws://, lines+wss://), one message per line, against Debian's
# python3-websockets (tests/cli/python/ws_peer.py): gsmq-send to a WebSocket server (bare
# lines and envelopes, UTF-8 byte-exact), gsmq-recv reading a server's messages to its
# close, gsmq-recv listening for WebSocket clients (ws.peer in meta), lines+wss:// with a
# test CA both ways, and the unhappy paths: nothing listening and a wrong path (exit 4),
# an unknown CA (exit 4), forms that cannot be (exit 2).

bats_require_minimum_version 1.5.0
load daemon_helpers  # bats-assert, poll_until, track_pid, _wait_bounded

WS_PEER="$BATS_TEST_DIRNAME/python/ws_peer.py"

free_port() {
  /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}
tcp_listening() {
  ss -Hltn "sport = :$1" | grep -q .
}
# Starts ws_peer.py serve PORT PATH ARGS... in the background, stdout to peer.out.
peer_serve() {
  /usr/bin/python3 "$WS_PEER" serve "$@" >peer.out 2>peer.err &
  track_pid $!
  peer=$!
  poll_until grep -q ready peer.err
}

setup_file() {
  make_test_ca "$BATS_FILE_TMPDIR/tls"
}

@test "gsmq-send -> lines+ws:// -> python websockets: a text message per line, bare bodies or envelopes" {
  port=$(free_port)
  peer_serve "$port" /feed --count 3
  printf '%s\n' '{"body":"one"}' '{"body":"h\u00e9 \u2603"}' '{"body":"x","id":"i1","channel":"c"}' >in.jsonl
  head -2 in.jsonl | gsmq-send "lines+ws://127.0.0.1:$port/feed"
  tail -1 in.jsonl | gsmq-send "lines+ws://127.0.0.1:$port/feed?envelope"
  _wait_bounded "$peer"
  assert_equal "$(sed -n 1p peer.out | jq -r .text)" one
  assert_equal "$(sed -n 2p peer.out | jq -j .text | od -An -tx1 | tr -d ' \n')" "$(printf 'h\xc3\xa9 \xe2\x98\x83' | od -An -tx1 | tr -d ' \n')"
  assert_equal "$(sed -n 3p peer.out | jq -r .text | jq -c '{body, id, channel}')" '{"body":"x","id":"i1","channel":"c"}'
}

@test "python websockets -> lines+ws:// -> gsmq-recv: each message a line, read until the server closes (exit 0)" {
  port=$(free_port)
  printf '%s\n' '{"body":"a","id":"e1","meta":{"k":"v"}}' '{"body":"b"}' >send.txt
  peer_serve "$port" / --send send.txt
  run --separate-stderr gsmq-recv --wait 10s "lines+ws://127.0.0.1:$port?envelope&channel=feed"
  assert_success
  assert_equal "$(jq -r .body <<<"$output" | paste -sd ,)" "a,b"
  assert_equal "$(sed -n 1p <<<"$output" | jq -c '{id, k: .meta.k, peer: (.meta["ws.peer"] | startswith("127.0.0.1:"))}')" \
    '{"id":"e1","k":"v","peer":true}'
  assert_equal "$(sed -n 2p <<<"$output" | jq -r .channel)" feed
}

@test "gsmq-recv listening on lines+ws://:PORT takes WebSocket clients; ws.peer in meta; other paths get 404" {
  port=$(free_port)
  gsmq-recv --count 3 --wait 20s "lines+ws://127.0.0.1:$port/in?listen" >out.jsonl 2>recv.err &
  recv=$!
  track_pid "$recv"
  poll_until tcp_listening "$port"
  printf '%s\n' one two | /usr/bin/python3 "$WS_PEER" send "ws://127.0.0.1:$port/in"
  run --separate-stderr /usr/bin/python3 "$WS_PEER" send "ws://127.0.0.1:$port/elsewhere" <<<"no"
  assert_failure
  [[ "$stderr" == *404* ]] || fail "the client was not refused with 404: $stderr"
  printf '%s\n' three | /usr/bin/python3 "$WS_PEER" send "ws://127.0.0.1:$port/in"
  assert_exit_status "$recv" 0
  assert_equal "$(jq -r .body out.jsonl | paste -sd ,)" "one,two,three"
  [[ "$(jq -r '.meta["ws.peer"]' out.jsonl | head -1)" == 127.0.0.1:* ]] || fail "$(cat out.jsonl)"
}

@test "lines+wss:// with a test CA: send to a TLS server, listen with ?cert/?key; an unknown CA is exit 4" {
  tls="$BATS_FILE_TMPDIR/tls"
  port=$(free_port)
  peer_serve "$port" /s --count 1 --cert "$tls/server.pem" --key "$tls/server.key"
  run --separate-stderr gsmq-send -m secret "lines+wss://127.0.0.1:$port/s"
  assert_failure 4
  [[ "$stderr" == *"certificate"* ]] || fail "stderr: $stderr"
  gsmq-send -m secret "lines+wss://127.0.0.1:$port/s?ca=$tls/ca.pem"
  _wait_bounded "$peer"
  assert_equal "$(jq -r .text peer.out)" secret
  port=$(free_port)
  gsmq-recv --count 1 --wait 20s "lines+wss://:$port?cert=$tls/server.pem&key=$tls/server.key" >out.jsonl &
  recv=$!
  track_pid "$recv"
  poll_until tcp_listening "$port"
  /usr/bin/python3 "$WS_PEER" send "wss://localhost:$port/" --ca "$tls/ca.pem" <<<"over tls"
  assert_exit_status "$recv" 0
  assert_equal "$(jq -r .body out.jsonl)" "over tls"
}

@test "lines+ws:// unhappy paths: nothing listening, a wrong path, a server gone are exit 4; impossible forms exit 2" {
  port=$(free_port)
  run --separate-stderr gsmq-send -m x "lines+ws://127.0.0.1:$port/"
  assert_failure 4
  [[ "$stderr" == *"cannot connect"* ]] || fail "stderr: $stderr"
  peer_serve "$port" /only --count 1
  run --separate-stderr gsmq-send -m x "lines+ws://127.0.0.1:$port/other"
  assert_failure 4
  [[ "$stderr" == *"HTTP 404"* ]] || fail "stderr: $stderr"
  run --separate-stderr gsmq-send -m x "lines+ws://:$port/"
  assert_failure 2
  run --separate-stderr gsmq-recv "lines+wss://:$port/"
  assert_failure 2
  [[ "$stderr" == *"?cert and ?key"* ]] || fail "stderr: $stderr"
  run --separate-stderr gsmq-send -m x "lines+ws://127.0.0.1:$port/?ca=/nonexistent"
  assert_failure 2
  # the server goes away after one message: the sink ends with exit 4
  port=$(free_port)
  peer_serve "$port" / --count 1
  run --separate-stderr bash -c '{ echo a; sleep 1; echo b; sleep 1; echo c; sleep 1; echo d; } | gsmq-send --raw "$1"' _ \
    "lines+ws://127.0.0.1:$port/"
  assert_failure 4
  [[ "$stderr" == *"the peer is gone"* ]] || fail "stderr: $stderr"
  assert_equal "$(jq -r .text peer.out)" a
}
