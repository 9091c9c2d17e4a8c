#!/usr/bin/env bats
# stomp:// against RabbitMQ's STOMP plugin (one node for the file, started in setup_file),
# with Debian's stomp.py on the other side: gsmq-send -> RabbitMQ -> stomp.py and
# stomp.py -> RabbitMQ -> gsmq-recv with binary bodies byte-exact and headers as meta; the
# envelope round trip; a refused message NACKed back to the queue; the unhappy paths: bad
# parameters (2), no broker or a peer that is not STOMP (4), a refused login or virtual
# host (6), an unknown destination (1); and RabbitMQ restarted mid-stream under
# gsmq-bridge stomp:// -> gsmq:// with every message arriving. stomp+ws:// against the
# same node's Web-STOMP plugin: both ways with stomp.py on the other side, its unhappy
# paths, and a bridge over it through the same restart.

bats_require_minimum_version 1.5.0
load rabbitmq_helpers

STOMP_PEER="$_rabbitmq_helpers_dir/python/stomp_peer.py"

setup_file() {
  RMQ_PLUGINS="rabbitmq_stomp,rabbitmq_web_stomp" rabbitmq_start
  STOMP="stomp://127.0.0.1:$RMQ_STOMP_PORT"
  STOMPWS="stomp+ws://127.0.0.1:$RMQ_WEB_STOMP_PORT"
  export STOMP STOMPWS
}
teardown_file() { rabbitmq_teardown; }
teardown() { daemon_teardown; }

peer() { "$PY" "$STOMP_PEER" "$RMQ_STOMP_PORT" "$@"; }

stderr_has() {
  [[ "$stderr" == *"$1"* ]] || fail "stderr does not say \"$1\": $stderr"
}

@test "gsmq-send -> stomp:// -> stomp.py: binary body byte-exact, id, priority and meta as headers" {
  printf '%s\n' '{"body_b64":"AP8BAgM=","id":"s-1","priority":4,"meta":{"site":"lab","stomp.content-type":"application/octet-stream"}}' \
    '{"body":"two"}' >in.jsonl
  run --separate-stderr gsmq-send "$STOMP/queue/in1" <in.jsonl
  assert_success
  run --separate-stderr peer recv /queue/in1 2
  assert_success
  first=$(sed -n 1p <<<"$output") second=$(sed -n 2p <<<"$output")
  assert_equal "$(jq -r .body_b64 <<<"$first")" AP8BAgM=
  assert_equal "$(jq -r '.headers["gsmq-id"]' <<<"$first")" s-1
  assert_equal "$(jq -r .headers.priority <<<"$first")" 4
  assert_equal "$(jq -r .headers.site <<<"$first")" lab
  assert_equal "$(jq -r '.headers["content-type"]' <<<"$first")" application/octet-stream
  assert_equal "$(jq -r .destination <<<"$first")" /queue/in1
  assert_equal "$(jq -r .body_b64 <<<"$second" | base64 -d)" two
}

@test "stomp.py -> stomp:// -> gsmq-recv: body, channel, headers as meta, acknowledged" {
  printf '%s\n' '{"body_b64":"AP8BAgM=","headers":{"site":"lab","content-type":"application/octet-stream"}}' \
    '{"body_b64":"dGV4dA=="}' | peer send /queue/out1
  run --separate-stderr gsmq-recv --count 2 --wait 10s "$STOMP/queue/out1"
  assert_success
  first=$(sed -n 1p <<<"$output") second=$(sed -n 2p <<<"$output")
  assert_equal "$(jq -r .body_b64 <<<"$first")" AP8BAgM=
  assert_equal "$(jq -r .channel <<<"$first")" queue/out1
  assert_equal "$(jq -r .meta.site <<<"$first")" lab
  assert_equal "$(jq -r '.meta["stomp.content-type"]' <<<"$first")" application/octet-stream
  [[ -n "$(jq -r .id <<<"$first")" ]]
  assert_equal "$(jq -r .body <<<"$second")" text
  # ACKed: nothing is left for another consumer
  run --separate-stderr peer recv /queue/out1 1 --timeout 2
  assert_failure 1
}

@test "gsmq -> stomp -> gsmq: the envelope round trip (id, ts, priority, meta) is exact" {
  printf '%s\n' '{"channel":"queue/rt","body":"x","id":"r-1","ts":1764000000123456,"priority":2,"meta":{"k":"v"}}' >in.jsonl
  gsmq-send "$STOMP" <in.jsonl
  run --separate-stderr gsmq-recv --count 1 --wait 10s "$STOMP/queue/rt"
  assert_success
  assert_equal "$(jq -cS 'del(.meta["stomp.message-id"], .meta["stomp.redelivered"], .meta.persistent)' <<<"$output")" \
    "$(jq -cS . in.jsonl)"
}

@test "a message the sink refuses is NACKed back to the queue: nothing is lost" {
  gsmq-send -m a -m b "$STOMP/queue/ref1"
  run --separate-stderr gsmq-bridge --count 2 --wait 10s "$STOMP/queue/ref1" "$STOMP/nosuch/x"
  assert_failure 1
  stderr_has "Unknown destination"
  run --separate-stderr gsmq-recv --count 2 --wait 10s "$STOMP/queue/ref1"
  assert_success
  assert_equal "$(jq -r .body <<<"$output" | sort | paste -sd ' ')" "a b"
}

@test "bad parameters are usage errors (exit 2); no broker and a peer that is not STOMP are exit 4" {
  run --separate-stderr gsmq-send -m x "$STOMP/queue/q?qos=1"
  assert_failure 2
  stderr_has "qos"
  run --separate-stderr gsmq-recv "$STOMP"
  assert_failure 2
  stderr_has "no destination"
  run --separate-stderr gsmq-send -m x "stomp:///queue/q"
  assert_failure 2
  run --separate-stderr gsmq-send -m x "stomp://127.0.0.1:$(_rmq_free_port)/queue/q"
  assert_failure 4
  # a server that answers with HTTP
  port=$(_rmq_free_port)
  "$PY" -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); print("ready", flush=True)
c, _ = s.accept(); c.recv(1000); c.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n"); c.close()' "$port" >http.out &
  track_pid $!
  poll_until grep -q ready http.out
  run --separate-stderr gsmq-send -m x "stomp://127.0.0.1:$port/queue/q"
  assert_failure 4
  stderr_has "does not speak STOMP"
}

@test "a refused login or virtual host is exit 6; an unknown destination fails the message (exit 1)" {
  run --separate-stderr gsmq-send -m x "stomp://guest:wrong@127.0.0.1:$RMQ_STOMP_PORT/queue/q"
  assert_failure 6
  stderr_has "Access refused"
  run --separate-stderr gsmq-recv "$STOMP/queue/q?vhost=nosuchvhost"
  assert_failure 6
  run --separate-stderr gsmq-send -m x "$STOMP/nosuch/x"
  assert_failure 1
  stderr_has "Unknown destination"
}

@test "stomp+ws:// (Web-STOMP) both ways with stomp.py: binary bodies byte-exact, the envelope round trip" {
  printf '%s\n' '{"body_b64":"AP8BAgM=","id":"w-1","priority":3,"meta":{"site":"lab"}}' >in.jsonl
  run --separate-stderr gsmq-send "$STOMPWS/queue/ws1" <in.jsonl
  assert_success
  run --separate-stderr peer recv /queue/ws1 1
  assert_success
  assert_equal "$(jq -r .body_b64 <<<"$output")" AP8BAgM=
  assert_equal "$(jq -r '.headers["gsmq-id"]' <<<"$output")" w-1
  assert_equal "$(jq -r .headers.site <<<"$output")" lab
  # RabbitMQ sends text WebSocket messages unless web_stomp.ws_frame = binary (rabbitmq_tls.bats)
  body=$(printf 'h\xc3\xa9llo \xe2\x98\x83' | base64)
  printf '%s\n' "{\"body_b64\":\"$body\",\"headers\":{\"site\":\"dock\"}}" '{"body_b64":"dGV4dA=="}' | peer send /queue/ws2
  run --separate-stderr gsmq-recv --count 2 --wait 10s "$STOMPWS/queue/ws2?path=/ws"
  assert_success
  assert_equal "$(sed -n 1p <<<"$output" | jq -j .body | base64)" "$body"
  assert_equal "$(sed -n 1p <<<"$output" | jq -r .meta.site)" dock
  assert_equal "$(sed -n 1p <<<"$output" | jq -r .channel)" queue/ws2
  assert_equal "$(sed -n 2p <<<"$output" | jq -r .body)" text
  # ACKed over the WebSocket: nothing is left
  run --separate-stderr peer recv /queue/ws2 1 --timeout 2
  assert_failure 1
  printf '%s\n' '{"channel":"queue/ws3","body":"x","id":"r-2","ts":1764000000123456,"priority":2,"meta":{"k":"v"}}' >rt.jsonl
  gsmq-send "$STOMPWS" <rt.jsonl
  run --separate-stderr gsmq-recv --count 1 --wait 10s "$STOMPWS/queue/ws3"
  assert_success
  assert_equal "$(jq -cS 'del(.meta["stomp.message-id"], .meta["stomp.redelivered"], .meta.persistent)' <<<"$output")" \
    "$(jq -cS . rt.jsonl)"
}

@test "stomp+ws://: ?path elsewhere is exit 2; a wrong path (HTTP 404) or no server is exit 4; a bad login exit 6" {
  run --separate-stderr gsmq-send -m x "$STOMP/queue/q?path=/ws"
  assert_failure 2
  stderr_has "stomp+ws://"
  run --separate-stderr gsmq-send -m x "$STOMPWS/queue/q?path=/nosuch"
  assert_failure 4
  stderr_has "HTTP 404"
  run --separate-stderr gsmq-send -m x "stomp+ws://127.0.0.1:$(_rmq_free_port)/queue/q"
  assert_failure 4
  stderr_has "cannot connect"
  # the plain STOMP port does not answer an HTTP upgrade
  run --separate-stderr gsmq-send -m x "stomp+ws://127.0.0.1:$RMQ_STOMP_PORT/queue/q?connect_timeout=2s"
  assert_failure 4
  run --separate-stderr gsmq-send -m x "stomp+ws://guest:wrong@127.0.0.1:$RMQ_WEB_STOMP_PORT/queue/q"
  assert_failure 6
  stderr_has "Access refused"
  # a body that is not UTF-8 in RabbitMQ's default text messages: said, and not lost
  echo '{"body_b64":"AAEC/w=="}' | peer send /queue/ws4
  run --separate-stderr gsmq-recv --count 1 --wait 3s "$STOMPWS/queue/ws4"
  assert_failure 5
  stderr_has "web_stomp.ws_frame = binary"
  run --separate-stderr gsmq-recv --count 1 --wait 10s "$STOMP/queue/ws4"
  assert_success
  assert_equal "$(jq -r .body_b64 <<<"$output")" AAEC/w==
}

@test "stomp:// and stomp+ws:// -> gsmq-bridge -> gsmq: RabbitMQ stopped and started mid-stream, every message arrives" {
  gsmqd_start
  # both bridges are caught mid-stream: the slower (WebSocket) one starts first, the other
  # once it has taken 200, and the restart comes once that one has taken 200 too (their
  # speeds differ with the machine's load: started together, one could finish first)
  n=6000 nws=6000
  seq 1 "$n" | jq -c '{body: "m\(.)"}' | gsmq-send "$STOMP/queue/src?max_inflight=500"
  seq 1 "$nws" | jq -c '{body: "w\(.)"}' | gsmq-send "$STOMP/queue/wsrc?max_inflight=500"
  gsmq-bridge "$STOMPWS/queue/wsrc?retry&max_inflight=1" "$GSMQ/wdst" 2>wsbridge.err &
  wsbridge=$!
  track_pid "$wsbridge"
  # (each check asks rabbitmqctl, which takes a second: a bridge that died ends the wait)
  _taken() {  # queue, messages it had, bridge PID, its stderr
    is_running "$3" || { echo "the bridge ended: $(cat "$4")" >&2; exit 1; }
    rmqctl list_queues name messages_ready >ready.txt
    (($(awk -v q="$1" '$1 == q { print $2 }' ready.txt) <= $2 - 200))
  }
  POLL_TRIES=100 poll_until _taken wsrc "$nws" "$wsbridge" wsbridge.err
  gsmq-bridge "$STOMP/queue/src?retry&max_inflight=1" "$GSMQ/dst" 2>bridge.err &
  bridge=$!
  track_pid "$bridge"
  POLL_TRIES=100 poll_until _taken src "$n" "$bridge" bridge.err
  rmqctl list_queues name messages_ready >ready.txt
  ready=$(awk '$1 == "src" { print $2 }' ready.txt) wsready=$(awk '$1 == "wsrc" { print $2 }' ready.txt)
  ((ready > 0)) || fail "the stream ended before the restart"
  ((wsready > 0)) || fail "the WebSocket bridge's stream ended before the restart"
  rabbitmq_stop
  rabbitmq_start
  _reconnected() { grep -q "reconnected" bridge.err && grep -q "reconnected" wsbridge.err; }
  POLL_TRIES=600 poll_until _reconnected || fail "$(cat bridge.err)"
  _drained() {
    is_running "$bridge" || { echo "the bridge ended: $(cat bridge.err)" >&2; exit 1; }
    is_running "$wsbridge" || { echo "the WebSocket bridge ended: $(cat wsbridge.err)" >&2; exit 1; }
    [[ "$(rmq_queue_messages src)" == 0 && "$(rmq_queue_messages wsrc)" == 0 ]]
  }
  POLL_TRIES=300 poll_until _drained
  kill -TERM "$bridge" "$wsbridge"
  assert_exit_status "$bridge" 0
  assert_exit_status "$wsbridge" 0
  gsmq-recv --wait 5s "$GSMQ/dst" >out.jsonl || true
  assert_equal "$(jq -r .body out.jsonl | sort -u | wc -l)" "$n"
  gsmq-recv --wait 5s "$GSMQ/wdst" >wout.jsonl || true
  assert_equal "$(jq -r .body wout.jsonl | sort -u | wc -l)" "$nws"
}
