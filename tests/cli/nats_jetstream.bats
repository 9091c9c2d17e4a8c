#!/usr/bin/env bats
# JetStream through nats:// ?stream=, against a real nats-server: the sink's messages are
# in the stream once each with their ids as Nats-Msg-Id (read back by an independent
# client, python/nats_peer.py); a retried id is stored once; the source reads through a
# durable consumer and acknowledges only what the sink confirmed; and in a three-node
# cluster, gsmqd -> gsmq-bridge -> an R3 stream loses and duplicates nothing while the
# stream's leader is killed with -9 and restarted, and JetStream -> gsmqd loses nothing
# across a bridge restart.

bats_require_minimum_version 1.5.0
load nats_helpers

teardown() {
  nats_teardown
}

# The stream's messages as the peer reads them (JSON lines).
stream_dump() {
  "$PY" "$NATS_PEER" stream "${NATS#nats://}" "$1"
}

@test "gsmq-send -> JetStream: PubAck-confirmed, ids as Nats-Msg-Id, a repeated id stored once" {
  nats_start
  run --separate-stderr gsmq-send --print "$NATS?stream=ORD&create&subjects=orders.>" <<'EOF'
{"channel":"orders.a","body":"one","id":"id-1","meta":{"k":"v"}}
{"channel":"orders.b","body":"two","id":"id-2","priority":7}
{"channel":"orders.a","body":"one again","id":"id-1"}
EOF
  assert_success
  # each confirmed with the stream's sequence; the repeat is the first one's
  assert_equal "$(jq -r '"\(.id) \(.seq)"' <<<"$output" | paste -sd ,)" "id-1 1,id-2 2,id-1 1"
  run stream_dump ORD
  assert_success
  assert_equal "$(jq -r '"\(.seq) \(.subject) \(.body) \(.headers["Nats-Msg-Id"][0])"' <<<"$output" | paste -sd ,)" \
    "1 orders.a one id-1,2 orders.b two id-2"
  assert_equal "$(jq -r 'select(.seq == 1) | .headers["Gsmq-Meta-k"][0]' <<<"$output")" v
  assert_equal "$(jq -r 'select(.seq == 2) | .headers["Gsmq-Priority"][0]' <<<"$output")" 7
}

@test "JetStream -> gsmq-recv: a durable consumer, acked after the output took it, envelope round trip" {
  nats_start
  "$PY" "$NATS_PEER" addstream "${NATS#nats://}" EV 'ev.>' >/dev/null
  "$PY" "$NATS_PEER" jspub "${NATS#nats://}" ev.x 'from python' py-1 >/dev/null
  printf '%s\n' '{"channel":"ev.y","body":"from gsmq","id":"g-1","ts":1764000000123456,"priority":4,"meta":{"content-type":"text/plain","nats.X-Trace":"t1"}}' |
    gsmq-send "$NATS?stream=EV"
  run --separate-stderr gsmq-recv --count 2 "$NATS/ev.>?stream=EV&durable=reader"
  assert_success
  assert_equal "$(jq -r '"\(.channel) \(.body) \(.id) \(.receive_count) \(.meta["nats.js.seq"])"' <<<"$output" | paste -sd ,)" \
    "ev.x from python py-1 1 1,ev.y from gsmq g-1 1 2"
  line2=$(sed -n 2p <<<"$output")
  assert_equal "$(jq -c '{ts, priority, meta}' <<<"$line2")" \
    '{"ts":1764000000123456,"priority":4,"meta":{"content-type":"text/plain","nats.X-Trace":"t1","nats.js.seq":"2","nats.js.stream":"EV"}}'
  # acknowledged: the same durable has nothing more
  run --separate-stderr gsmq-recv --count 1 --wait 1s "$NATS/ev.>?stream=EV&durable=reader"
  assert_failure 5
  assert_output ""
  # the stream still has both (limits retention), for another durable
  run --separate-stderr gsmq-recv --count 2 "$NATS/ev.>?stream=EV&durable=other"
  assert_success
  assert_equal "$(jq -r .body <<<"$output" | paste -sd ,)" "from python,from gsmq"
}

@test "a message whose output closed before it was taken is given back (NAK) and delivered again" {
  nats_start
  "$PY" "$NATS_PEER" addstream "${NATS#nats://}" RJ 'rj.>' >/dev/null
  "$PY" "$NATS_PEER" jspub "${NATS#nats://}" rj.a 'keep me' k-1 >/dev/null
  # the output closes before the message is taken: not acknowledged, so delivered again
  run --separate-stderr bash -c "gsmq-recv --count 1 '$NATS/rj.>?stream=RJ&durable=d' | head -c 0"
  run --separate-stderr gsmq-recv --count 1 --wait 10s "$NATS/rj.>?stream=RJ&durable=d"
  assert_success
  assert_equal "$(jq -r .body <<<"$output")" "keep me"
}

@test "bad JetStream parameters are usage errors (exit 2) before connecting" {
  run --separate-stderr gsmq-recv "nats://127.0.0.1:1/a?stream=S"
  assert_failure 2
  [[ "$stderr" == *"durable consumer: name it (?durable=NAME)"* ]] || fail "$stderr"
  run --separate-stderr gsmq-recv "nats://127.0.0.1:1/a?durable=d"
  assert_failure 2
  [[ "$stderr" == *"?durable is for JetStream: name the stream (?stream=NAME)"* ]] || fail "$stderr"
  run --separate-stderr gsmq-send -m x "nats://127.0.0.1:1/a?stream=S&replicas=9"
  assert_failure 2
  run --separate-stderr gsmq-send -m x "nats://127.0.0.1:1?stream=S&create"
  assert_failure 2
  [[ "$stderr" == *"?create needs the stream's subjects"* ]] || fail "$stderr"
  run --separate-stderr gsmq-send -m x "nats://127.0.0.1:1/a?stream=bad.name"
  assert_failure 2
}

@test "a stream that does not exist, without ?create, is exit 4 naming it" {
  nats_start
  run --separate-stderr gsmq-send -m x "$NATS/nowhere?stream=MISSING"
  assert_failure 4
  [[ "$stderr" == *"there is no stream MISSING (?create makes it)"* ]] || fail "$stderr"
}

# Distinct Nats-Msg-Id values in a stream dump, and the total count.
ids_in() { jq -r '.headers["Nats-Msg-Id"][0]' "$1" | sort; }

@test "3-node cluster: gsmqd -> gsmq-bridge -> R3 stream, stream leader killed -9 mid-stream: nothing lost or doubled" {
  nats_cluster_start
  gsmqd_start
  total=10000
  seq 1 "$total" | jq -c '{body: ("m" + tostring), channel: "jobs"}' | gsmq-send "$GSMQ/jobs"
  url="$NATS/load.jobs?servers=$NATS_SERVERS&stream=LOAD&create&subjects=load.>&replicas=3&max_inflight=50"
  gsmq-bridge --count "$total" --wait 90s "$GSMQ/jobs" "$url" 2>"$BATS_TEST_TMPDIR/bridge.err" &
  bridge=$!
  track_pid "$bridge"
  # mid-stream: some stored, not all
  _some_stored() {
    local n
    n=$(curl -s "http://127.0.0.1:${NATS_MONS[0]}/jsz?streams=true" | jq '[.account_details[]?.stream_detail[]? | select(.name == "LOAD") | .state.messages] | first // 0')
    ((n >= 300))
  }
  poll_until _some_stored
  leader=$(nats_stream_leader LOAD)
  stored_at_kill=$(curl -s "http://127.0.0.1:${NATS_MONS[0]}/jsz?streams=true" | jq '[.account_details[]?.stream_detail[]? | select(.name == "LOAD") | .state.messages] | first')
  [[ -n "$leader" ]] || fail "no leader for LOAD"
  nats_node_kill9 "$leader"
  # the new leader takes over (an election); then the old one comes back as a follower
  _new_leader() { local l; l=$(nats_stream_leader LOAD) && [[ "$l" != "$leader" ]]; }
  POLL_TRIES=600 poll_until _new_leader
  nats_node_restart "$leader"
  ((stored_at_kill < total)) || fail "the leader was killed after the stream had everything ($stored_at_kill)"
  POLL_TRIES=1200 wait_for_exit "$bridge"
  assert_equal "$status" 0
  grep -q "received $total, delivered $total, failed 0" "$BATS_TEST_TMPDIR/bridge.err" ||
    fail "$(cat "$BATS_TEST_TMPDIR/bridge.err")"
  # every message once, read from a node that is not the restarted one
  other=$(( (leader + 1) % 3 ))
  "$PY" "$NATS_PEER" stream "127.0.0.1:${NATS_PORTS[$other]}" LOAD >"$BATS_TEST_TMPDIR/stream.jsonl"
  assert_equal "$(count_lines "$BATS_TEST_TMPDIR/stream.jsonl")" "$total"
  assert_equal "$(jq -r .body "$BATS_TEST_TMPDIR/stream.jsonl" | sort -u | wc -l)" "$total"
  assert_equal "$(ids_in "$BATS_TEST_TMPDIR/stream.jsonl" | uniq | wc -l)" "$total"
  # and gsmqd's queue is empty: everything was acknowledged there only after the PubAck
  run --separate-stderr gsmq-recv --count 1 --wait 1s "$GSMQ/jobs"
  assert_failure 5
}

@test "3-node cluster: R3 stream -> gsmq-bridge -> gsmqd, the bridge killed -9 and restarted: nothing lost" {
  nats_cluster_start
  gsmqd_start
  total=1000
  seq 1 "$total" | jq -c '{body: ("r" + tostring)}' |
    gsmq-send "$NATS/back.jobs?servers=$NATS_SERVERS&stream=BACK&create&subjects=back.>&replicas=3"
  url="$NATS/back.>?servers=$NATS_SERVERS&stream=BACK&durable=tognd&max_inflight=20&ack_wait=3s"
  gsmq-bridge "$url" "$GSMQ/in" 2>"$BATS_TEST_TMPDIR/bridge.err" &
  bridge=$!
  track_pid "$bridge"
  _some_in() { gsmqd channels "$GSMQ" 2>/dev/null | jq -se '[.[] | select(.channel == "in") | .depth] | first // 0 | . >= 100' >/dev/null; }
  poll_until _some_in
  kill -9 "$bridge"
  wait "$bridge" 2>/dev/null || true
  gsmq-bridge "$url" "$GSMQ/in" 2>>"$BATS_TEST_TMPDIR/bridge.err" &
  bridge=$!
  track_pid "$bridge"
  # done once the durable consumer has nothing pending and nothing unacknowledged
  # asked of every node: a follower's view of a consumer can lag far behind the leader's, which
  # is the one furthest on (nats-server 2.9's leader_only filters streams, not consumers)
  _consumer_state() {
    local n
    for n in "${!NATS_MONS[@]}"; do
      curl -s "http://127.0.0.1:${NATS_MONS[$n]}/jsz?consumers=true" |
        jq -c '[.account_details[]?.stream_detail[]? | select(.name == "BACK") | .consumer_detail[]? | select(.name == "tognd")] | first // empty | {num_pending, num_ack_pending, delivered}'
    done
  }
  _drained() { _consumer_state | jq -se 'length > 0 and (max_by(.delivered.consumer_seq) | .num_pending == 0 and .num_ack_pending == 0)' >/dev/null; }
  POLL_TRIES=600 poll_until _drained || { _consumer_state; gsmqd channels "$GSMQ"; cat "$BATS_TEST_TMPDIR/bridge.err"; false; }
  kill -TERM "$bridge"
  assert_exit_status "$bridge" 0
  # what the first bridge had delivered but not acknowledged came again: at least once
  run --separate-stderr gsmq-recv --count "$((total * 2))" --wait 3s "$GSMQ/in"
  assert_equal "$(jq -r .body <<<"$output" | sort -u | wc -l)" "$total"
}
