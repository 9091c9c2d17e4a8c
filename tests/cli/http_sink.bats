#!/usr/bin/env bats
# The HTTP sink (http:// connect form) against a small recording Python server
# (tests/cli/python/http_recorder.py): bodies and headers, retries on 5xx with nothing
# lost or duplicated beyond them, 4xx failing at once, an unreachable target, time limits,
# batches, concurrency, keep-alive and a restarted peer, replies, HTTPS, and the round
# trip into the HTTP ingest server.

bats_require_minimum_version 1.5.0
load http_helpers

teardown() {
  recorder_stop
  daemon_teardown
}

# The recorded requests' field $1 (a jq path), one per line.
recorded() { jq -r "$1" "$RECORDED"; }

@test "each message is one POST: body, Content-Type, X-Gsmq-* headers and meta; --print ids match" {
  recorder_start
  printf '%s\n' '{"channel":"sensors/door","body":"open","meta":{"site":"plant 1","rate":"50%"}}' \
    '{"body":{"t":21.5},"priority":4}' \
    '{"body":"<a/>","meta":{"http.content-type":"application/xml"}}' >"$BATS_TEST_TMPDIR/in"
  run --separate-stderr gsmq-send --print "$RECORDER_URL/fn" <"$BATS_TEST_TMPDIR/in"
  assert_success
  [[ "$(echo "$output" | wc -l)" -eq 3 ]]
  [[ "$(recorded_count)" -eq 3 ]]
  [[ "$(recorded .method | sort -u)" == POST ]]
  [[ "$(recorded .path | sort -u)" == /fn ]]
  [[ "$(recorded .body | paste -sd ' ')" == 'open {"t":21.5} <a/>' ]]
  [[ "$(recorded '.headers["x-gsmq-id"]')" == "$(echo "$output" | jq -r .id)" ]]
  [[ "$(recorded '.headers["content-type"]' | paste -sd ' ')" == "application/octet-stream application/json application/xml" ]]
  one="$(sed -n 1p "$RECORDED")"
  [[ "$(jq -r '.headers["x-gsmq-channel"]' <<<"$one")" == sensors/door ]]
  [[ "$(jq -r '.headers["x-gsmq-meta-site"]' <<<"$one")" == "plant 1" ]]
  [[ "$(jq -r '.headers["x-gsmq-meta-rate"]' <<<"$one")" == "50%25" ]]
  [[ "$(jq -r '.headers["x-gsmq-ts"] | tonumber > 0' <<<"$one")" == true ]]
  [[ "$(sed -n 2p "$RECORDED" | jq -r '.headers["x-gsmq-priority"]')" == 4 ]]
  # one keep-alive connection for all of them
  [[ "$(recorded .peer | sort -u | wc -l)" -eq 1 ]]
}

@test "?method=PUT, the URL's other query parameters go to the target, {channel} in the path" {
  recorder_start
  run --separate-stderr gsmq-send -m x "$RECORDER_URL/fn?method=PUT&code=a%20b&retries=1"
  assert_success
  [[ "$(recorded .method)" == PUT ]]
  [[ "$(recorded .path)" == "/fn?code=a%20b" ]]
  echo '{"channel":"door 1","body":"y"}' | gsmq-send "$RECORDER_URL/devices/{channel}/events"
  [[ "$(sed -n 2p "$RECORDED" | jq -r .path)" == "/devices/door%201/events" ]]
}

@test "5xx is retried with back-off: every message delivered once, the same X-Gsmq-Id on each attempt" {
  recorder_start --fail-first 3
  run --separate-stderr gsmq-send -m m1 -m m2 -m m3 -m m4 "$RECORDER_URL/fn"
  assert_success
  [[ "$stderr" == *"HTTP 500 Internal Server Error from $RECORDER_URL/fn"*"retrying in"* ]]
  [[ "$(recorded_count)" -eq 7 ]]
  # the first message took three failed attempts and one good one, under one id
  [[ "$(jq -r 'select(.body == "m1") | .status' "$RECORDED" | paste -sd ' ')" == "500 500 500 200" ]]
  [[ "$(jq -r 'select(.body == "m1") | .headers["x-gsmq-id"]' "$RECORDED" | sort -u | wc -l)" -eq 1 ]]
  # each body was accepted exactly once, in order
  [[ "$(jq -r 'select(.status == 200) | .body' "$RECORDED" | paste -sd ' ')" == "m1 m2 m3 m4" ]]
}

@test "gsmq-bridge counts the retries the HTTP sink needed" {
  recorder_start --fail-first 2
  printf '{"body":"a"}\n{"body":"b"}\n' >"$BATS_TEST_TMPDIR/in.jsonl"
  run --separate-stderr gsmq-bridge "file:$BATS_TEST_TMPDIR/in.jsonl" "$RECORDER_URL/fn"
  assert_success
  [[ "$stderr" == *"received 2, delivered 2, failed 0, retried 2, skipped 0"* ]]
}

@test "5xx beyond ?retries fails the message: exit 1 after retries+1 attempts" {
  recorder_start --fail-first 100 --fail-status 503
  run --separate-stderr gsmq-send -m doomed "$RECORDER_URL/fn?retries=2"
  assert_failure 1
  [[ "$stderr" == *"HTTP 503 Service Unavailable from $RECORDER_URL/fn"*"(after 2 retries)"* ]]
  [[ "$(recorded_count)" -eq 3 ]]
}

@test "4xx fails at once without a retry: exit 1" {
  recorder_start --status 400
  run --separate-stderr gsmq-send -m bad "$RECORDER_URL/fn"
  assert_failure 1
  [[ "$stderr" == *"HTTP 400 Bad Request from $RECORDER_URL/fn"* ]]
  [[ "$stderr" != *retrying* ]]
  [[ "$(recorded_count)" -eq 1 ]]
}

@test "an unreachable target is exit 4 at start (after the retries), with a clear message" {
  port="$(free_port)"
  run --separate-stderr gsmq-send -m x "http://127.0.0.1:$port/fn?retries=0"
  assert_failure 4
  [[ "$stderr" == *"cannot connect to http://127.0.0.1:$port/fn: Connection refused"* ]]
  run --separate-stderr gsmq-send -m x "http://127.0.0.1:$port/fn?retries=2"
  assert_failure 4
  [[ "$stderr" == *"Connection refused (after 2 retries)"* ]]
  [[ "$(grep -c 'retrying in' <<<"$stderr")" -eq 2 ]]
  run --separate-stderr gsmq-send -m x "http://no-such-host.invalid/fn?retries=0"
  assert_failure 4
  [[ "$stderr" == *"cannot resolve no-such-host.invalid"* ]]
  run --separate-stderr gsmq-send -m x "http://:$port/fn"
  assert_failure 2
}

@test "a target that does not answer within ?timeout fails the message (exit 1)" {
  recorder_start --hang
  run --separate-stderr gsmq-send -m x "$RECORDER_URL/fn?timeout=300ms&retries=1"
  assert_failure 1
  [[ "$stderr" == *"timed out after 300ms"*"(after 1 retry)"* ]]
}

@test "the target restarted between messages: the stale kept-alive connection is replaced, nothing lost" {
  recorder_start
  port="$RECORDER_PORT"
  mkfifo "$BATS_TEST_TMPDIR/lines"
  gsmq-send "$RECORDER_URL/fn" <"$BATS_TEST_TMPDIR/lines" 2>"$BATS_TEST_TMPDIR/send.err" &
  send_pid=$!
  track_pid "$send_pid"
  exec 4>"$BATS_TEST_TMPDIR/lines"
  echo '{"body":"before"}' >&4
  poll_until has_lines "$RECORDED" 1
  recorder_stop
  recorder_start --port "$port" 4>&-  # not holding the fifo open
  echo '{"body":"after"}' >&4
  exec 4>&-
  wait "$send_pid"
  [[ "$(recorded .body | paste -sd ' ')" == "before after" ]]
}

@test "?batch=N: JSON-lines bodies of at most N envelopes, every message once" {
  recorder_start
  seq 1 25 | gsmq-send --raw "$RECORDER_URL/fn?batch=4"
  [[ "$(recorded '.headers["content-type"]' | sort -u)" == application/x-ndjson ]]
  [[ "$(jq -r '.body | split("\n") | map(select(length > 0)) | length' "$RECORDED" | sort -n | tail -1)" -le 4 ]]
  [[ "$(jq -r '.body' "$RECORDED" | grep -v '^$' | jq -r .body | paste -sd ' ')" == "$(seq 1 25 | paste -sd ' ')" ]]
}

@test "?concurrency=N: several connections, every message delivered once" {
  recorder_start
  seq 1 40 | gsmq-send --raw "$RECORDER_URL/fn?concurrency=4"
  [[ "$(recorded_count)" -eq 40 ]]
  [[ "$(recorded .body | sort -n | paste -sd ' ')" == "$(seq 1 40 | paste -sd ' ')" ]]
}

@test "--request (or ?reply): the response is the reply, printed as an envelope" {
  recorder_start --reply '{"answer":42}'
  run --separate-stderr gsmq-send --request -m question "$RECORDER_URL/fn"
  assert_success
  [[ "$(jq -c .body <<<"$output")" == '{"answer":42}' ]]
  [[ "$(jq -r '.meta["http.status"]' <<<"$output")" == 200 ]]
  [[ "$(jq -r '.meta["answered-by"]' <<<"$output")" == recorder ]]
}

@test "https: verified with ?ca, refused without it (exit 4), accepted with ?insecure" {
  make_certificate
  recorder_start --cert "$BATS_TEST_TMPDIR/cert.pem" --key "$BATS_TEST_TMPDIR/key.pem"
  run --separate-stderr gsmq-send -m secret "$RECORDER_URL/fn?ca=$BATS_TEST_TMPDIR/cert.pem"
  assert_success
  [[ "$(recorded .body)" == secret ]]
  run --separate-stderr gsmq-send -m x "$RECORDER_URL/fn?retries=3"
  assert_failure 4
  [[ "$stderr" == *"TLS handshake with $RECORDER_URL/fn failed"* ]]
  [[ "$stderr" != *retrying* ]]  # a certificate that does not verify will not verify later
  run --separate-stderr gsmq-send -m x "https://localhost:$RECORDER_PORT/fn?ca=$BATS_TEST_TMPDIR/cert.pem&sni=wrong.example"
  assert_failure 4
  run --separate-stderr gsmq-send -m insecure "$RECORDER_URL/fn?insecure"
  assert_success
  [[ "$(recorded_count)" -eq 2 ]]
}

@test "gsmq-send http -> gsmq-recv http ingest: same messages; ?batch carries whole envelopes" {
  port="$(free_port)"
  ingest_start "http://127.0.0.1:$port/in" gsmq-recv --count 4 "http://127.0.0.1:$port/in?listen"
  printf '%s\n' '{"channel":"a/b","body":"one","id":"i1","ts":1764000000000001,"priority":2,"meta":{"k":"v w"}}' \
    '{"body":{"n":2},"id":"i2","ts":1764000000000002}' >"$BATS_TEST_TMPDIR/in"
  gsmq-send "http://127.0.0.1:$port/in" <"$BATS_TEST_TMPDIR/in"
  printf '%s\n' '{"channel":"c","body_b64":"AP8=","id":"i3","ts":1764000000000003,"ttl_ms":5000}' \
    '{"body":"four","id":"i4","ts":1764000000000004,"meta":{"x":"y"}}' >"$BATS_TEST_TMPDIR/in2"
  gsmq-send "http://127.0.0.1:$port/in?batch=10" <"$BATS_TEST_TMPDIR/in2"
  ingest_wait
  out="$INGEST_OUT"
  # one message per request: fields and meta travel in headers (Content-Type becomes meta)
  [[ "$(sed -n 1p "$out" | jq -c '[.channel, .body, .id, .ts, .priority, .meta.k]')" == '["a/b","one","i1",1764000000000001,2,"v w"]' ]]
  [[ "$(sed -n 2p "$out" | jq -c '[.body, .id, .meta["http.content-type"]]')" == '[{"n":2},"i2","application/json"]' ]]
  # batches: the envelopes exactly as sent
  [[ "$(sed -n 3,4p "$out")" == "$(cat "$BATS_TEST_TMPDIR/in2")" ]]
}

@test "gsmqd queue -> gsmq-bridge -> HTTP target: acked in gsmqd only after the 2xx" {
  gsmqd_start
  recorder_start --fail-first 1
  gsmq-send -m a -m b -m c "$GSMQ/jobs"
  run --separate-stderr gsmq-bridge --count 3 "$GSMQ/jobs" "$RECORDER_URL/fn"
  assert_success
  [[ "$stderr" == *"received 3, delivered 3, failed 0"* ]]
  [[ "$(jq -r 'select(.status == 200) | .body' "$RECORDED" | paste -sd ' ')" == "a b c" ]]
  [[ "$(jq -r 'select(.status == 200) | .headers["x-gsmq-channel"]' "$RECORDED" | sort -u)" == jobs ]]
  run --separate-stderr gsmq-recv "$GSMQ/jobs"
  assert_output ""

  # a target refusing with 4xx: the messages stay in gsmqd (rejected, redelivered later)
  recorder_stop
  RECORDED="$BATS_TEST_TMPDIR/requests.jsonl"
  recorder_start --status 422
  gsmq-send -m d "$GSMQ/jobs"
  run --separate-stderr gsmq-bridge --count 1 "$GSMQ/jobs" "$RECORDER_URL/fn"
  assert_failure 1
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$GSMQ/jobs"
  assert_success
  [[ "$(jq -r .body <<<"$output")" == d ]]
}

@test "function gateway: gsmqd requests -> gsmq-bridge -> HTTP ?reply; the response is the reply" {
  gsmqd_start
  recorder_start --reply 'fn says hi' --reply-type text/plain
  gsmq-bridge "$GSMQ/fn?kind=respond" "$RECORDER_URL/fn?reply" 2>"$BATS_TEST_TMPDIR/bridge.err" &
  track_pid $!
  # until the bridge has subscribed, a request fails; then the HTTP response comes back
  poll_until gsmq-send --request --timeout 1s -m hello "$GSMQ/fn" >"$BATS_TEST_TMPDIR/reply" 2>/dev/null
  [[ "$(jq -r .body "$BATS_TEST_TMPDIR/reply")" == "fn says hi" ]]
  [[ "$(jq -r '.meta["http.content-type"]' "$BATS_TEST_TMPDIR/reply")" == text/plain ]]
  [[ "$(jq -r 'select(.status == 200) | .body' "$RECORDED")" == hello ]]
}
