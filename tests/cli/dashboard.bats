#!/usr/bin/env bats
# gsmqd --http (gsmqd(8) DASHBOARD, docs/admin-api.md): the JSON API, the message browser,
# send and purge, live updates, /metrics read with Prometheus's own text parser, and what
# hostile or surplus clients get. The page itself is driven in Chromium by dashboard_ui.bats.

bats_require_minimum_version 1.5.0
load daemon_helpers

setup() {
  gsmq_setup
  gsmqd_start_with_http
}
teardown() { daemon_teardown; }

# curl that fails on a connection error, not on an HTTP status: prints the body
get() { curl -sS --max-time 10 "$@"; }
status_of() { curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$@"; }

@test "health, readiness, the page and its assets; unknown paths 404, wrong methods 405" {
  assert_equal "$(get "$HTTP/healthz")" ok
  assert_equal "$(get "$HTTP/readyz")" ready
  run get -D - -o /dev/null "$HTTP/"
  assert_output --partial "Content-Type: text/html"
  get "$HTTP/" | grep -q '<script src="/app.js">'
  get "$HTTP/app.js" | grep -q "EventSource('/api/events')"
  assert_equal "$(status_of "$HTTP/style.css")" 200
  assert_equal "$(status_of "$HTTP/nothing-here")" 404
  assert_equal "$(status_of "$HTTP/api/nothing")" 404
  assert_equal "$(status_of -X DELETE "$HTTP/api/channels")" 405
  assert_equal "$(status_of -X POST "$HTTP/metrics")" 405
}

@test "/api/channels says what gsmqd channels says; /api/overview sums it up" {
  gsmq-send -m a -m b -m c "$GSMQ/jobs"
  gsmq-send --store -m s "$GSMQ/history"
  assert_equal "$(get "$HTTP/api/channels" | jq -c 'sort_by(.channel) | map(del(.in_rate, .out_rate, .oldest_age_s))')" \
    "$(gsmqd channels "$GSMQ" | jq -sc 'sort_by(.channel) | map(del(.in_rate, .out_rate, .oldest_age_s))')"
  run get "$HTTP/api/overview"
  assert_equal "$(jq -r '.channels, .depth, .version' <<<"$output" | paste -sd ' ')" "2 4 $(gsmq_version)"
  (($(jq -r .storage.free_bytes <<<"$output") > 0))
  (($(jq -r .storage.used_bytes <<<"$output") > 0))
}

@test "oldest_age_s: how long the oldest ready message waited, in gsmqd channels, /api/channels and /metrics" {
  gsmq-send -m first "$GSMQ/jobs"
  gsmq-send --store -m s "$GSMQ/history"
  _aged() { gsmqd channels "$GSMQ" | jq -se 'any(.[]; .channel == "jobs" and .oldest_age_s >= 1)' >/dev/null; }
  poll_until _aged
  gsmq-send -m second "$GSMQ/jobs"
  # the first is taken: the oldest is now the second, sent a second or more after it
  run --separate-stderr gsmq-recv --count 1 "$GSMQ/jobs"
  local first_ts; first_ts=$(jq -r .ts <<<"$output")
  local age; age=$(gsmqd channels "$GSMQ" | jq 'select(.channel == "jobs") | .oldest_age_s')
  local now_us; now_us=$(date +%s%6N)
  /usr/bin/python3 -c "import sys; sys.exit(0 if ($now_us - $first_ts) / 1e6 - $age >= 0.999 and $age > 0 else 1)"
  # the API and /metrics show it; an events-store has none; a queue with nothing ready says 0
  get "$HTTP/api/channels" | jq -e '[.[] | select(.channel == "jobs") | .oldest_age_s > 0] == [true]'
  get "$HTTP/api/channels" | jq -e '.[] | select(.channel == "history") | has("oldest_age_s") | not'
  get "$HTTP/metrics" | awk '$1 == "gsmq_channel_oldest_message_age_seconds{channel=\"jobs\",kind=\"queue\"}" && $2 > 0 {ok=1} END {exit !ok}'
  ! get "$HTTP/metrics" | grep -q 'gsmq_channel_oldest_message_age_seconds{channel="history"'
  gsmq-recv --count 1 "$GSMQ/jobs" >/dev/null
  assert_equal "$(gsmqd channels "$GSMQ" | jq 'select(.channel == "jobs") | .oldest_age_s')" 0
}

@test "the browser peeks without taking, pages by seq; events-store replay from a seq" {
  printf '{"body":"m%d"}\n' 1 2 3 4 5 | gsmq-send "$GSMQ/jobs"
  assert_equal "$(get "$HTTP/api/channels/jobs/messages?limit=2" | jq -r '.messages[].body' | paste -sd ' ')" "m1 m2"
  assert_equal "$(get "$HTTP/api/channels/jobs/messages?from_seq=3&limit=2" | jq -r '.messages[].seq' | paste -sd ' ')" "3 4"
  # nothing was taken
  run --separate-stderr gsmq-recv "$GSMQ/jobs"
  assert_equal "$(jq -r .body <<<"$output" | paste -sd ' ')" "m1 m2 m3 m4 m5"
  printf '{"body":"e%d"}\n' 1 2 3 | gsmq-send --store "$GSMQ/hist"
  assert_equal "$(get "$HTTP/api/channels/hist/replay?from_seq=2" | jq -r '.messages[].body' | paste -sd ' ')" "e2 e3"
  # a channel name with a slash, %-encoded in the path
  gsmq-send -m deep "$GSMQ/a/b"
  assert_equal "$(get "$HTTP/api/channels/a%2Fb/messages" | jq -r '.messages[].body')" deep
  assert_equal "$(status_of "$HTTP/api/channels/jobs/messages?limit=many")" 400
  # pages go past the first 1000 waiting messages
  seq 1 1205 | sed 's/.*/{"body":"p&"}/' | gsmq-send "$GSMQ/long"
  assert_equal "$(get "$HTTP/api/channels/long/messages?from_seq=1201&limit=3" | jq -r '.messages[].body' | paste -sd ' ')" \
    "p1201 p1202 p1203"
  assert_equal "$(get "$HTTP/api/channels/long/messages?from_seq=1204&limit=1000" | jq -c '[.messages[].seq]')" "[1204,1205]"
}

@test "send over HTTP is received by gsmq-recv; a bad envelope is 400 naming the field; purge empties" {
  run get -X POST --data '{"body":{"t":21.5},"priority":7,"meta":{"from":"web"}}' "$HTTP/api/channels/jobs/messages"
  assert_equal "$(jq -r .seq <<<"$output")" 1
  run --separate-stderr gsmq-recv "$GSMQ/jobs"
  assert_equal "$(jq -c '[.body, .priority, .meta.from]' <<<"$output")" '[{"t":21.5},7,"web"]'
  run get -X POST --data '{"body":"x","priority":"high"}' "$HTTP/api/channels/jobs/messages"
  assert_output --partial '"error"'
  assert_output --partial priority
  assert_equal "$(status_of -X POST --data 'not json' "$HTTP/api/channels/jobs/messages")" 400
  gsmq-send -m 1 -m 2 "$GSMQ/jobs"
  assert_equal "$(get -X POST "$HTTP/api/channels/jobs/purge" | jq -r .purged)" 2
  run --separate-stderr gsmq-recv "$GSMQ/jobs"
  assert_output ""
}

@test "live updates: a send made after the stream opened shows in its next snapshot" {
  curl -sS -N --max-time 20 "$HTTP/api/events" >"$BATS_TEST_TMPDIR/events" 3>&- &
  track_pid $!
  poll_until grep -q '^event: snapshot' "$BATS_TEST_TMPDIR/events"
  gsmq-send -m live-1 -m live-2 "$GSMQ/watched"
  _seen() { grep '^data: ' "$BATS_TEST_TMPDIR/events" | cut -c7- |
    jq -e 'select(any(.channels[]; .channel == "watched" and .depth == 2))' >/dev/null 2>&1; }
  poll_until _seen
}

@test "/metrics parses with Prometheus's text parser and counts what was sent, received and called" {
  printf '{"body":"m%d"}\n' $(seq 1 7) | gsmq-send "$GSMQ/jobs"
  gsmq-recv --count 3 "$GSMQ/jobs" >/dev/null
  get "$HTTP/metrics" >"$BATS_TEST_TMPDIR/metrics"
  run /usr/bin/python3 - "$BATS_TEST_TMPDIR/metrics" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
values = {}
for family in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in family.samples:
        labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
        values[f"{s.name}{{{labels}}}"] = s.value
def show(name):
    print(name, values[name])
show("gsmq_channel_messages_published_total{channel=jobs,kind=queue}")
show("gsmq_channel_messages_delivered_total{channel=jobs,kind=queue}")
show("gsmq_channel_messages_acked_total{channel=jobs,kind=queue}")
show("gsmq_channel_messages_ready{channel=jobs,kind=queue}")
show("gsmq_grpc_server_handled_total{grpc_code=OK,grpc_method=SendStream}")
print("buckets ok", values["gsmq_grpc_server_handling_seconds_count{grpc_method=SendStream}"] ==
      values["gsmq_grpc_server_handling_seconds_bucket{grpc_method=SendStream,le=+Inf}"])
PY
  assert_success
  assert_line "gsmq_channel_messages_published_total{channel=jobs,kind=queue} 7.0"
  assert_line "gsmq_channel_messages_delivered_total{channel=jobs,kind=queue} 3.0"
  assert_line "gsmq_channel_messages_acked_total{channel=jobs,kind=queue} 3.0"
  assert_line "gsmq_channel_messages_ready{channel=jobs,kind=queue} 4.0"
  assert_line "gsmq_grpc_server_handled_total{grpc_code=OK,grpc_method=SendStream} 1.0"
  assert_line "buckets ok True"
  # an open subscription is a call in progress; once it ends, it is not
  gsmq-recv --events --count 1 --wait 30s "$GSMQ/ev" >/dev/null 3>&- &
  local sub=$!
  track_pid "$sub"
  _in_progress() { get "$HTTP/metrics" | grep -qx "gsmq_grpc_server_calls_in_progress $1"; }
  poll_until _in_progress 1
  gsmq-send --events -m x "$GSMQ/ev"
  assert_exit_status "$sub" 0
  poll_until _in_progress 0
}

@test "/metrics: gsmq_storage_fsync_seconds counts the store's syncs (--fsync always)" {
  gsmqd_stop
  gsmqd_start_with_http --fsync always
  _fsync_histogram() {
    get "$HTTP/metrics" >"$BATS_TEST_TMPDIR/metrics"
    /usr/bin/python3 - "$BATS_TEST_TMPDIR/metrics" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
for family in text_string_to_metric_families(open(sys.argv[1]).read()):
    if family.name == "gsmq_storage_fsync_seconds":
        assert family.type == "histogram", family.type
        v = {(s.name, s.labels.get("le")): s.value for s in family.samples}
        buckets = [s.value for s in family.samples if s.name.endswith("_bucket")]
        assert buckets == sorted(buckets), "buckets are cumulative"
        assert v[("gsmq_storage_fsync_seconds_bucket", "5e-05")] <= v[("gsmq_storage_fsync_seconds_bucket", "1")]
        print(int(v[("gsmq_storage_fsync_seconds_count", None)]),
              int(v[("gsmq_storage_fsync_seconds_bucket", "+Inf")]), v[("gsmq_storage_fsync_seconds_sum", None)] > 0)
PY
  }
  run _fsync_histogram
  assert_success
  local before=${output%% *}
  printf '{"body":"m%d"}\n' 1 2 3 | gsmq-send "$GSMQ/jobs"
  gsmq-send -m more "$GSMQ/jobs"
  run _fsync_histogram
  assert_success
  read -r count inf positive <<<"$output"
  ((count > before))
  assert_equal "$inf" "$count"
  assert_equal "$positive" True
  # 14 bounds from 50 µs to 1 s, and +Inf
  assert_equal "$(get "$HTTP/metrics" | grep -c '^gsmq_storage_fsync_seconds_bucket{le=')" 15
}

@test "with --tls-cert the port serves HTTPS: curl --cacert, plain HTTP told so, client certificates, renewal" {
  gsmqd_stop
  local pki="$BATS_TEST_TMPDIR/pki" next="$BATS_TEST_TMPDIR/next" live="$BATS_TEST_TMPDIR"
  make_test_ca "$pki"
  make_test_ca "$next"  # the certificate that replaces gsmqd's below, from another CA
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$pki/client.key" \
    -out "$pki/client.csr" -subj /CN=ops 2>/dev/null
  openssl x509 -req -in "$pki/client.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial \
    -out "$pki/client.pem" -days 2 2>/dev/null
  cp "$pki/server.pem" "$pki/server.key" "$live/"
  gsmqd_start_with_http --tls-cert "$live/server.pem" --tls-key "$live/server.key" --tls-ca "$pki/ca.pem" \
    --tls-client-auth require
  local https="https://127.0.0.1:${HTTP##*:}" client=(--cert "$pki/client.pem" --key "$pki/client.key")
  assert_equal "$(get --cacert "$pki/ca.pem" "${client[@]}" "$https/healthz")" ok
  gsmq-send -m over-tls "gsmqs://127.0.0.1:$GSMQD_PORT/jobs?ca=$pki/ca.pem&cert=$pki/client.pem&key=$pki/client.key"
  assert_equal "$(get --cacert "$pki/ca.pem" "${client[@]}" "$https/api/channels" | jq -c 'map([.channel, .depth])')" \
    '[["jobs",1]]'
  # plain HTTP is answered 400 and closed
  run get -i "$HTTP/healthz"
  assert_output --partial "400 Bad Request"
  assert_output --partial "this port serves HTTPS"
  # the client checks gsmqd's certificate; gsmqd refuses a client without one (require)
  run get "${client[@]}" "$https/healthz"
  assert_failure 60
  run get --cacert "$pki/ca.pem" "$https/healthz"
  assert_failure
  # a certificate and key replaced on disk serve the next connections, without a restart
  cp "$next/server.key" "$live/server.key.new" && mv "$live/server.key.new" "$live/server.key"
  cp "$next/server.pem" "$live/server.pem.new" && mv "$live/server.pem.new" "$live/server.pem"
  _renewed() { [[ "$(get --cacert "$next/ca.pem" "${client[@]}" "$https/healthz" 2>/dev/null)" == ok ]]; }
  poll_until _renewed
  run get --cacert "$pki/ca.pem" "${client[@]}" "$https/healthz"
  assert_failure 60
}

@test "hostile clients: garbage, an oversized body and too many idle connections; gsmqd keeps serving" {
  # not HTTP at all
  run bash -c "printf 'BLAH\r\n\r\n' | socat -t 2 - TCP:127.0.0.1:${HTTP##*:}"
  assert_output --partial "400"
  # a body over 1 MiB
  head -c 2000000 /dev/zero | tr '\0' x >"$BATS_TEST_TMPDIR/big"
  assert_equal "$(status_of -X POST --data-binary @"$BATS_TEST_TMPDIR/big" "$HTTP/api/channels/jobs/messages")" 413
  # 70 connections that send nothing: the ones past 64 are told 503 and closed
  local k idle=()
  for ((k = 0; k < 70; k++)); do
    socat -u TCP:127.0.0.1:${HTTP##*:} OPEN:"$BATS_TEST_TMPDIR/idle.$k",creat 3>&- &
    idle+=($!)
    track_pid $!
  done
  _refused() { cat "$BATS_TEST_TMPDIR"/idle.* 2>/dev/null | grep -c "503 Service Unavailable" | grep -qx '[1-9][0-9]*'; }
  poll_until _refused
  # the daemon itself is untouched, and the dashboard serves again once they are gone
  gsmq-send -m still "$GSMQ/jobs"
  kill "${idle[@]}" 2>/dev/null || true
  _serves() { [[ "$(status_of "$HTTP/healthz")" == 200 ]]; }
  poll_until _serves
  run --separate-stderr gsmq-recv "$GSMQ/jobs"
  assert_output --partial still
}

@test "--http on a port in use exits 4 naming it; a bad --http is a usage error" {
  local port=${HTTP##*:}
  run gsmqd --listen 127.0.0.1:0 --data-dir "$BATS_TEST_TMPDIR/d2" --http "127.0.0.1:$port"
  assert_failure 4
  assert_output --partial "cannot listen on 127.0.0.1:$port"
  run gsmqd --listen 127.0.0.1:0 --data-dir "$BATS_TEST_TMPDIR/d3" --http nonsense
  assert_failure 2
  assert_output --partial "HOST:PORT"
}

@test "with --tokens and --acl the HTTP API checks the caller's bearer token as gRPC does" {
  gsmqd_stop
  printf '%s\n' 'opsSecret-0123456789' | gsmqd token hash ops >tokens
  printf '%s\n' 'bobSecret-0123456789' | gsmqd token hash bob >>tokens
  printf 'allow ops all *\nallow bob send,receive jobs/*\n' >acl.conf
  gsmqd_start_with_http --tokens tokens --acl acl.conf
  # no token: 401; a token without admin: 403 for the channel list, its own channel is fine
  assert_equal "$(status_of "$HTTP/api/channels")" 401
  assert_equal "$(status_of "$HTTP/metrics")" 401
  assert_equal "$(status_of -H 'Authorization: Bearer bob:wrong-secret-000000' "$HTTP/api/channels")" 401
  assert_equal "$(status_of -H 'Authorization: Bearer bob:bobSecret-0123456789' "$HTTP/api/channels")" 403
  assert_equal "$(status_of -H 'Authorization: Bearer bob:bobSecret-0123456789' -X POST --data '{"body":"b"}' \
    "$HTTP/api/channels/jobs%2Fone/messages")" 200
  assert_equal "$(status_of -H 'Authorization: Bearer bob:bobSecret-0123456789' -X POST --data '{"body":"b"}' \
    "$HTTP/api/channels/other/messages")" 403
  assert_equal "$(status_of -H 'Authorization: Bearer bob:bobSecret-0123456789' -X POST "$HTTP/api/channels/jobs%2Fone/purge")" 403
  # the admin sees everything
  run get -H 'Authorization: Bearer ops:opsSecret-0123456789' "$HTTP/api/channels"
  assert_equal "$(jq -r '.[] | select(.channel == "jobs/one") | .depth' <<<"$output")" 1
  assert_equal "$(status_of -H 'Authorization: Bearer ops:opsSecret-0123456789' "$HTTP/metrics")" 200
  # health and readiness need no identity
  assert_equal "$(status_of "$HTTP/healthz")" 200
  assert_equal "$(get "$HTTP/readyz")" ready
}
