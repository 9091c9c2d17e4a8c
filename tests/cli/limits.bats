#!/usr/bin/env bats
# gsmqd's limits (docs/security.md): --max-connections (the N oldest connections are
# served, calls on the others get RESOURCE_EXHAUSTED and the tools exit 4) and the
# per-identity --rate-limit (messages over an identity's token bucket fail with
# "rate limit: ..." and the tools exit 1; every message acknowledged is stored).

bats_require_minimum_version 1.5.0
load daemon_helpers

teardown() { daemon_teardown; }

# gsmq_connections from /metrics (the dashboard's in-process channel is not a connection).
connections() { curl -sf "$HTTP/metrics" | awk '$1 == "gsmq_connections" { print $2 }'; }
connections_are() { [[ "$(connections)" == "$1" ]]; }

@test "--max-connections: the N+1th client is refused with exit 4, the first N are still served" {
  gsmqd_start_with_http --max-connections 2
  run -0 connections
  assert_output 0
  # Two receivers hold a connection each, long-polling their channels.
  gsmq-recv --count 1 --raw "$GSMQ/a" >"$BATS_TEST_TMPDIR/a.out" 2>"$BATS_TEST_TMPDIR/a.err" &
  local recv_a=$!
  track_pid "$recv_a"
  gsmq-recv --count 1 --raw "$GSMQ/b" >"$BATS_TEST_TMPDIR/b.out" 2>"$BATS_TEST_TMPDIR/b.err" &
  local recv_b=$!
  track_pid "$recv_b"
  poll_until connections_are 2

  # A third client: refused when it connects, with the reason; exit 4 (cannot connect).
  run -4 gsmq-send "$GSMQ/a" <<<'{"body":"third"}'
  assert_output --partial 'serves at most 2 connections (--max-connections)'
  run -4 gsmqd ping "$GSMQ"
  assert_output --partial 'at most 2 connections'
  run -4 gsmq-recv --count 1 --wait 1s "$GSMQ/a"
  # Hostile: a client that opens TCP connections and closes them at once.
  for ((n = 0; n < 20; n++)); do (exec 5<>"/dev/tcp/127.0.0.1/$GSMQD_PORT") 2>/dev/null || true; done
  is_running "$GSMQD_PID"

  # The first two are still served: messages put in by the dashboard reach them.
  run -0 curl -sf -X POST -d '{"body":"for a"}' "$HTTP/api/channels/a/messages"
  run -0 curl -sf -X POST -d '{"body":"for b"}' "$HTTP/api/channels/b/messages"
  assert_exit_status "$recv_a" 0 "$BATS_TEST_TMPDIR/a.err"
  assert_exit_status "$recv_b" 0 "$BATS_TEST_TMPDIR/b.err"
  run cat "$BATS_TEST_TMPDIR/a.out" "$BATS_TEST_TMPDIR/b.out"
  assert_output $'for a\nfor b'
  # Once they are gone there is room again; the message refused earlier was not stored.
  poll_until connections_are 0
  run -0 gsmq-send "$GSMQ/a" <<<'{"body":"later"}'
  run -0 gsmq-recv --count 1 --wait 5s --raw "$GSMQ/a"
  assert_output 'later'
  run -0 gsmqd ping "$GSMQ"
  assert_output --partial '"connections":1'
}

@test "--max-connections and --rate-limit: bad values are usage errors naming the part" {
  run -2 gsmqd --max-connections -1 --listen 127.0.0.1:0 --data-dir "$BATS_TEST_TMPDIR/d"
  run -2 gsmqd --rate-limit 'alice' --listen 127.0.0.1:0 --data-dir "$BATS_TEST_TMPDIR/d"
  assert_output --partial "--rate-limit 'alice': expected WHO=RATE"
  run -2 gsmqd --rate-limit 'alice=fast/s' --listen 127.0.0.1:0 --data-dir "$BATS_TEST_TMPDIR/d"
  assert_output --partial 'RATE "fast"'
  run -2 gsmqd --rate-limit 'alice=10/s:0' --listen 127.0.0.1:0 --data-dir "$BATS_TEST_TMPDIR/d"
  assert_output --partial 'BURST "0"'
  # The same from the configuration file.
  printf 'rate-limit = ["bob=1/s", "alice=x"]\n' >"$BATS_TEST_TMPDIR/gsmqd.toml"
  run -2 gsmqd --config "$BATS_TEST_TMPDIR/gsmqd.toml" --listen 127.0.0.1:0 --data-dir "$BATS_TEST_TMPDIR/d"
  assert_output --partial "--rate-limit 'alice=x': RATE \"x\""
}

# Messages m1..m$2 of sender $1 on channel $3 as JSON lines with ids.
messages() {
  local n
  for ((n = 1; n <= $2; n++)); do printf '{"id":"%s-%d","body":"%d"}\n' "$1" "$n" "$n"; done
}

@test "--rate-limit: a limited identity gets exit 1 for messages over its limit, another is not limited" {
  ALICE="alice:alice-secret-0123456789"
  BOB="bob:bob-secret-0123456789ab"
  local who
  for who in "$ALICE" "$BOB"; do
    printf '%s\n' "${who#*:}" | gsmqd token hash "${who%%:*}"
  done >"$BATS_TEST_TMPDIR/tokens"
  printf 'rate-limit = ["alice=1/m:5"]\nmax-connections = 100\n' >"$BATS_TEST_TMPDIR/gsmqd.toml"
  gsmqd_start --config "$BATS_TEST_TMPDIR/gsmqd.toml" --tokens "$BATS_TEST_TMPDIR/tokens"
  grep -q 'max_connections.*100' "$GSMQD_LOG"

  messages bob 300 >"$BATS_TEST_TMPDIR/bob.jsonl"
  messages alice 20 >"$BATS_TEST_TMPDIR/alice.jsonl"
  local bob="token=$BOB" alice="token=$ALICE"

  # bob: no limit matches him; 300 messages in one go are all taken.
  run -0 --separate-stderr gsmq-send --print "$GSMQ/bob?$bob" <"$BATS_TEST_TMPDIR/bob.jsonl"
  [[ ${#lines[@]} -eq 300 ]]

  # alice: 5 at once (her burst), then one a minute: of 20, 5 are taken, 15 fail.
  run -1 --separate-stderr gsmq-send --print "$GSMQ/alice?$alice" <"$BATS_TEST_TMPDIR/alice.jsonl"
  local acked="$output"
  [[ ${#lines[@]} -eq 5 ]]
  [[ "$stderr" == *'rate limit: "alice" may send 0.0166667 messages/s, burst 5 (gsmqd --rate-limit alice=1/m:5)'* ]]
  # One more, later: still over the limit.
  run -1 gsmq-send "$GSMQ/alice?$alice" <<<'{"id":"alice-again","body":"x"}'
  assert_output --partial 'rate limit: "alice"'

  grep 'rate limit: refusing messages' "$GSMQD_LOG" | grep -q 'identity=alice'
  # Every message acknowledged to a sender is stored, and nothing else.
  run -0 gsmq-recv --count 5 --wait 5s "$GSMQ/alice?$bob"
  diff <(jq -r .id <<<"$acked" | sort) <(jq -r .id <<<"$output" | sort)
  run -5 gsmq-recv --count 1 --wait 300ms "$GSMQ/alice?$bob"
  run -0 --separate-stderr gsmq-recv --count 300 --wait 5s "$GSMQ/bob?$bob"
  [[ ${#lines[@]} -eq 300 ]]
}

@test "--rate-limit on a unary Send (Python client): a batch over the limit is refused whole" {
  local stubs="$BATS_TEST_TMPDIR/stubs" client="$GSMQ_SOURCE_DIR/tests/cli/python/client.py"
  /usr/bin/python3 "$client" --stubs "$stubs" gen "$GSMQ_SOURCE_DIR/proto"
  # No --tokens: every caller is "anonymous", one bucket for them all.
  gsmqd_start --rate-limit 'nobody=1' --rate-limit 'anon*=1/m:2'
  py() { /usr/bin/python3 "$client" --stubs "$stubs" --target "127.0.0.1:$GSMQD_PORT" "$@"; }
  run -1 --separate-stderr py send jobs one two three
  [[ "$stderr" == *'RESOURCE_EXHAUSTED: rate limit: "anonymous" may send 0.0166667 messages/s, burst 2 (gsmqd --rate-limit anon*=1/m:2)'* ]]
  run -0 --separate-stderr py send jobs one two
  run -1 --separate-stderr py send jobs three
  run -5 --separate-stderr gsmq-recv --count 3 --wait 1s --raw "$GSMQ/jobs"
  assert_output $'one\ntwo'
}

@test "--max-depth: sends past a full queue channel fail visibly (exit 1); those taken are kept" {
  gsmqd_start --max-depth 3
  run -0 --separate-stderr gsmq-send --print "$GSMQ/small" < <(printf '{"id":"d%d","body":"%d"}\n' 1 1 2 2 3 3)
  [[ ${#lines[@]} -eq 3 ]]
  # A batch that does not fit is refused whole (durable_queue.cpp), each message with the reason.
  run -1 --separate-stderr gsmq-send --print "$GSMQ/small" < <(printf '{"id":"d%d","body":"%d"}\n' 4 4 5 5)
  [[ ${#lines[@]} -eq 0 ]]
  [[ "$stderr" == *'channel small is full (3 messages)'* ]]
  run -0 --separate-stderr gsmq-recv --count 3 --wait 5s --raw "$GSMQ/small"
  assert_output $'1\n2\n3'
}
