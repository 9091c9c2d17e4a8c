#!/usr/bin/env bats
# amqp:// against a real RabbitMQ (one node for the file, started in setup_file), with
# Debian's pika on the other side: gsmq-send -> RabbitMQ -> pika and pika -> RabbitMQ ->
# gsmq-recv with bodies byte-exact (binary too), ids, priorities, TTLs, properties and
# headers; exchanges and bindings; a returned (unroutable) publish; a refused message
# going back to the queue, or dead-lettered by gsmq-recv --exec; quorum and stream queues; a host list failing over; and the
# unhappy paths: bad parameters (2), a missing exchange or queue and no broker (4), a
# refused login (6), a body over the broker's limit (1, and the sink goes on).

bats_require_minimum_version 1.5.0
load rabbitmq_helpers

AMQP_PEER="$_rabbitmq_helpers_dir/python/amqp_peer.py"

setup_file() {
  # a small maximum message size, for the oversized-body test
  RMQ_PLUGINS="rabbitmq_stomp" RMQ_EXTRA_CONF="max_message_size = 65536" rabbitmq_start
}
teardown_file() { rabbitmq_teardown; }
teardown() { daemon_teardown; }

peer() { "$PY" "$AMQP_PEER" "$RMQ_AMQP_PORT" "$@"; }

# The stderr of the last `run --separate-stderr` contains $1.
stderr_has() {
  [[ "$stderr" == *"$1"* ]] || fail "stderr does not say \"$1\": $stderr"
}

@test "gsmq-send -> amqp:// -> pika: bodies byte-exact, id, priority, TTL, properties and headers" {
  cat >in.jsonl <<'JSON'
{"channel":"ignored","body":"hello","id":"m-1","priority":5,"ttl_ms":600000,"meta":{"site":"lab","amqp.content_type":"text/plain","amqp.correlation_id":"c-1"}}
{"body_b64":"AP8BAgM=","id":"m-2"}
JSON
  run --separate-stderr gsmq-send "$AMQP/in1?declare=1" <in.jsonl
  assert_success
  run --separate-stderr peer get in1 2
  assert_success
  first=$(sed -n 1p <<<"$output") second=$(sed -n 2p <<<"$output")
  assert_equal "$(jq -r .body_b64 <<<"$first" | base64 -d)" hello
  assert_equal "$(jq -r .message_id <<<"$first")" m-1
  assert_equal "$(jq -r .priority <<<"$first")" 5
  assert_equal "$(jq -r .expiration <<<"$first")" 600000
  assert_equal "$(jq -r .content_type <<<"$first")" text/plain
  assert_equal "$(jq -r .headers.site <<<"$first")" lab
  assert_equal "$(jq -r .delivery_mode <<<"$first")" 2
  assert_equal "$(jq -r .routing_key <<<"$first")" in1
  assert_equal "$(jq -r .body_b64 <<<"$second")" AP8BAgM=
  assert_equal "$(jq -r .message_id <<<"$second")" m-2
}

@test "pika -> amqp:// -> gsmq-recv: message_id, priority, properties as amqp.*, headers as meta" {
  cat >pub.jsonl <<'JSON'
{"body_b64":"AP8BAgM=","message_id":"p-1","priority":4,"content_type":"application/octet-stream","headers":{"site":"lab","n":3},"timestamp":1764000000}
{"body_b64":"dGV4dA==","expiration":"60000"}
JSON
  peer publish out1 <pub.jsonl
  run --separate-stderr gsmq-recv --count 2 --wait 10s "$AMQP/out1"
  assert_success
  first=$(sed -n 1p <<<"$output") second=$(sed -n 2p <<<"$output")
  assert_equal "$(jq -r .body_b64 <<<"$first")" AP8BAgM=
  assert_equal "$(jq -r .id <<<"$first")" p-1
  assert_equal "$(jq -r .priority <<<"$first")" 4
  assert_equal "$(jq -r .channel <<<"$first")" out1
  assert_equal "$(jq -r .ts <<<"$first")" 1764000000000000
  assert_equal "$(jq -r '.meta["amqp.content_type"]' <<<"$first")" application/octet-stream
  assert_equal "$(jq -r '.meta["amqp.delivery_mode"]' <<<"$first")" 2
  assert_equal "$(jq -r '.meta.site' <<<"$first")" lab
  assert_equal "$(jq -r '.meta.n' <<<"$first")" 3
  assert_equal "$(jq -r .body <<<"$second")" text
  assert_equal "$(jq -r .ttl_ms <<<"$second")" 60000
  [[ -n "$(jq -r .id <<<"$second")" ]]
  # acknowledged: the queue is empty
  assert_equal "$(peer count out1)" 0
}

@test "gsmq -> amqp -> gsmq: the envelope round trip (id, ts, priority, meta) is exact" {
  printf '%s\n' '{"channel":"rt","body":"x","id":"r-1","ts":1764000000123456,"priority":2,"meta":{"k":"v"}}' >in.jsonl
  gsmq-send "$AMQP/rt?declare=1" <in.jsonl
  run --separate-stderr gsmq-recv --count 1 --wait 10s "$AMQP/rt"
  assert_success
  assert_equal "$(jq -cS 'del(.meta["amqp.delivery_mode"], .meta["amqp.timestamp"])' <<<"$output")" \
    "$(jq -cS . in.jsonl)"
}

@test "exchanges: a sink's channel is the routing key, a source's own queue is bound, unroutable fails" {
  gsmq-recv --count 2 --wait 60s "$AMQP/?exchange=amq.topic&routing_key=sensors.%23" >out.jsonl 2>recv.err &
  recv=$!
  track_pid "$recv"
  _bound() { rmqctl list_bindings source_name routing_key | grep -q 'sensors\.#'; }
  poll_until _bound
  printf '%s\n' '{"channel":"sensors.door","body":"open"}' '{"channel":"sensors.temp","body":"21"}' >in.jsonl
  run --separate-stderr gsmq-send "$AMQP/?exchange=amq.topic" <in.jsonl
  assert_success
  assert_exit_status "$recv" 0
  assert_equal "$(jq -r .channel out.jsonl | paste -sd ' ')" "sensors.door sensors.temp"
  assert_equal "$(jq -r '.meta["amqp.exchange"]' out.jsonl | sort -u)" amq.topic
  # nobody is bound now: the broker returns the mandatory publish, and it fails (exit 1)
  run --separate-stderr gsmq-send -m lost "$AMQP/sensors.door?exchange=amq.topic"
  assert_failure 1
  stderr_has "NO_ROUTE"
  # without mandatory the broker drops it silently: confirmed
  run --separate-stderr gsmq-send -m dropped "$AMQP/sensors.door?exchange=amq.topic&mandatory=0"
  assert_success
}

@test "a message the sink refuses goes back to the queue (nack with requeue): nothing is lost" {
  gsmq-send -m a -m b "$AMQP/ref1?declare=1"
  # the sink fails every message (no queue is bound for its routing key)
  run --separate-stderr gsmq-bridge --count 2 --wait 10s "$AMQP/ref1" "$AMQP/nowhere?exchange=amq.direct"
  assert_failure 1
  stderr_has "NO_ROUTE"
  assert_equal "$(peer count ref1)" 2
  run --separate-stderr gsmq-recv --count 2 --wait 10s "$AMQP/ref1"
  assert_success
  assert_equal "$(jq -r .body <<<"$output" | sort | paste -sd ' ')" "a b"
  assert_equal "$(jq -r '.meta["amqp.redelivered"]' <<<"$output" | sort -u)" 1
}

@test "gsmq-recv --exec refusing rejects to the queue's dead-letter exchange; x-death is JSON meta" {
  "$PY" -c "
import pika
c = pika.BlockingConnection(pika.ConnectionParameters('127.0.0.1', $RMQ_AMQP_PORT)); ch = c.channel()
ch.queue_declare('dlq', durable=True)
ch.queue_declare('dlsrc', durable=True, arguments={'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'dlq'})
c.close()"
  gsmq-send -m poison "$AMQP/dlsrc"
  run --separate-stderr gsmq-recv --count 1 --wait 10s --exec false "$AMQP/dlsrc"
  assert_failure 1
  run --separate-stderr gsmq-recv --count 1 --wait 10s "$AMQP/dlq"
  assert_success
  assert_equal "$(jq -r .body <<<"$output")" poison
  assert_equal "$(jq -r '.meta["x-death"] | fromjson | .[0].reason' <<<"$output")" rejected
  assert_equal "$(jq -r '.meta["x-first-death-queue"]' <<<"$output")" dlsrc
  assert_equal "$(peer count dlsrc)" 0
}

@test "quorum and stream queues: declared with queue_type; a stream read from an offset" {
  gsmq-send -m q1 -m q2 "$AMQP/quo?declare=1&queue_type=quorum"
  rmqctl list_queues name type | grep -qE '^quo\s+quorum'
  run --separate-stderr gsmq-recv --count 2 --wait 10s "$AMQP/quo"
  assert_success
  assert_equal "$(jq -r .body <<<"$output" | paste -sd ' ')" "q1 q2"

  gsmq-send -m s0 -m s1 -m s2 "$AMQP/st?declare=1&queue_type=stream"
  run --separate-stderr gsmq-recv --count 3 --wait 10s "$AMQP/st?offset=first"
  assert_success
  assert_equal "$(jq -r .body <<<"$output" | paste -sd ' ')" "s0 s1 s2"
  run --separate-stderr gsmq-recv --count 1 --wait 10s "$AMQP/st?offset=2"
  assert_success
  assert_equal "$(jq -r .body <<<"$output")" s2
}

@test "a host list fails over: the first broker is down, the second takes the messages" {
  dead=$(_rmq_free_port)
  run --separate-stderr gsmq-send -m via-second "amqp://127.0.0.1:$dead,127.0.0.1:$RMQ_AMQP_PORT/fo?declare=1"
  assert_success
  run --separate-stderr gsmq-recv --count 1 --wait 10s "amqp://127.0.0.1:$dead,127.0.0.1:$RMQ_AMQP_PORT/fo"
  assert_success
  assert_equal "$(jq -r .body <<<"$output")" via-second
}

@test "bad parameters are usage errors (exit 2), before connecting" {
  run --separate-stderr gsmq-send -m x "$AMQP/q?qos=1"
  assert_failure 2
  stderr_has "qos"
  run --separate-stderr gsmq-recv "$AMQP/q?offset=soon"
  assert_failure 2
  stderr_has "offset"
  run --separate-stderr gsmq-recv "amqp://127.0.0.1:$RMQ_AMQP_PORT/"
  assert_failure 2
  stderr_has "no queue"
  run --separate-stderr gsmq-send -m x "amqp:///q"
  assert_failure 2
}

@test "a missing exchange or queue, and no broker, are exit 4 naming the cause; a refused login is exit 6" {
  run --separate-stderr gsmq-send -m x "$AMQP/k?exchange=no.such.exchange"
  assert_failure 4
  stderr_has "the exchange \"no.such.exchange\""
  stderr_has "NOT_FOUND"
  run --separate-stderr gsmq-recv --count 1 "$AMQP/no.such.queue"
  assert_failure 4
  stderr_has "the queue \"no.such.queue\""
  run --separate-stderr gsmq-send -m x "amqp://127.0.0.1:$(_rmq_free_port)/q"
  assert_failure 4
  run --separate-stderr gsmq-send -m x "amqp://guest:wrong@127.0.0.1:$RMQ_AMQP_PORT/q"
  assert_failure 6
  stderr_has "ACCESS_REFUSED"
  run --separate-stderr gsmq-recv "amqp://127.0.0.1:$RMQ_AMQP_PORT/q?vhost=nosuchvhost"
  assert_failure 6
}

@test "a body over the broker's maximum fails (exit 1) with its reason, and the sink goes on" {
  gsmq-send -m warmup "$AMQP/big?declare=1"
  head -c 70000 /dev/zero | tr '\0' x >big.txt
  jq -Rc '{body: .}' big.txt >in.jsonl
  echo '{"body":"small"}' >>in.jsonl
  run --separate-stderr gsmq-send --max-in-flight 1 "$AMQP/big" <in.jsonl
  assert_failure 1
  grep -qE "PRECONDITION_FAILED|larger than" <<<"$stderr" || fail "stderr: $stderr"
  run --separate-stderr gsmq-recv --count 2 --wait 10s "$AMQP/big"
  assert_success
  assert_equal "$(jq -r .body <<<"$output" | paste -sd ' ')" "warmup small"
}
