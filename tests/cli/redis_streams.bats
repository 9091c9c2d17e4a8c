#!/usr/bin/env bats
# Redis Streams through redis://, against a real redis-server started on a free
# loopback port and Redis's own client (redis-cli): XADD by gsmq read back with XRANGE,
# entries added by redis-cli read through a consumer group and acknowledged only after
# the output took them, pending entries of a stopped reader taken over (XAUTOCLAIM),
# MAXLEN trimming, and the unhappy paths: no server (exit 4), a refused password
# (exit 6), a server restarted under a sink.

bats_require_minimum_version 1.5.0
load daemon_helpers

free_port() {
  /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# Starts redis-server on REDIS_PORT (picked once per test, kept across restarts), with
# an append-only file in its own directory; extra arguments are passed on.
redis_start() {
  REDIS_PORT="${REDIS_PORT:-$(free_port)}"
  mkdir -p "$BATS_TEST_TMPDIR/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$BATS_TEST_TMPDIR/redis" --save '' \
    --appendonly yes --appendfsync everysec --daemonize no --logfile "$BATS_TEST_TMPDIR/redis/log" "$@" \
    </dev/null >/dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  REDIS_PID=$!
  track_pid "$REDIS_PID"
  if ! poll_until redis_up; then
    cat "$BATS_TEST_TMPDIR/redis/log" >&2
    return 1
  fi
  REDIS="redis://127.0.0.1:$REDIS_PORT"
}

redis_stop() {
  [[ -n "${REDIS_PID:-}" ]] || return 0
  kill -TERM "$REDIS_PID" 2>/dev/null || true
  _wait_bounded "$REDIS_PID" || true
  REDIS_PID=""
}

redis_up() {
  [[ "$(rcli PING)" == PONG ]]
}

rcli() {
  redis-cli -p "$REDIS_PORT" ${REDIS_PASS:+-a "$REDIS_PASS" --no-auth-warning} "$@" 2>/dev/null
}

teardown() {
  redis_stop
  daemon_teardown
}

@test "gsmq-send -> redis:// XADD: fields body, id, ts, priority, channel, meta.KEY; XRANGE reads them" {
  redis_start
  run --separate-stderr gsmq-send --print "$REDIS/orders" <<'EOF'
{"channel":"orders","body":"one","id":"id-1","ts":1764000000000001,"priority":5,"meta":{"k":"v"}}
{"channel":"orders","body":"two","id":"id-2"}
EOF
  assert_success
  assert_equal "$(rcli XLEN orders)" 2
  first=$(rcli XRANGE orders - + COUNT 1 | paste -sd ' ')
  [[ "$first" == *" body one id id-1 ts 1764000000000001 priority 5 channel orders meta.k v" ]] || fail "$first"
  second=$(rcli XRANGE orders - + | tail -n +2 | paste -sd ' ')
  [[ "$second" == *" body two id id-2 ts "*" channel orders" ]] || fail "$second"
}

@test "redis-cli XADD -> gsmq-recv through a consumer group; acknowledged only once the output took it" {
  redis_start
  rcli XADD sensors '*' temp 21.5 hum 40 >/dev/null
  printf '%s\n' '{"body":"from gsmq","id":"g-1","meta":{"unit":"C"}}' | gsmq-send "$REDIS/sensors"
  run --separate-stderr gsmq-recv --count 2 "$REDIS/sensors?group=g1&consumer=c1"
  assert_success
  # an entry written by someone else: its fields are the body, as a JSON object
  assert_equal "$(sed -n 1p <<<"$output" | jq -c .body)" '{"temp":"21.5","hum":"40"}'
  assert_equal "$(sed -n 2p <<<"$output" | jq -c '{body, id, channel, unit: .meta.unit}')" \
    '{"body":"from gsmq","id":"g-1","channel":"sensors","unit":"C"}'
  [[ "$(sed -n 1p <<<"$output" | jq -r '.meta["redis.id"]')" == *-* ]]
  # both acknowledged: nothing pending in the group
  assert_equal "$(rcli XPENDING sensors g1 | head -1)" 0
  # an output that goes away before taking the next one: it stays pending, and the same
  # consumer reads it again (its own pending entries first)
  rcli XADD sensors '*' body third >/dev/null
  run --separate-stderr bash -c "gsmq-recv --count 1 '$REDIS/sensors?group=g1&consumer=c1' | head -c 0"
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$REDIS/sensors?group=g1&consumer=c1"
  assert_success
  assert_equal "$(jq -r .body <<<"$output")" third
  assert_equal "$(rcli XPENDING sensors g1 | head -1)" 0
}

@test "entries another consumer left pending are taken over after ?claim_idle (XAUTOCLAIM)" {
  redis_start
  rcli XGROUP CREATE jobs g 0 MKSTREAM >/dev/null
  rcli XADD jobs '*' body j1 >/dev/null
  rcli XADD jobs '*' body j2 >/dev/null
  # another consumer read them and went away without acknowledging
  rcli XREADGROUP GROUP g gone COUNT 10 STREAMS jobs '>' >/dev/null
  assert_equal "$(rcli XPENDING jobs g | head -1)" 2
  run --separate-stderr gsmq-recv --count 2 --wait 10s "$REDIS/jobs?group=g&consumer=mine&claim_idle=200ms"
  assert_success
  assert_equal "$(jq -r .body <<<"$output" | paste -sd ,)" "j1,j2"
  assert_equal "$(rcli XPENDING jobs g | head -1)" 0
}

@test "?maxlen trims the stream to about N entries" {
  redis_start
  seq 1 5000 | gsmq-send --raw "$REDIS/trim?maxlen=100"
  n=$(rcli XLEN trim)
  ((n >= 100 && n < 5000)) || fail "XLEN $n"
  assert_equal "$(rcli XREVRANGE trim + - COUNT 1 | sed -n 3p)" 5000
}

@test "gsmq -> redis -> gsmq: the envelope round trip is lossless, binary bodies too" {
  redis_start
  cat >in.jsonl <<'EOF'
{"channel":"rt","body":"one","id":"i-1","ts":1764000000000001,"priority":3,"meta":{"content-type":"text/plain"}}
{"channel":"rt","body_b64":"//79AA==","id":"i-2","ts":1764000000000002}
{"channel":"rt","body":"","id":"i-3","ts":1764000000000003}
EOF
  gsmq-send "$REDIS" <in.jsonl
  run --separate-stderr gsmq-recv --count 3 "$REDIS/rt?group=rt"
  assert_success
  assert_equal "$(jq -cS 'del(.meta["redis.id"]) | if .meta == {} then del(.meta) else . end' <<<"$output")" "$(canonical in.jsonl)"
}

@test "no server: exit 4; a refused password: exit 6; bad parameters: exit 2" {
  port=$(free_port)
  run --separate-stderr gsmq-send -m x "redis://127.0.0.1:$port/s"
  assert_failure 4
  [[ "$stderr" == *"cannot connect to the Redis server at 127.0.0.1:$port"* ]] || fail "$stderr"
  REDIS_PORT=$port REDIS_PASS=s3cret redis_start --requirepass s3cret
  run --separate-stderr gsmq-send -m x "redis://:wrong@127.0.0.1:$port/s"
  assert_failure 6
  run --separate-stderr gsmq-recv "redis://127.0.0.1:$port/s"
  assert_failure 6
  run --separate-stderr gsmq-send -m x "redis://:s3cret@127.0.0.1:$port/s"
  assert_success
  run --separate-stderr gsmq-recv "redis://127.0.0.1:$port"
  assert_failure 2
  [[ "$stderr" == *"no stream to read"* ]] || fail "$stderr"
  run --separate-stderr gsmq-send -m x "redis://127.0.0.1:$port/s?group=g"
  assert_failure 2
}

@test "redis-server restarted under a sink: it reconnects and every message is in the stream" {
  redis_start
  mkfifo in.fifo
  gsmq-send "$REDIS/rs?retry_for=20s" <in.fifo 2>send.err &
  send=$!
  track_pid "$send"
  exec 7>in.fifo
  echo '{"body":"before"}' >&7
  poll_until eval '[[ $(rcli XLEN rs) -ge 1 ]]'
  redis_stop
  redis_start
  echo '{"body":"after"}' >&7
  exec 7>&-
  assert_exit_status "$send" 0
  assert_equal "$(rcli XRANGE rs - + | grep -cx -e before -e after)" 2
  grep -q "reconnected" send.err || fail "$(cat send.err)"
}

@test "?pubsub: redis-cli PUBLISH -> gsmq-recv (channel and pattern), gsmq-send -> redis-cli SUBSCRIBE" {
  redis_start
  gsmq-recv --count 2 "$REDIS/alerts?pubsub" >out.jsonl &
  recv=$!
  track_pid "$recv"
  poll_until eval '[[ $(rcli PUBSUB NUMSUB alerts | sed -n 2p) -ge 1 ]]'
  rcli PUBLISH alerts 'fire in hall 2' >/dev/null
  rcli PUBLISH alerts '{"not":"an envelope"}' >/dev/null
  assert_exit_status "$recv" 0
  assert_equal "$(jq -r '"\(.channel)|\(.body)|\(.meta["redis.channel"])"' out.jsonl | paste -sd ,)" \
    'alerts|fire in hall 2|alerts,alerts|{"not":"an envelope"}|alerts'
  # a pattern subscription, with envelopes both ways
  gsmq-recv --count 1 "$REDIS/site.*?pubsub&envelope" >env.jsonl &
  recv=$!
  track_pid "$recv"
  poll_until eval '[[ $(rcli PUBSUB NUMPAT) -ge 1 ]]'
  printf '%s\n' '{"body":"b1","id":"e-1","meta":{"k":"v"}}' | gsmq-send "$REDIS/site.north?pubsub&envelope"
  assert_exit_status "$recv" 0
  assert_equal "$(jq -c '{channel, body, id, k: .meta.k}' env.jsonl)" '{"channel":"site.north","body":"b1","id":"e-1","k":"v"}'
  # and to redis-cli as a subscriber: the body as it is
  redis-cli -p "$REDIS_PORT" SUBSCRIBE news >sub.txt &  # stopped by teardown (its own PID)
  sub=$!
  track_pid "$sub"
  poll_until eval '[[ $(rcli PUBSUB NUMSUB news | sed -n 2p) -ge 1 ]]'
  gsmq-send -m 'hello subscribers' "$REDIS/news?pubsub"
  poll_until grep -qx 'hello subscribers' sub.txt
  # stream-only options are usage errors with ?pubsub
  run --separate-stderr gsmq-recv "$REDIS/x?pubsub&group=g"
  assert_failure 2
}
