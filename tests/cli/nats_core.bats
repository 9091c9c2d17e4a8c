#!/usr/bin/env bats
# Core NATS through nats://, against a real nats-server and an independent client
# (python/nats_peer.py, the NATS text protocol on a socket): byte-exact round trips
# with headers both ways, queue groups, and the unhappy paths: no server (exit 4),
# refused credentials (exit 6), a server restart under a following source, a server
# gone for longer than ?retry_for.

bats_require_minimum_version 1.5.0
load nats_helpers

teardown() {
  nats_teardown
}

peer_addr() { echo "127.0.0.1:$NATS_PORT"; }

# Succeeds once clients hold at least $2 (default 1) subscriptions to subject $1 (the
# server's own JetStream subscriptions do not count).
subscribed_to() {
  curl -s "http://127.0.0.1:$NATS_MON/connz?subs=true" |
    jq -e --arg s "$1" --argjson n "${2:-1}" '[.connections[]?.subscriptions_list[]? | select(. == $s)] | length >= $n' >/dev/null
}

@test "nats_peer.py pub -> gsmq-recv: subject, payload and headers become the envelope" {
  nats_start
  gsmq-recv --count 2 "$NATS/sensors.>" >"$BATS_TEST_TMPDIR/out.jsonl" 2>"$BATS_TEST_TMPDIR/recv.err" &
  recv=$!
  track_pid "$recv"
  poll_until subscribed_to 'sensors.>'
  "$PY" "$NATS_PEER" pub "$(peer_addr)" sensors.door open -H Nats-Msg-Id:p-1 -H X-Site:north -H Gsmq-Meta-unit:C
  "$PY" "$NATS_PEER" pub "$(peer_addr)" sensors.temp 21.5
  assert_exit_status "$recv" 0
  run jq -c '{channel, body, id, meta}' "$BATS_TEST_TMPDIR/out.jsonl"
  assert_line -n 0 '{"channel":"sensors.door","body":"open","id":"p-1","meta":{"nats.X-Site":"north","unit":"C"}}'
  assert_equal "$(sed -n 2p "$BATS_TEST_TMPDIR/out.jsonl" | jq -r '"\(.channel) \(.body) \(.id | length > 0) \(.ts > 0)"')" \
    "sensors.temp 21.5 true true"
}

@test "gsmq-send -> nats_peer.py sub: bodies as they were, id, ts, priority and meta as headers" {
  nats_start
  "$PY" "$NATS_PEER" sub "$(peer_addr)" 'out.*' 3 "$BATS_TEST_TMPDIR/ready" >"$BATS_TEST_TMPDIR/sub.jsonl" &
  sub=$!
  track_pid "$sub"
  poll_until test -e "$BATS_TEST_TMPDIR/ready"
  run --separate-stderr gsmq-send "$NATS" <<'EOF'
{"channel":"out.a","body":"héllo \"quoted\"","id":"g-1","ts":1764000000123456,"priority":9,"meta":{"k":"v","nats.X-H":"x"}}
{"channel":"out.b","body":"two"}
{"channel":"out.c","body":{"json":[1,2]}}
EOF
  assert_success
  _wait_bounded "$sub"
  line1=$(sed -n 1p "$BATS_TEST_TMPDIR/sub.jsonl")
  assert_equal "$(jq -r .body <<<"$line1")" 'héllo "quoted"'
  assert_equal "$(jq -c '.headers | {"Nats-Msg-Id", "Gsmq-Ts", "Gsmq-Priority", "Gsmq-Meta-k", "X-H"}' <<<"$line1")" \
    '{"Nats-Msg-Id":["g-1"],"Gsmq-Ts":["1764000000123456"],"Gsmq-Priority":["9"],"Gsmq-Meta-k":["v"],"X-H":["x"]}'
  assert_equal "$(sed -n 2p "$BATS_TEST_TMPDIR/sub.jsonl" | jq -r '"\(.subject) \(.body)"')" "out.b two"
  assert_equal "$(sed -n 3p "$BATS_TEST_TMPDIR/sub.jsonl" | jq -r .body)" '{"json":[1,2]}'
}

@test "gsmq-send -> nats:// -> gsmq-recv: the envelope round trip is lossless, binary bodies too" {
  nats_start
  gsmq-recv --count 3 "$NATS/rt.>" >"$BATS_TEST_TMPDIR/out.jsonl" &
  recv=$!
  track_pid "$recv"
  poll_until subscribed_to 'rt.>'
  cat >"$BATS_TEST_TMPDIR/in.jsonl" <<'EOF'
{"channel":"rt.a","body":"one","id":"i-1","ts":1764000000000001,"priority":3,"meta":{"content-type":"text/plain"}}
{"channel":"rt.b","body_b64":"//79AA==","id":"i-2","ts":1764000000000002}
{"channel":"rt.c","body":"","id":"i-3","ts":1764000000000003,"meta":{"nats.X-A":"1"}}
EOF
  gsmq-send "$NATS" <"$BATS_TEST_TMPDIR/in.jsonl"
  assert_exit_status "$recv" 0
  assert_equal "$(canonical "$BATS_TEST_TMPDIR/out.jsonl")" "$(canonical "$BATS_TEST_TMPDIR/in.jsonl")"
}

@test "?queue=: two readers of one queue group share the messages" {
  nats_start
  gsmq-recv --follow "$NATS/work?queue=workers" >"$BATS_TEST_TMPDIR/a.jsonl" &
  a=$!
  track_pid "$a"
  gsmq-recv --follow "$NATS/work?queue=workers" >"$BATS_TEST_TMPDIR/b.jsonl" &
  b=$!
  track_pid "$b"
  poll_until subscribed_to work 2
  seq 1 200 | gsmq-send --raw "$NATS/work"
  _all() { (($(count_lines "$BATS_TEST_TMPDIR/a.jsonl") + $(count_lines "$BATS_TEST_TMPDIR/b.jsonl") >= 200)); }
  poll_until _all
  kill -TERM "$a" "$b"
  assert_exit_status "$a" 0
  assert_exit_status "$b" 0
  assert_equal "$(cat "$BATS_TEST_TMPDIR/a.jsonl" "$BATS_TEST_TMPDIR/b.jsonl" | jq -r .body | sort -n | uniq | wc -l)" 200
  (($(count_lines "$BATS_TEST_TMPDIR/a.jsonl") > 0 && $(count_lines "$BATS_TEST_TMPDIR/b.jsonl") > 0))
}

@test "no server there: exit 4 naming it; ?retry waits until one comes" {
  port=$(free_port)
  run --separate-stderr gsmq-send -m x "nats://127.0.0.1:$port/a?connect_timeout=1s"
  assert_failure 4
  [[ "$stderr" == *"cannot connect to the NATS server at 127.0.0.1:$port"* ]] || fail "$stderr"
  run --separate-stderr gsmq-recv "nats://127.0.0.1:$port/a"
  assert_failure 4
  # with ?retry the sink waits, and delivers once the server is up
  gsmq-send -m late "nats://127.0.0.1:$port/late.x?retry" 2>"$BATS_TEST_TMPDIR/send.err" &
  send=$!
  track_pid "$send"
  poll_until grep -q "retrying" "$BATS_TEST_TMPDIR/send.err"
  is_running "$send"
  _nats_pick_ports 1
  NATS_PORTS[0]=$port
  _nats_write_config 0
  nats_node_launch 0
  nats_node_wait 0
  assert_exit_status "$send" 0
}

@test "refused credentials: exit 6; the right ones work" {
  NATS_AUTH=alice:s3cret nats_start
  run --separate-stderr gsmq-send -m x "nats://alice:wrong@127.0.0.1:$NATS_PORT/a"
  assert_failure 6
  [[ "$stderr" == *"uthoriz"* ]] || fail "$stderr"
  run --separate-stderr gsmq-recv "nats://127.0.0.1:$NATS_PORT/a"
  assert_failure 6
  run --separate-stderr gsmq-send -m x "nats://alice:s3cret@127.0.0.1:$NATS_PORT/a"
  assert_success
}

@test "server restarted under a following source: it reconnects and receives again" {
  nats_start
  gsmq-recv --follow "$NATS/re.>" >"$BATS_TEST_TMPDIR/out.jsonl" 2>"$BATS_TEST_TMPDIR/recv.err" &
  recv=$!
  track_pid "$recv"
  poll_until subscribed_to 're.>'
  gsmq-send -m before "$NATS/re.a"
  poll_until has_lines "$BATS_TEST_TMPDIR/out.jsonl" 1
  nats_stop_all
  nats_node_restart 0
  poll_until subscribed_to 're.>'
  gsmq-send -m after "$NATS/re.a"
  poll_until has_lines "$BATS_TEST_TMPDIR/out.jsonl" 2
  kill -TERM "$recv"
  assert_exit_status "$recv" 0
  assert_equal "$(jq -r .body "$BATS_TEST_TMPDIR/out.jsonl" | paste -sd ,)" "before,after"
  grep -q "connection lost; reconnecting" "$BATS_TEST_TMPDIR/recv.err"
  grep -q "reconnected to" "$BATS_TEST_TMPDIR/recv.err"
}

@test "a sink whose server went away for longer than ?retry_for ends with exit 4" {
  nats_start
  mkfifo in.fifo
  gsmq-send "$NATS/gone.x?retry_for=1s" <in.fifo 2>"$BATS_TEST_TMPDIR/send.err" &
  send=$!
  track_pid "$send"
  exec 7>in.fifo
  echo '{"body":"1"}' >&7
  _connected() { [[ $(curl -s "http://127.0.0.1:$NATS_MON/connz" | jq .num_connections) -ge 1 ]]; }
  poll_until _connected
  nats_stop_all
  echo '{"body":"2"}' >&7
  exec 7>&-
  wait_for_exit "$send"
  assert_equal "$status" 4
  grep -q "could not reconnect within 1s" "$BATS_TEST_TMPDIR/send.err" || fail "$(cat "$BATS_TEST_TMPDIR/send.err")"
}

@test "nats+tls://: both ways with an independent TLS peer, client certificates; an unknown CA, plain nats://, a wrong name, no certificate are exit 4" {
  tls="$BATS_TEST_TMPDIR/tls"
  make_test_ca "$tls"
  openssl req -newkey rsa:2048 -nodes -keyout "$tls/client.key" -out "$tls/client.csr" -subj "/CN=gsmq client" 2>/dev/null
  openssl x509 -req -in "$tls/client.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
    -out "$tls/client.pem" -days 2 2>/dev/null
  NATS_TLS="$tls" NATS_TLS_VERIFY=true nats_start
  export NATS_PEER_CA="$tls/ca.pem" NATS_PEER_CERT="$tls/client.pem" NATS_PEER_KEY="$tls/client.key"
  mine="cert=$tls/client.pem&key=$tls/client.key"
  T="nats+tls://localhost:$NATS_PORT"
  "$PY" "$NATS_PEER" sub "localhost:$NATS_PORT" 'tls.*' 1 "$BATS_TEST_TMPDIR/ready" >sub.jsonl &
  sub=$!
  track_pid "$sub"
  poll_until test -e "$BATS_TEST_TMPDIR/ready"
  gsmq-send -m "over tls" "$T/tls.a?ca=$tls/ca.pem&$mine"
  _wait_bounded "$sub"
  assert_equal "$(jq -r '"\(.subject) \(.body)"' sub.jsonl)" "tls.a over tls"
  gsmq-recv --count 1 "$T/tls.b?ca=$tls/ca.pem&$mine" >out.jsonl &
  recv=$!
  track_pid "$recv"
  poll_until subscribed_to tls.b
  "$PY" "$NATS_PEER" pub "localhost:$NATS_PORT" tls.b back
  assert_exit_status "$recv" 0
  assert_equal "$(jq -r .body out.jsonl)" back
  # refused: an unknown CA, plain NATS, a name the certificate does not have, no client certificate
  run --separate-stderr gsmq-send -m x "$T/a?$mine"
  assert_failure 4
  [[ "$stderr" == *"SSL handshake error"* ]] || fail "stderr: $stderr"
  run --separate-stderr gsmq-send -m x "nats://127.0.0.1:$NATS_PORT/a"
  assert_failure 4
  run --separate-stderr gsmq-send -m x "$T/a?ca=$tls/ca.pem&sni=elsewhere.example&$mine"
  assert_failure 4
  [[ "$stderr" == *"hostname mismatch"* ]] || fail "stderr: $stderr"
  run --separate-stderr gsmq-send -m x "$T/a?ca=$tls/ca.pem"
  assert_failure 4
  # ?insecure skips checking the server (the server still checks us)
  run --separate-stderr gsmq-send -m x "$T/a?insecure&$mine"
  assert_success
  run --separate-stderr gsmq-send -m x "$T/a?ca=/nonexistent.pem"
  assert_failure 2
  run --separate-stderr gsmq-send -m x "$T/a?cert=$tls/client.pem"
  assert_failure 2
}
