#!/usr/bin/env bats
# GS-Broker's eight protocols in one file (README "Protocols and the peers they are proven
# against"): for each of AMQP, HTTP/REST, CoAP, gRPC, MQTT, STOMP, STOMP over WebSocket and
# MQTT over WebSocket, a client this project did not write sends a binary message that
# gsmq carries into gsmqd, and gsmq carries a binary message out of gsmqd to such a
# client; bodies byte-exact, ids and meta where the protocol carries them. One RabbitMQ
# (AMQP, MQTT, Web-MQTT, STOMP, Web-STOMP) serves the whole file; the other peers are
# curl and a Python HTTP server, libcoap's coap-client and coap-server, and Python's grpcio.

bats_require_minimum_version 1.5.0
load rabbitmq_helpers
load http_helpers   # free_port
load coap_helpers   # free_udp_port, coap_answers, coap_post, coap_server_start

PEERS="$_rabbitmq_helpers_dir/python"

setup_file() {
  # binary WebSocket frames from Web-STOMP: its default text frames cannot carry a body
  # that is not UTF-8 (docs/endpoints/stomp.md)
  RMQ_PLUGINS="rabbitmq_mqtt,rabbitmq_web_mqtt,rabbitmq_stomp,rabbitmq_web_stomp" \
    RMQ_EXTRA_CONF="web_stomp.ws_frame = binary" rabbitmq_start
  export STUBS="$BATS_FILE_TMPDIR/stubs"
  "$PY" "$PEERS/client.py" --stubs "$STUBS" gen "$GSMQ_SOURCE_DIR/proto"
}
teardown_file() { rabbitmq_teardown; }

setup() {
  gsmq_setup
  gsmqd_start
  # 9 bytes that are not UTF-8, NUL and 0xff among them
  BIN=$(printf '\x00\xff\x01gsmq\xfe\x80' | base64)
}
teardown() { daemon_teardown; }

# The one message now on gsmqd's channel $1 (taken), as its JSON line.
take_from_gsmqd() {
  run --separate-stderr gsmq-recv --count 1 --wait 20s "$GSMQ/$1"
  assert_success
  echo "$output"
}

# Puts a binary message with id $2 and meta site=lab on gsmqd's channel $1.
put_into_gsmqd() {
  echo "{\"body_b64\":\"$BIN\",\"id\":\"$2\",\"meta\":{\"site\":\"lab\"}}" | gsmq-send "$GSMQ/$1"
}

# gsmq-bridge --count 1 in the background (the way out of gsmqd, or into it from a
# listener): BRIDGE_PID, its stderr in bridge.err.
bridge_one() {
  gsmq-bridge --count 1 --wait 30s "$@" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/bridge.err" 3>&- &
  BRIDGE_PID=$!
  track_pid "$BRIDGE_PID"
}

@test "AMQP 0.9.1: pika -> RabbitMQ -> gsmq -> gsmqd, and gsmqd -> gsmq -> RabbitMQ -> pika" {
  echo "{\"body_b64\":\"$BIN\",\"message_id\":\"amqp-in\",\"headers\":{\"site\":\"lab\"}}" |
    "$PY" "$PEERS/amqp_peer.py" "$RMQ_AMQP_PORT" publish m.in
  run --separate-stderr gsmq-bridge --count 1 --wait 20s "$AMQP/m.in" "$GSMQ/matrix/amqp"
  assert_success
  got=$(take_from_gsmqd matrix/amqp)
  assert_equal "$(jq -r .body_b64 <<<"$got")" "$BIN"
  assert_equal "$(jq -r '[.id, .meta.site] | join(" ")' <<<"$got")" "amqp-in lab"

  put_into_gsmqd matrix/amqp-out amqp-out
  run --separate-stderr gsmq-bridge --count 1 --wait 20s "$GSMQ/matrix/amqp-out" "$AMQP/m.out?declare=1"
  assert_success
  run --separate-stderr "$PY" "$PEERS/amqp_peer.py" "$RMQ_AMQP_PORT" get m.out 1
  assert_success
  assert_equal "$(jq -r .body_b64 <<<"$output")" "$BIN"
  assert_equal "$(jq -r '[.message_id, .headers.site] | join(" ")' <<<"$output")" "amqp-out lab"
}

@test "HTTP/REST: curl -> gsmq's ingest -> gsmqd, and gsmqd -> gsmq -> a Python HTTP server" {
  port=$(free_port)
  bridge_one "http://127.0.0.1:$port/in?listen" "$GSMQ/matrix/http"
  ready() { [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/in")" == 200 ]]; }
  poll_until ready
  printf '\x00\xff\x01gsmq\xfe\x80' >body.bin
  run curl -sS --fail -H 'X-Gsmq-Id: http-in' -H 'X-Gsmq-Meta-site: lab' -H 'Content-Type: application/octet-stream' \
    --data-binary @body.bin "http://127.0.0.1:$port/in"
  assert_success
  assert_exit_status "$BRIDGE_PID" 0 "$BATS_TEST_TMPDIR/bridge.err"
  got=$(take_from_gsmqd matrix/http)
  assert_equal "$(jq -r .body_b64 <<<"$got")" "$BIN"
  assert_equal "$(jq -r '[.id, .meta.site] | join(" ")' <<<"$got")" "http-in lab"

  "$PY" "$PEERS/http_recorder.py" --port-file recorder.port --record requests.jsonl 3>&- &
  track_pid $!
  poll_until test -s recorder.port
  recorder=$(cat recorder.port)
  put_into_gsmqd matrix/http-out http-out
  run --separate-stderr gsmq-bridge --count 1 --wait 20s "$GSMQ/matrix/http-out" "http://127.0.0.1:$recorder/hook"
  assert_success
  assert_equal "$(jq -r .body_b64 requests.jsonl)" "$BIN"
  assert_equal "$(jq -r '[.path, .headers["x-gsmq-id"], .headers["x-gsmq-meta-site"]] | join(" ")' requests.jsonl)" \
    "/hook http-out lab"
}

@test "CoAP: coap-client -> gsmq's ingest -> gsmqd, and gsmqd -> gsmq -> coap-server" {
  port=$(free_udp_port)
  bridge_one "coap://127.0.0.1:$port/in?listen" "$GSMQ/matrix/coap"
  poll_until coap_answers "$port"
  printf '\x00\xff\x01gsmq\xfe\x80' >body.bin
  run coap_post -m post -t 42 -f body.bin "coap://127.0.0.1:$port/in"
  assert_success
  assert_exit_status "$BRIDGE_PID" 0 "$BATS_TEST_TMPDIR/bridge.err"
  got=$(take_from_gsmqd matrix/coap)
  assert_equal "$(jq -r .body_b64 <<<"$got")" "$BIN"
  assert_equal "$(jq -r '.meta["coap.content-format"]' <<<"$got")" 42

  coap_server_start
  server=$COAP_SERVER_PORT
  put_into_gsmqd matrix/coap-out coap-out
  run --separate-stderr gsmq-bridge --count 1 --wait 20s "$GSMQ/matrix/coap-out" \
    "coap://127.0.0.1:$server/example_data?method=PUT"
  assert_success
  coap_post -m get -o got.bin "coap://127.0.0.1:$server/example_data"
  assert_equal "$(base64 <got.bin)" "$BIN"
}

@test "gRPC: Python grpcio sends into gsmqd and receives from it" {
  client() { "$PY" "$PEERS/client.py" --stubs "$STUBS" --target "127.0.0.1:$GSMQD_PORT" "$@"; }
  run --separate-stderr client send matrix/grpc "$BIN" --b64 --id grpc-in --meta site=lab
  assert_success
  got=$(take_from_gsmqd matrix/grpc)
  assert_equal "$(jq -r .body_b64 <<<"$got")" "$BIN"
  assert_equal "$(jq -r '[.id, .meta.site] | join(" ")' <<<"$got")" "grpc-in lab"

  put_into_gsmqd matrix/grpc-out grpc-out
  run --separate-stderr client receive matrix/grpc-out --max 1 --wait-ms 10000 --ack
  assert_success
  assert_equal "$(jq -r .body_hex <<<"$output")" "$(base64 -d <<<"$BIN" | od -An -tx1 | tr -d ' \n')"
  assert_equal "$(jq -r '[.id, .meta.site] | join(" ")' <<<"$output")" "grpc-out lab"
}

# MQTT and MQTT over WebSocket: paho publishes and subscribes on RabbitMQ's MQTT
# (TCP) or Web-MQTT (WebSocket, path /ws) port; gsmq's side speaks the same transport.
# MQTT 3.1.1 carries no id or meta: the topic and the body go through.
mqtt_both_ways() {  # port, gsmq base URL (with the WebSocket path), client id, paho flag ("" or --ws)
  local port=$1 base=$2 id=$3 flag=${4:-}
  bridge_one "$base?topic=dev/%2B/up&client_id=$id&qos=1" "$GSMQ/matrix/$id"
  POLL_TRIES=100 poll_until rmqctl_has_queue "mqtt-subscription-$id"
  # shellcheck disable=SC2086
  "$PY" "$PEERS/mqtt_pub.py" "$port" dev/7/up --qos 1 --b64 $flag "$BIN"
  assert_exit_status "$BRIDGE_PID" 0 "$BATS_TEST_TMPDIR/bridge.err"
  got=$(take_from_gsmqd "matrix/$id")
  assert_equal "$(jq -r .body_b64 <<<"$got")" "$BIN"
  assert_equal "$(jq -r '.meta["mqtt.qos"]' <<<"$got")" 1

  # shellcheck disable=SC2086
  "$PY" "$PEERS/mqtt_sub.py" "$port" dev/7/down sub.jsonl --count 1 $flag 3>&- &
  local sub=$!
  track_pid "$sub"
  poll_until test -e sub.jsonl.ready
  put_into_gsmqd matrix/mqtt-out mqtt-out
  run --separate-stderr gsmq-bridge --count 1 --wait 20s "$GSMQ/matrix/mqtt-out" "$base?topic=dev/7/down&qos=1"
  assert_success
  assert_exit_status "$sub" 0
  assert_equal "$(jq -r .body_b64 sub.jsonl)" "$BIN"
  assert_equal "$(jq -r .topic sub.jsonl)" dev/7/down
}

rmqctl_has_queue() { rmqctl list_queues name | grep -q "$1"; }

@test "MQTT: paho -> RabbitMQ -> gsmq -> gsmqd, and gsmqd -> gsmq -> RabbitMQ -> paho" {
  mqtt_both_ways "$RMQ_MQTT_PORT" "mqtt://127.0.0.1:$RMQ_MQTT_PORT" mtcp
}

@test "MQTT over WebSocket: paho (websockets) -> RabbitMQ Web-MQTT -> gsmq ws:// -> gsmqd, and back" {
  mqtt_both_ways "$RMQ_WEB_MQTT_PORT" "ws://127.0.0.1:$RMQ_WEB_MQTT_PORT/ws" mws --ws
}

# STOMP and STOMP over WebSocket: stomp.py on RabbitMQ's STOMP port; gsmq on the STOMP
# port (stomp://) or on Web-STOMP (stomp+ws://); headers carry id and meta.
stomp_both_ways() {  # gsmq base URL, queue name stem
  local base=$1 q=$2
  echo "{\"body_b64\":\"$BIN\",\"headers\":{\"site\":\"lab\",\"gsmq-id\":\"$q-in\"}}" |
    "$PY" "$PEERS/stomp_peer.py" "$RMQ_STOMP_PORT" send "/queue/$q.in"
  run --separate-stderr gsmq-bridge --count 1 --wait 20s "$base/queue/$q.in" "$GSMQ/matrix/$q"
  assert_success
  got=$(take_from_gsmqd "matrix/$q")
  assert_equal "$(jq -r .body_b64 <<<"$got")" "$BIN"
  assert_equal "$(jq -r '[.id, .meta.site] | join(" ")' <<<"$got")" "$q-in lab"

  put_into_gsmqd "matrix/$q-out" "$q-out"
  run --separate-stderr gsmq-bridge --count 1 --wait 20s "$GSMQ/matrix/$q-out" "$base/queue/$q.out"
  assert_success
  run --separate-stderr "$PY" "$PEERS/stomp_peer.py" "$RMQ_STOMP_PORT" recv "/queue/$q.out" 1
  assert_success
  assert_equal "$(jq -r .body_b64 <<<"$output")" "$BIN"
  assert_equal "$(jq -r '[.headers["gsmq-id"], .headers.site] | join(" ")' <<<"$output")" "$q-out lab"
}

@test "STOMP 1.2: stomp.py -> RabbitMQ -> gsmq -> gsmqd, and gsmqd -> gsmq -> RabbitMQ -> stomp.py" {
  stomp_both_ways "stomp://127.0.0.1:$RMQ_STOMP_PORT" stomp
}

@test "STOMP over WebSocket: stomp.py -> RabbitMQ -> gsmq stomp+ws:// -> gsmqd, and back" {
  stomp_both_ways "stomp+ws://127.0.0.1:$RMQ_WEB_STOMP_PORT" stompws
}
