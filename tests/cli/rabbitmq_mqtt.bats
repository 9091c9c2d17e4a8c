#!/usr/bin/env bats
# mqtt:// and ws:// against RabbitMQ's MQTT and Web-MQTT plugins, a second MQTT peer
# beside mosquitto (docs/endpoints/mqtt.md "RabbitMQ"): paho -> RabbitMQ -> gsmq-recv and
# gsmq-send -> RabbitMQ -> gsmq-recv over TCP and over WebSocket (path /ws), and one
# broker across protocols: published over MQTT, consumed over AMQP from amq.topic (the
# MQTT topic's "/" become "." in the routing key).

bats_require_minimum_version 1.5.0
load rabbitmq_helpers

setup_file() {
  RMQ_PLUGINS="rabbitmq_mqtt,rabbitmq_web_mqtt" rabbitmq_start
  RMQ_MQTT="mqtt://127.0.0.1:$RMQ_MQTT_PORT"
  RMQ_WS="ws://127.0.0.1:$RMQ_WEB_MQTT_PORT/ws"
  export RMQ_MQTT RMQ_WS
}
teardown_file() { rabbitmq_teardown; }
teardown() { daemon_teardown; }

# Waits until RabbitMQ shows an MQTT subscription queue (mqtt-subscription-<client id>qos1).
wait_subscribed() {
  _sub() { rmqctl list_queues name | grep -q "mqtt-subscription-$1"; }
  POLL_TRIES=60 poll_until _sub "$1"
}

@test "paho -> RabbitMQ MQTT -> gsmq-recv mqtt://: QoS 1, bodies and topics" {
  gsmq-recv --count 2 --wait 30s "$RMQ_MQTT/sensors/%23?client_id=rrecv1" >out.jsonl 2>recv.err &
  recv=$!
  track_pid "$recv"
  wait_subscribed rrecv1
  "$PY" "$_rabbitmq_helpers_dir/python/mqtt_pub.py" "$RMQ_MQTT_PORT" sensors/door --qos 1 open closed
  assert_exit_status "$recv" 0
  assert_equal "$(jq -r '"\(.channel)=\(.body)"' out.jsonl | paste -sd ' ')" "sensors/door=open sensors/door=closed"
  assert_equal "$(jq -r '.meta["mqtt.qos"]' out.jsonl | sort -u)" 1
}

@test "gsmq-send ws:// -> RabbitMQ Web-MQTT -> gsmq-recv ws://: MQTT over WebSocket both ways" {
  gsmq-recv --count 2 --wait 30s "$RMQ_WS?topic=wsin/%23&client_id=rwsrecv" >out.jsonl 2>recv.err &
  recv=$!
  track_pid "$recv"
  wait_subscribed rwsrecv
  run --separate-stderr gsmq-send -m one -m two "$RMQ_WS?topic=wsin/a"
  assert_success
  assert_exit_status "$recv" 0
  assert_equal "$(jq -r .body out.jsonl | paste -sd ' ')" "one two"
}

@test "one broker, two protocols: published over MQTT, consumed over AMQP from amq.topic" {
  gsmq-recv --count 2 --wait 30s "$AMQP/?exchange=amq.topic&routing_key=site1.%23" >out.jsonl 2>recv.err &
  recv=$!
  track_pid "$recv"
  _bound() { rmqctl list_bindings source_name routing_key | grep -q 'site1\.#'; }
  poll_until _bound
  printf '%s\n' '{"channel":"site1/door","body":"open"}' '{"channel":"site1/temp","body_b64":"AP8="}' |
    gsmq-send "$RMQ_MQTT"
  assert_exit_status "$recv" 0
  assert_equal "$(jq -r .channel out.jsonl | paste -sd ' ')" "site1.door site1.temp"
  assert_equal "$(jq -r .body_b64 out.jsonl | sed -n 2p)" AP8=
}
