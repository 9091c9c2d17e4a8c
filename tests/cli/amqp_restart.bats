#!/usr/bin/env bats
# At least once across a RabbitMQ restart, both ways: gsmq-bridge gsmq:// -> amqp://
# with the broker killed (-9) and started again mid-stream, and gsmq-bridge amqp:// ->
# gsmq:// with the broker stopped and started mid-stream. Every message arrives (the
# distinct bodies are all there; duplicates are allowed), and the source queue is empty:
# nothing was acknowledged that the other side had not confirmed.

bats_require_minimum_version 1.5.0
load rabbitmq_helpers

setup_file() { RMQ_PLUGINS="rabbitmq_stomp" rabbitmq_start; }
teardown_file() { rabbitmq_teardown; }
teardown() { daemon_teardown; }

# The distinct bodies of JSON lines in $1.
distinct_bodies() { jq -r .body "$1" | sort -u | wc -l; }

queue_at_least() { [[ "$(rmq_queue_messages "$1")" -ge "$2" ]]; }
queue_at_most() {
  local n
  n=$(rmq_queue_messages "$1")
  [[ -n "$n" && "$n" -le "$2" ]]
}

@test "gsmq -> gsmq-bridge -> amqp://: RabbitMQ killed and started mid-stream, every message arrives" {
  gsmqd_start
  n=3000
  seq 1 "$n" | jq -c '{body: "m\(.)"}' | gsmq-send "$GSMQ/src"
  # one publish awaiting its confirm at a time, so that the kill falls in the middle
  gsmq-bridge "$GSMQ/src" "$AMQP/dst?declare=1&retry&max_inflight=1" 2>bridge.err &
  bridge=$!
  track_pid "$bridge"
  POLL_TRIES=400 poll_until queue_at_least dst 500
  is_running "$bridge" || fail "the stream ended before the restart: $(cat bridge.err)"
  rabbitmq_kill9
  rabbitmq_start
  # the bridge ends once the gsmqd queue is empty (no --follow), all confirmed
  POLL_TRIES=2400 wait_for_exit "$bridge"
  assert_equal "$status" 0
  grep -q "reconnected" bridge.err || fail "$(cat bridge.err)"
  run --separate-stderr gsmq-recv --wait 2s "$GSMQ/src"
  assert_output ""
  gsmq-recv --count "$(rmq_queue_messages dst)" --wait 30s "$AMQP/dst?max_inflight=1000" >out.jsonl
  assert_equal "$(distinct_bodies out.jsonl)" "$n"
}

@test "amqp:// -> gsmq-bridge -> gsmq: RabbitMQ stopped and started mid-stream, every message arrives" {
  gsmqd_start
  n=5000
  seq 1 "$n" | jq -c '{body: "m\(.)"}' | gsmq-send "$AMQP/src2?declare=1"
  # one delivery at a time, so that the restart falls in the middle of the stream
  gsmq-bridge "$AMQP/src2?retry&max_inflight=1" "$GSMQ/dst2" 2>bridge.err &
  bridge=$!
  track_pid "$bridge"
  POLL_TRIES=400 poll_until queue_at_most src2 $((n - 300))
  left=$(rmq_queue_messages src2)
  ((left > 0)) || fail "the stream ended before the restart"
  rabbitmq_stop
  rabbitmq_start
  _reconnected() { grep -q "reconnected" bridge.err; }
  POLL_TRIES=600 poll_until _reconnected || fail "$(cat bridge.err)"
  POLL_TRIES=2400 poll_until queue_at_most src2 0
  kill -TERM "$bridge"
  assert_exit_status "$bridge" 0
  gsmq-recv --wait 5s "$GSMQ/dst2" >out.jsonl || true
  assert_equal "$(distinct_bodies out.jsonl)" "$n"
}
