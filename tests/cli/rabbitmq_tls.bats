#!/usr/bin/env bats
# stomps:// and amqps:// against RabbitMQ's TLS listeners for STOMP and AMQP (a
# certificate for 127.0.0.1 signed by a CA made here): both ways with ?ca; an unknown CA
# is refused (exit 4, naming the certificate), ?insecure accepts it; the plain protocol on
# the TLS port does not get through. stomp+wss:// against Web-STOMP's TLS listener (set
# to binary WebSocket messages, web_stomp.ws_frame = binary) the same way.

bats_require_minimum_version 1.5.0
load rabbitmq_helpers

setup_file() {
  local d="$BATS_FILE_TMPDIR/tls"
  make_test_ca "$d"
  STOMPS_PORT=$(_rmq_free_port) AMQPS_PORT=$(_rmq_free_port) WSS_PORT=$(_rmq_free_port)
  RMQ_PLUGINS="rabbitmq_stomp,rabbitmq_web_stomp" RMQ_EXTRA_CONF="stomp.listeners.ssl.1 = 127.0.0.1:$STOMPS_PORT
web_stomp.ssl.ip = 127.0.0.1
web_stomp.ssl.port = $WSS_PORT
web_stomp.ssl.cacertfile = $d/ca.pem
web_stomp.ssl.certfile = $d/server.pem
web_stomp.ssl.keyfile = $d/server.key
web_stomp.ws_frame = binary
listeners.ssl.default = 127.0.0.1:$AMQPS_PORT
ssl_options.cacertfile = $d/ca.pem
ssl_options.certfile = $d/server.pem
ssl_options.keyfile = $d/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false" rabbitmq_start
  STOMPS="stomps://127.0.0.1:$STOMPS_PORT"
  AMQPS="amqps://127.0.0.1:$AMQPS_PORT"
  CA="$d/ca.pem"
  STOMPWSS="stomp+wss://127.0.0.1:$WSS_PORT"
  export STOMPS_PORT STOMPS AMQPS_PORT AMQPS CA WSS_PORT STOMPWSS
}
teardown_file() { rabbitmq_teardown; }
teardown() { daemon_teardown; }

@test "stomps:// with ?ca: both ways, a binary body byte-exact" {
  printf '%s\n' '{"body_b64":"AP8BAgM=","id":"t-1"}' >in.jsonl
  run --separate-stderr gsmq-send "$STOMPS/queue/tls1?ca=$CA" <in.jsonl
  assert_success
  run --separate-stderr gsmq-recv --count 1 --wait 10s "$STOMPS/queue/tls1?ca=$CA"
  assert_success
  assert_equal "$(jq -r .body_b64 <<<"$output")" AP8BAgM=
  assert_equal "$(jq -r .id <<<"$output")" t-1
}

@test "stomps:// refuses an unknown CA (exit 4) unless ?insecure; plain stomp:// on the TLS port fails" {
  run --separate-stderr gsmq-send -m x "$STOMPS/queue/tls2"
  assert_failure 4
  [[ "$stderr" == *"certificate"* ]] || fail "stderr: $stderr"
  run --separate-stderr gsmq-send -m y "$STOMPS/queue/tls2?insecure"
  assert_success
  run --separate-stderr gsmq-send -m z "stomp://127.0.0.1:$STOMPS_PORT/queue/tls2?connect_timeout=2s"
  assert_failure 4
  run --separate-stderr gsmq-recv --count 1 --wait 10s "$STOMPS/queue/tls2?ca=$CA"
  assert_success
  assert_equal "$(jq -r .body <<<"$output")" y
}

@test "amqps:// with ?ca: both ways; an unknown CA is refused (exit 4) unless ?insecure" {
  run --separate-stderr gsmq-send -m secret "$AMQPS/tlsq?declare=1&ca=$CA"
  assert_success
  run --separate-stderr gsmq-recv --count 1 --wait 10s "$AMQPS/tlsq?ca=$CA"
  assert_success
  assert_equal "$(jq -r .body <<<"$output")" secret
  run --separate-stderr gsmq-send -m x "$AMQPS/tlsq"
  assert_failure 4
  [[ "$stderr" == *"certificate"* || "$stderr" == *"SSL"* ]] || fail "stderr: $stderr"
  run --separate-stderr gsmq-send -m y "$AMQPS/tlsq?insecure"
  assert_success
  run --separate-stderr gsmq-send -m z "amqp://127.0.0.1:$AMQPS_PORT/tlsq?connect_timeout=2s"
  assert_failure 4
  run --separate-stderr gsmq-recv --count 1 --wait 10s "$AMQPS/tlsq?ca=$CA"
  assert_success
  assert_equal "$(jq -r .body <<<"$output")" y
}

@test "stomp+wss:// with ?ca: both ways, a binary body byte-exact; an unknown CA is exit 4 unless ?insecure" {
  printf '%s\n' '{"body_b64":"AP8BAgM=","id":"ws-1"}' >in.jsonl
  run --separate-stderr gsmq-send "$STOMPWSS/queue/wss1?ca=$CA" <in.jsonl
  assert_success
  run --separate-stderr gsmq-recv --count 1 --wait 10s "$STOMPWSS/queue/wss1?ca=$CA&sni=127.0.0.1"
  assert_success
  assert_equal "$(jq -r .body_b64 <<<"$output")" AP8BAgM=
  assert_equal "$(jq -r .id <<<"$output")" ws-1
  run --separate-stderr gsmq-send -m x "$STOMPWSS/queue/wss1"
  assert_failure 4
  [[ "$stderr" == *"certificate"* ]] || fail "stderr: $stderr"
  run --separate-stderr gsmq-send -m y "$STOMPWSS/queue/wss1?insecure"
  assert_success
  run --separate-stderr gsmq-send -m z "stomp+ws://127.0.0.1:$WSS_PORT/queue/wss1?connect_timeout=2s"
  assert_failure 4
  run --separate-stderr gsmq-recv --count 1 --wait 10s "$STOMPWSS/queue/wss1?ca=$CA"
  assert_success
  assert_equal "$(jq -r .body <<<"$output")" y
}
