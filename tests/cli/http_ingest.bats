#!/usr/bin/env bats
# The HTTP ingest server (http:// listen form as a source) with curl as the client:
# bodies and JSON lines become messages, the answer comes only after the sink confirmed,
# sink failures answer 503, and 400/401/404/405/413, a vanished client, a busy port, TLS,
# and a bridge into a real gsmqd.

bats_require_minimum_version 1.5.0
load http_helpers

setup() {
  PORT="$(free_port)"
  BASE="http://127.0.0.1:$PORT"
}

teardown() {
  daemon_teardown
}

@test "curl POSTs become messages: body, channel from the sub-path, meta from headers, ids in the answer" {
  ingest_start "$BASE/ingest" gsmq-recv --count 2 "$BASE/ingest?listen"

  run --separate-stderr curl -sS -w '\n%{http_code}' -H 'Content-Type: text/plain' -H 'X-Gsmq-Meta-site: plant%201' \
    --data-binary 'door open' "$BASE/ingest/sensors/door"
  assert_success
  [[ "$(tail -1 <<<"$output")" == 200 ]]
  first_id="$(head -1 <<<"$output" | jq -r '.ids[0]')"

  run --separate-stderr curl -sS -w '\n%{http_code}' -H 'Content-Type: application/json' -H 'X-Gsmq-Id: my-id' \
    --data-binary '{"t":21.5}' "$BASE/ingest?channel=telemetry"
  assert_success
  [[ "$(tail -1 <<<"$output")" == 200 ]]
  [[ "$(head -1 <<<"$output")" == '{"ids":["my-id"]}' ]]

  ingest_wait
  [[ "$(count_lines "$INGEST_OUT")" -eq 2 ]]
  one="$(sed -n 1p "$INGEST_OUT")"
  [[ "$(jq -r .body <<<"$one")" == "door open" ]]
  [[ "$(jq -r .channel <<<"$one")" == sensors/door ]]
  [[ "$(jq -r .id <<<"$one")" == "$first_id" ]]
  [[ "$(jq -r '.meta["http.content-type"]' <<<"$one")" == text/plain ]]
  [[ "$(jq -r .meta.site <<<"$one")" == "plant 1" ]]
  [[ "$(jq -r '.ts > 0' <<<"$one")" == true ]]
  two="$(sed -n 2p "$INGEST_OUT")"
  [[ "$(jq -c .body <<<"$two")" == '{"t":21.5}' ]]  # a JSON body stays JSON in the envelope
  [[ "$(jq -r .channel <<<"$two")" == telemetry ]]
  [[ "$(jq -r .id <<<"$two")" == my-id ]]
}

@test "the answer is written only after the sink confirmed the message" {
  mkfifo "$BATS_TEST_TMPDIR/go"
  # the sink (--exec) holds the message until the test writes to the fifo
  ingest_start "$BASE/in" gsmq-recv --count 1 \
    --exec "cat >'$BATS_TEST_TMPDIR/got'; read -r line <'$BATS_TEST_TMPDIR/go'" "$BASE/in?listen"
  curl -sS -o "$BATS_TEST_TMPDIR/answer" -w '%{http_code}' --data-binary 'held' "$BASE/in" >"$BATS_TEST_TMPDIR/code" &
  curl_pid=$!
  track_pid "$curl_pid"
  poll_until test -s "$BATS_TEST_TMPDIR/got"
  [[ "$(cat "$BATS_TEST_TMPDIR/got" | jq -r .body)" == held ]]
  # the sink has the message but has not confirmed it: no answer yet
  kill -0 "$curl_pid"
  [[ ! -s "$BATS_TEST_TMPDIR/code" ]]
  echo go >"$BATS_TEST_TMPDIR/go"
  wait "$curl_pid"
  [[ "$(cat "$BATS_TEST_TMPDIR/code")" == 200 ]]
  [[ "$(jq -r '.ids | length' "$BATS_TEST_TMPDIR/answer")" == 1 ]]
  ingest_wait
}

@test "a sink failure answers 503 (the client may retry), and gsmq-recv exits 1" {
  ingest_start "$BASE/in" gsmq-recv --count 1 --exec 'cat >/dev/null; exit 1' "$BASE/in?listen"
  run --separate-stderr curl -sS -o "$BATS_TEST_TMPDIR/answer" -D "$BATS_TEST_TMPDIR/headers" -w '%{http_code}' \
    --data-binary x "$BASE/in"
  assert_output 503
  grep -qi '^Retry-After: 1' "$BATS_TEST_TMPDIR/headers"
  [[ "$(jq -r .error "$BATS_TEST_TMPDIR/answer")" == "not delivered: "* ]]
  local status=0
  ingest_wait || status=$?
  [[ "$status" -eq 1 ]]
}

@test "JSON lines: every line one envelope, the line's channel wins, one answer for all" {
  ingest_start "$BASE/in" gsmq-recv --count 3 "$BASE/in?listen&channel=fallback"
  printf '%s\n' '{"body":"a","channel":"x","meta":{"k":"1"}}' '' '{"body":{"n":2}}' '{"body_b64":"AP8=","id":"bin"}' >"$BATS_TEST_TMPDIR/lines"
  run --separate-stderr curl -sS -w '\n%{http_code}' -H 'Content-Type: application/x-ndjson' \
    --data-binary @"$BATS_TEST_TMPDIR/lines" "$BASE/in"
  [[ "$(tail -1 <<<"$output")" == 200 ]]
  [[ "$(head -1 <<<"$output" | jq -r '.ids | length')" == 3 ]]
  [[ "$(head -1 <<<"$output" | jq -r '.ids[2]')" == bin ]]
  ingest_wait
  [[ "$(jq -r .channel "$INGEST_OUT" | paste -sd ' ')" == "x fallback fallback" ]]
  [[ "$(sed -n 1p "$INGEST_OUT" | jq -r .meta.k)" == 1 ]]
  [[ "$(sed -n 1p "$INGEST_OUT" | jq -r '.meta["http.content-type"]')" == null ]]
  [[ "$(sed -n 2p "$INGEST_OUT" | jq -c .body)" == '{"n":2}' ]]
  [[ "$(sed -n 3p "$INGEST_OUT" | jq -r .body_b64)" == 'AP8=' ]]
}

@test "a bad line refuses the whole request with 400 naming the line; nothing is taken" {
  ingest_start "$BASE/in" gsmq-recv --count 1 "$BASE/in?listen&envelope"
  run --separate-stderr curl -sS -w '\n%{http_code}' \
    --data-binary $'{"body":"ok"}\n{"body":"bad","priority":12}\n' "$BASE/in"
  [[ "$(tail -1 <<<"$output")" == 400 ]]
  [[ "$(head -1 <<<"$output" | jq -r .error)" == 'line 2: field "priority": expected an integer 0-9' ]]
  run --separate-stderr curl -sS -w '\n%{http_code}' --data-binary 'not json' "$BASE/in"
  [[ "$(tail -1 <<<"$output")" == 400 ]]
  [[ "$(head -1 <<<"$output" | jq -r .error)" == "line 1: invalid JSON"* ]]
  # the server is still there, and nothing of the refused requests came out
  run --separate-stderr curl -sS -o /dev/null -w '%{http_code}' --data-binary '{"body":"good"}' "$BASE/in"
  assert_output 200
  ingest_wait
  [[ "$(jq -r .body "$INGEST_OUT")" == good ]]
  grep -q 'line 2: field' "$INGEST_ERR"  # logged on stderr
}

@test "a JSON line with a number too large for a double is a 400, and the server keeps serving" {
  ingest_start "$BASE/in" gsmq-recv --count 1 "$BASE/in?listen"
  run --separate-stderr curl -sS -w '\n%{http_code}' -H 'Content-Type: application/x-ndjson' \
    --data-binary $'{"body":"ok"}\n{"body":1e400}\n' "$BASE/in"
  assert_success
  [[ "$(tail -1 <<<"$output")" == 400 ]]
  [[ "$(head -1 <<<"$output" | jq -r .error)" == "line 2: invalid JSON: number overflow parsing '1e400'" ]]
  run --separate-stderr curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-ndjson' \
    --data-binary '{"body":"good"}' "$BASE/in"
  assert_output 200
  ingest_wait
  [[ "$(jq -r .body "$INGEST_OUT")" == good ]]
}

@test "wrong path 404, wrong method 405, GET is the health check, too large 413, no credentials 401" {
  ingest_start "$BASE/ingest" gsmq-recv --max-body 1k "$BASE/ingest?listen"
  run curl -sS -o /dev/null -w '%{http_code}' --data-binary x "$BASE/other"
  assert_output 404
  run curl -sS -o /dev/null -w '%{http_code}' --data-binary x "$BASE/ingestion"
  assert_output 404
  run curl -sS -o /dev/null -D "$BATS_TEST_TMPDIR/h" -w '%{http_code}' -X DELETE "$BASE/ingest"
  assert_output 405
  grep -qi '^Allow: POST, PUT, GET, HEAD' "$BATS_TEST_TMPDIR/h"
  run curl -sS "$BASE/ingest"
  assert_output '{"status":"ok"}'
  head -c 2048 /dev/zero | tr '\0' x >"$BATS_TEST_TMPDIR/big"
  run curl -sS -o /dev/null -w '%{http_code}' --data-binary @"$BATS_TEST_TMPDIR/big" "$BASE/ingest"
  assert_output 413
  # also when curl does not wait for "100 Continue" and sends the body at once
  run curl -sS -o /dev/null -w '%{http_code}' -H 'Expect:' --data-binary @"$BATS_TEST_TMPDIR/big" "$BASE/ingest"
  assert_output 413
  kill -TERM "$INGEST_PID"
  ingest_wait

  PORT="$(free_port)"
  BASE="http://127.0.0.1:$PORT"
  ingest_start "$BASE/in" gsmq-recv --count 1 "http://dev:s3cret@127.0.0.1:$PORT/in?listen"
  run curl -sS -o /dev/null -w '%{http_code}' --data-binary x "$BASE/in"
  assert_output 401
  run curl -sS -o /dev/null -w '%{http_code}' -u dev:s3cret --data-binary x "$BASE/in"
  assert_output 200
  ingest_wait
}

@test "a client that vanishes mid-request or sends garbage does not hurt the server" {
  ingest_start "$BASE/in" gsmq-recv --count 1 "$BASE/in?listen"
  "$PY" - "$PORT" <<'EOF'
import socket, sys
port = int(sys.argv[1])
# headers promise 100 bytes, 10 arrive, then the client is gone
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"POST /in HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
s.close()
# half a header block, then gone
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"POST /in HTTP/1.1\r\nHost: x\r\nContent-Le")
s.close()
# not HTTP at all: answered 400
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"\x00\x01garbage\r\n\r\n")
answer = s.recv(4096)
assert answer.startswith(b"HTTP/1.1 400"), answer
s.close()
EOF
  run --separate-stderr curl -sS -o /dev/null -w '%{http_code}' --data-binary 'after' "$BASE/in"
  assert_output 200
  ingest_wait
  [[ "$(jq -r .body "$INGEST_OUT")" == after ]]
  [[ "$(count_lines "$INGEST_OUT")" -eq 1 ]]
}

@test "keep-alive: several requests on one connection, each answered" {
  ingest_start "$BASE/in" gsmq-recv --count 3 "$BASE/in?listen"
  local w='%{http_code} %{num_connects}\n'
  run --separate-stderr curl -sS -o /dev/null -w "$w" --data-binary a "$BASE/in" \
    --next -o /dev/null -w "$w" --data-binary b "$BASE/in" \
    --next -o /dev/null -w "$w" --data-binary c "$BASE/in"
  [[ "$(echo "$output" | awk '{print $1}' | paste -sd ' ')" == "200 200 200" ]]
  [[ "$(echo "$output" | awk '{s += $2} END {print s}')" == 1 ]]
  ingest_wait
  [[ "$(jq -r .body "$INGEST_OUT" | paste -sd ' ')" == "a b c" ]]
}

@test "SIGTERM ends the ingest server cleanly; a busy port is exit 4; the connect form is a usage error" {
  ingest_start "$BASE/in" gsmq-recv "$BASE/in?listen"
  run curl -sS -o /dev/null -w '%{http_code}' --data-binary x "$BASE/in"
  assert_output 200
  kill -TERM "$INGEST_PID"
  ingest_wait
  [[ "$(jq -r .body "$INGEST_OUT")" == x ]]

  # the port is taken by another server
  "$PY" -c 'import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); open(sys.argv[2],"w").close(); time.sleep(60)' \
    "$PORT" "$BATS_TEST_TMPDIR/taken" &
  track_pid $!
  disown $!  # killed in teardown without a job report
  poll_until test -e "$BATS_TEST_TMPDIR/taken"
  run --separate-stderr gsmq-recv --count 1 "$BASE/in?listen"
  assert_failure 4
  [[ "$stderr" == *"cannot listen on http://127.0.0.1:$PORT/in"* ]]

  run --separate-stderr gsmq-recv --count 1 "$BASE/in"
  assert_failure 2
  [[ "$stderr" == *"listen form"* ]]
  run --separate-stderr gsmq-recv "$BASE/in?listen&bogus=1"
  assert_failure 2
  [[ "$stderr" == *"unknown parameter ?bogus"* ]]
}

@test "--wait ends a quiet ingest server with exit 5 before --count" {
  run --separate-stderr gsmq-recv --count 1 --wait 300ms "$BASE/in?listen"
  assert_failure 5
}

@test "https ingest: curl with the CA certificate, and a plain-HTTP client is refused" {
  make_certificate
  INGEST_CURL_FLAGS=(--cacert "$BATS_TEST_TMPDIR/cert.pem")
  ingest_start "https://127.0.0.1:$PORT/in" gsmq-recv --count 1 \
    "https://127.0.0.1:$PORT/in?listen&cert=$BATS_TEST_TMPDIR/cert.pem&key=$BATS_TEST_TMPDIR/key.pem"
  run curl -sS -o /dev/null -w '%{http_code}' --data-binary x "http://127.0.0.1:$PORT/in"
  refute_output 200
  run --separate-stderr curl -sS -o /dev/null -w '%{http_code}' --cacert "$BATS_TEST_TMPDIR/cert.pem" \
    --data-binary secret "https://127.0.0.1:$PORT/in/tls"
  assert_output 200
  ingest_wait
  [[ "$(jq -r .body "$INGEST_OUT")" == secret ]]
  [[ "$(jq -r .channel "$INGEST_OUT")" == tls ]]
}

@test "bridge: curl -> gsmq-bridge http ingest -> gsmqd queue -> gsmq-recv, answered after gsmqd stored it" {
  gsmqd_start
  ingest_start "$BASE/in" gsmq-bridge --count 3 "$BASE/in?listen" "$GSMQ/jobs"
  for body in one two three; do
    run --separate-stderr curl -sS -w '\n%{http_code}' -H 'X-Gsmq-Meta-src: curl' --data-binary "$body" "$BASE/in"
    [[ "$(tail -1 <<<"$output")" == 200 ]]
    echo "$output" | head -1 | jq -r '.ids[0]' >>"$BATS_TEST_TMPDIR/ids"
  done
  ingest_wait
  grep -q 'received 3, delivered 3, failed 0' "$INGEST_ERR"
  # each answered message is in gsmqd already
  run --separate-stderr gsmq-recv --count 3 --wait 5s "$GSMQ/jobs"
  assert_success
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "one two three" ]]
  [[ "$(echo "$output" | jq -r .id)" == "$(cat "$BATS_TEST_TMPDIR/ids")" ]]
  [[ "$(echo "$output" | jq -r .meta.src | sort -u)" == curl ]]
}

@test "a JSON body nested 100,000 deep is no poison: stored in gsmqd, gsmq-recv prints it as a string" {
  gsmqd_start
  ingest_start "$BASE/in" gsmq-bridge --count 1 "$BASE/in?listen" "$GSMQ/poison"
  local deep="$BATS_TEST_TMPDIR/deep.json"
  /usr/bin/python3 -c 'print("[" * 100000 + "]" * 100000, end="")' >"$deep"
  run --separate-stderr curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary @"$deep" "$BASE/in"
  assert_output 200
  ingest_wait
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$GSMQ/poison"
  assert_success
  [[ "$(jq -r '.body | type' <<<"$output")" == string ]]
  [[ "$(jq -j .body <<<"$output")" == "$(cat "$deep")" ]]  # the same bytes
}

@test "bridge: a sub-path names the gsmqd channel; with gsmqd gone the client is told 503, not 200" {
  gsmqd_start
  ingest_start "$BASE/in" gsmq-bridge --count 1 "$BASE/in?listen" "$GSMQ/"
  run --separate-stderr curl -sS -o /dev/null -w '%{http_code}' --data-binary routed "$BASE/in/sensors"
  assert_output 200
  ingest_wait
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$GSMQ/sensors"
  assert_success
  [[ "$(jq -r .body <<<"$output")" == routed ]]

  # gsmqd goes away while the bridge runs: the client is told 503, not 200
  PORT="$(free_port)"
  BASE="http://127.0.0.1:$PORT"
  # gives up 5 s after gsmqd went (not the default 30 s); the request must come within
  # them, and a sanitized gsmqd on a loaded machine takes a second or more to exit
  ingest_start "$BASE/in" gsmq-bridge "$BASE/in?listen" "$GSMQ/jobs?retry_for=5s"
  gsmqd_stop
  run --separate-stderr curl -sS -o /dev/null -w '%{http_code}' --data-binary 'lost?' "$BASE/in"
  assert_output 503
  kill -TERM "$INGEST_PID"
  ingest_wait || true
}

@test "request-reply gateway: an HTTP POST answered with the reply of a gsmqd responder" {
  gsmqd_start
  gsmq-recv --respond --exec 'echo "pong: $(jq -r .body)"' "$GSMQ/device" 2>"$BATS_TEST_TMPDIR/responder.err" &
  track_pid $!
  ingest_start "$BASE/rpc" gsmq-bridge "$BASE/rpc?listen" "$GSMQ/device?kind=request"
  # until the responder has subscribed, a request fails (503); then the reply is the answer
  poll_until curl -fsS -o "$BATS_TEST_TMPDIR/answer" -D "$BATS_TEST_TMPDIR/headers" --data-binary ping "$BASE/rpc"
  [[ "$(cat "$BATS_TEST_TMPDIR/answer")" == "pong: ping" ]]
  grep -qi '^X-Gsmq-Channel: device' "$BATS_TEST_TMPDIR/headers"
  kill -TERM "$INGEST_PID"
  ingest_wait || true
}

@test "more clients than ?max-connections: they wait their turn, every request answered 200, every message once" {
  ingest_start "$BASE/in" gsmq-recv --count 160 "$BASE/in?listen&max-connections=4"
  seq 1 160 | xargs -P 16 -I{} curl -sS -o /dev/null -w '%{http_code}\n' --data-binary 'm{}' "$BASE/in" \
    >"$BATS_TEST_TMPDIR/codes"
  [[ "$(sort -u "$BATS_TEST_TMPDIR/codes")" == 200 ]]
  [[ "$(count_lines "$BATS_TEST_TMPDIR/codes")" -eq 160 ]]
  ingest_wait
  [[ "$(jq -r .body "$INGEST_OUT" | sort -u | wc -l)" -eq 160 ]]
  [[ "$(count_lines "$INGEST_OUT")" -eq 160 ]]
}
