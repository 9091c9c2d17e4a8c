#!/usr/bin/env bats
# A client in another language against the .proto: Python stubs generated here with
# grpc_tools.protoc (python3-grpc-tools), run with Debian's python3-grpcio against a real
# gsmqd; and messages crossing between the Python client and gsmq-send / gsmq-recv.

bats_require_minimum_version 1.5.0
load daemon_helpers

CLIENT="$GSMQ_SOURCE_DIR/tests/cli/python/client.py"

setup_file() {
  export STUBS="$BATS_FILE_TMPDIR/stubs"
  /usr/bin/python3 "$CLIENT" --stubs "$STUBS" gen "$GSMQ_SOURCE_DIR/proto"
}

setup() {
  gsmqd_start
}

teardown() {
  daemon_teardown
}

py() {
  /usr/bin/python3 "$CLIENT" --stubs "$STUBS" --target "127.0.0.1:$GSMQD_PORT" "$@"
}

@test "protoc generated the Python stubs from proto/gsmq/v1" {
  [[ -f "$STUBS/gsmq/v1/broker_pb2.py" ]]
  [[ -f "$STUBS/gsmq/v1/broker_pb2_grpc.py" ]]
  [[ -f "$STUBS/gsmq/v1/message_pb2.py" ]]
}

@test "Python: Ping answers with gsmqd's version and data directory" {
  run --separate-stderr py ping
  assert_success
  [[ "gsmqd $(echo "$output" | jq -r .version)" == "$(gsmqd --version)" ]]
  [[ "$(echo "$output" | jq -r .data_dir)" == "$GSMQD_DATA" ]]
}

@test "Python: Send, Receive, Settle(ack); nothing is left" {
  run --separate-stderr py send jobs one two three
  assert_success
  [[ "$(echo "$output" | jq -r .seq | paste -sd ' ')" == "1 2 3" ]]
  [[ "$(echo "$output" | jq -r .error | sort -u)" == "" ]]
  sent_ids="$(echo "$output" | jq -r .id)"

  run --separate-stderr py receive jobs --max 10 --wait-ms 2000 --ack
  assert_success
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "one two three" ]]
  [[ "$(echo "$output" | jq -r .id)" == "$sent_ids" ]]
  [[ "$(echo "$output" | jq -r .receive_count | sort -u)" == 1 ]]

  run --separate-stderr py receive jobs
  assert_success
  assert_output ""
}

@test "Python receives what gsmq-send sent; gsmq-recv then finds the queue empty" {
  printf '%s\n' '{"body":"from-cli","meta":{"origin":"bats"},"priority":3}' '{"body":"second"}' |
    gsmq-send --print "$GSMQ/mixed" >"$BATS_TEST_TMPDIR/acks"
  run --separate-stderr py receive mixed --max 10 --wait-ms 2000 --ack
  assert_success
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "from-cli second" ]]
  [[ "$(echo "$output" | jq -r .id)" == "$(jq -r .id "$BATS_TEST_TMPDIR/acks")" ]]
  [[ "$(echo "$output" | head -1 | jq -r .meta.origin)" == bats ]]
  [[ "$(echo "$output" | head -1 | jq -r .priority)" == 3 ]]
  run --separate-stderr gsmq-recv "$GSMQ/mixed"
  assert_output ""
}

@test "gsmq-recv receives what Python sent, with its meta and priority" {
  py send frompy low --meta origin=python >/dev/null
  py send frompy high --priority 8 >/dev/null
  run --separate-stderr gsmq-recv --count 2 --wait 5s "$GSMQ/frompy"
  assert_success
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "high low" ]]
  [[ "$(echo "$output" | sed -n 2p | jq -r .meta.origin)" == python ]]
  [[ "$(echo "$output" | head -1 | jq -r .priority)" == 8 ]]
  run --separate-stderr py receive frompy
  assert_output ""
}

@test "Python: ListChannels shows depth, in-flight and expired messages" {
  py send admin a b c >/dev/null
  py receive admin --max 1 --visibility-ms 60000 >/dev/null  # in flight, not settled
  run --separate-stderr py channels
  assert_success
  info="$(echo "$output" | jq -c 'select(.name == "admin")')"
  [[ "$(jq -r .kind <<<"$info")" == queue ]]
  [[ "$(jq -r .depth <<<"$info")" == 2 ]]
  [[ "$(jq -r .in_flight <<<"$info")" == 1 ]]
  [[ "$(jq -r .last_seq <<<"$info")" == 3 ]]

  py send brief gone --ttl-ms 100 >/dev/null
  expired_one() { [[ "$(py channels | jq -r 'select(.name == "brief") | .expired')" == 1 ]]; }
  poll_until expired_one
  run --separate-stderr py channels
  [[ "$(echo "$output" | jq -r 'select(.name == "brief") | .depth')" == 0 ]]
}

@test "Python: Settle requeue to another channel, reject to the dead-letter channel, Purge" {
  py send inbox moveme >/dev/null
  run --separate-stderr py receive inbox --settle requeue --requeue-channel elsewhere
  assert_success
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$GSMQ/elsewhere"
  assert_success
  [[ "$(echo "$output" | jq -r .body)" == moveme ]]
  [[ "$(echo "$output" | jq -r '.meta["gsmq.requeued_from"]')" == inbox ]]

  gsmq-send --dead-letter inbox-dlq -m refuse "$GSMQ/inbox"
  run --separate-stderr py receive inbox --settle reject
  assert_success
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$GSMQ/inbox-dlq"
  [[ "$(echo "$output" | jq -r .body)" == refuse ]]
  [[ "$(echo "$output" | jq -r '.meta["gsmq.dead_letter.reason"]')" == rejected ]]

  py send inbox x y z >/dev/null
  run --separate-stderr py purge inbox
  assert_success
  assert_output 3
  run --separate-stderr gsmq-recv "$GSMQ/inbox"
  assert_output ""
}

@test "Python: a settle after the receipt is no longer valid is refused with a reason" {
  py send leases only >/dev/null
  run --separate-stderr py receive leases --ack
  assert_success
  # a second ack of the same receipt: build one by hand from the first one's seq
  run --separate-stderr /usr/bin/python3 - "$STUBS" "127.0.0.1:$GSMQD_PORT" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import grpc
from gsmq.v1 import broker_pb2, broker_pb2_grpc
stub = broker_pb2_grpc.BrokerStub(grpc.insecure_channel(sys.argv[2]))
r = stub.Settle(broker_pb2.SettleRequest(settlements=[
    broker_pb2.Settlement(receipt="1:1@leases"), broker_pb2.Settlement(receipt="garbage")]), timeout=10)
print("\n".join(r.errors))
EOF
  assert_success
  [[ "${lines[0]}" == *"not in flight"* ]]
  [[ "${lines[1]}" == *"malformed receipt"* ]]
}

@test "Python: Send to a full queue fails with RESOURCE_EXHAUSTED and says why" {
  gsmqd_stop
  gsmqd_start --max-depth 2
  run --separate-stderr py send capped a b
  assert_success
  run --separate-stderr py send capped c
  assert_failure 1
  [[ "$stderr" == *"RESOURCE_EXHAUSTED: channel capped is full (2 messages)"* ]]
  run --separate-stderr py receive capped --ack
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "a b" ]]
}

@test "Python: what the envelope forbids is refused at the gRPC boundary, naming the field" {
  run --separate-stderr py send jobs hello --priority 42
  assert_failure 1
  assert_equal "$stderr" 'INVALID_ARGUMENT: message 1: field "priority": 42 is out of range 0-9'
  # extra fields cannot rewrite known ones in what gsmq-recv prints
  run --separate-stderr py send jobs hello --extra-json '{"channel":"elsewhere","body":"forged"}'
  assert_failure 1
  [[ "$stderr" == 'INVALID_ARGUMENT: message 1: field "extra_json": names the envelope field "'*'", which has its own' ]]
  run --separate-stderr py send jobs hello --extra-json "$(printf '{"x":%.0s' $(seq 200))1$(printf '}%.0s' $(seq 200))"
  assert_failure 1
  [[ "$stderr" == *'field "extra_json": not JSON, or nested deeper than 128 levels' ]]
  # nothing of it was stored; an unknown field that is allowed round-trips
  run --separate-stderr py send jobs hello --extra-json '{"site":"lab"}'
  assert_success
  run --separate-stderr gsmq-recv "$GSMQ/jobs"
  assert_success
  assert_equal "$(jq -c '[.body, .site]' <<<"$output")" '["hello","lab"]'
}
