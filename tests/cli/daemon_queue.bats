#!/usr/bin/env bats
# gsmqd queues through the real gsmq-send and gsmq-recv: round trip, priority, delay, TTL,
# redelivery after the visibility timeout, dead-lettering, --exec ack/reject, --peek,
# per-line channels, the depth limit, and the exit status when gsmqd is not there.

bats_require_minimum_version 1.5.0
load daemon_helpers

setup() {
  gsmqd_start
}

teardown() {
  daemon_teardown
}

@test "round trip: what gsmq-send sent, gsmq-recv receives once, same ids, bodies and meta" {
  run --separate-stderr gsmq-send --print -m one -m two -m three "$GSMQ/jobs"
  assert_success
  [[ "$(echo "$output" | wc -l)" -eq 3 ]]
  sent_ids="$(echo "$output" | jq -r .id)"
  # every confirmation names the channel and a seq assigned by gsmqd
  [[ "$(echo "$output" | jq -r .channel | sort -u)" == jobs ]]
  [[ "$(echo "$output" | jq -r .seq | paste -sd ' ')" == "1 2 3" ]]

  echo '{"body":"four","id":"my-id-4","meta":{"k":"v"}}' | gsmq-send "$GSMQ/jobs"

  run --separate-stderr gsmq-recv --count 4 --wait 5s "$GSMQ/jobs"
  assert_success
  [[ "$(echo "$output" | wc -l)" -eq 4 ]]
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "one two three four" ]]
  [[ "$(echo "$output" | head -3 | jq -r .id)" == "$sent_ids" ]]
  last="$(echo "$output" | tail -1)"
  [[ "$(jq -r .id <<<"$last")" == my-id-4 ]]
  [[ "$(jq -r .meta.k <<<"$last")" == v ]]
  [[ "$(jq -r .channel <<<"$last")" == jobs ]]
  [[ "$(jq -r .receive_count <<<"$last")" == 1 ]]

  # acknowledged: nothing is left
  run --separate-stderr gsmq-recv "$GSMQ/jobs"
  assert_success
  assert_output ""
}

@test "gsmq-recv | gsmq-send moves messages between channels unchanged" {
  printf '%s\n' '{"body":"a","meta":{"x":"1"}}' '{"body":{"n":2}}' '{"body_b64":"AP8="}' | gsmq-send "$GSMQ/from"
  # the envelope names its channel, and a line's channel wins over the URL's: drop it
  gsmq-recv "$GSMQ/from" | jq -c 'del(.channel)' | gsmq-send "$GSMQ/to"
  run --separate-stderr gsmq-recv --count 3 --wait 5s "$GSMQ/to"
  assert_success
  [[ "$(echo "$output" | sed -n 1p | jq -c '[.body, .meta.x]')" == '["a","1"]' ]]
  [[ "$(echo "$output" | sed -n 2p | jq -c .body)" == '{"n":2}' ]]
  [[ "$(echo "$output" | sed -n 3p | jq -r .body_b64)" == 'AP8=' ]]
  run --separate-stderr gsmq-recv "$GSMQ/from"
  assert_output ""
}

@test "a JSON body keeps its bytes (key order, number spelling) through gsmqd and a gsmq-recv | gsmq-send hop" {
  printf '%s\n' '{"body":{"b":2,"a":12.50}}' '{"body": [1.0, 1E+2, -0, {"z": 1, "y": [ ]}] }' | gsmq-send "$GSMQ/from"
  gsmq-recv --count 2 --wait 5s "$GSMQ/from" | gsmq-send --channel to "$GSMQ/to"
  run --separate-stderr gsmq-recv --count 2 --wait 5s "$GSMQ/to"
  assert_success
  assert_line --index 0 --partial '"body":{"b":2,"a":12.50},'
  assert_line --index 1 --partial '"body":[1.0, 1E+2, -0, {"z": 1, "y": [ ]}],'
  # the bytes a sink gets
  printf '%s\n' '{"body":{"b":2,"a":12.50}}' | gsmq-send "$GSMQ/raw"
  run --separate-stderr gsmq-recv --raw --count 1 --wait 5s "$GSMQ/raw"
  assert_output '{"b":2,"a":12.50}'
}

@test "priority: higher first, FIFO within a priority" {
  printf '%s\n' \
    '{"body":"low-1","priority":1}' \
    '{"body":"high-1","priority":9}' \
    '{"body":"low-2","priority":1}' \
    '{"body":"mid-1","priority":5}' \
    '{"body":"high-2","priority":9}' \
    '{"body":"zero-1"}' \
    '{"body":"mid-2","priority":5}' | gsmq-send "$GSMQ/prio"
  gsmq-send --priority 7 -m seven-1 -m seven-2 "$GSMQ/prio"

  run --separate-stderr gsmq-recv "$GSMQ/prio"
  assert_success
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "high-1 high-2 seven-1 seven-2 mid-1 mid-2 low-1 low-2 zero-1" ]]
  [[ "$(echo "$output" | head -1 | jq -r .priority)" == 9 ]]
}

@test "--delay: not visible before the delay, delivered after it" {
  # 12 s, and both sent by one command: a sanitized command takes 1-5 s on a loaded
  # machine, and the delayed message must still be held back when the two below run
  local sent_at=$SECONDS
  printf '%s\n' '{"body":"later","delay_ms":12000}' '{"body":"now"}' | gsmq-send "$GSMQ/delayed"

  # right after sending, only the undelayed message is there
  run --separate-stderr gsmq-recv --peek "$GSMQ/delayed"
  assert_success
  [[ "$(echo "$output" | jq -r .body)" == now ]]
  run --separate-stderr gsmq-recv "$GSMQ/delayed"
  [[ "$(echo "$output" | jq -r .body)" == now ]]

  # a long-poll gets the delayed one once it is due
  run --separate-stderr gsmq-recv --count 1 --wait 20s "$GSMQ/delayed"
  assert_success
  [[ "$(echo "$output" | jq -r .body)" == later ]]
  ((SECONDS - sent_at >= 11)) || fail "the delayed message came after $((SECONDS - sent_at)) s"
}

@test "--ttl: a message not received in time is gone" {
  gsmq-send --ttl 300ms -m short-lived "$GSMQ/ttl"
  gsmq-send -m keeper "$GSMQ/ttl"

  only_keeper_left() {
    [[ "$(gsmq-recv --peek "$GSMQ/ttl" | jq -r .body | paste -sd ' ')" == keeper ]]
  }
  poll_until only_keeper_left

  run --separate-stderr gsmq-recv "$GSMQ/ttl"
  assert_success
  [[ "$(echo "$output" | jq -r .body)" == keeper ]]
  # the admin view counts it
  run --separate-stderr gsmqd channels "$GSMQ"
  assert_success
  [[ "$(echo "$output" | jq -r 'select(.channel == "ttl") | .expired')" == 1 ]]
}

@test "a message whose receiver died before the ack comes back after its visibility, receive_count 2" {
  gsmq-send -m again "$GSMQ/redeliver"

  # the receiver is killed while handling the message: no ack
  run gsmq-recv --count 1 --visibility 300ms --exec 'kill -9 $PPID' "$GSMQ/redeliver"
  [[ "$status" -eq 137 ]]

  run --separate-stderr gsmq-recv --count 1 --wait 15s "$GSMQ/redeliver"
  assert_success
  [[ "$(echo "$output" | jq -r .body)" == again ]]
  [[ "$(echo "$output" | jq -r .receive_count)" == 2 ]]

  run --separate-stderr gsmq-recv "$GSMQ/redeliver"
  assert_output ""
}

@test "a message in flight is not handed to anyone else until its visibility runs out" {
  gsmq-send -m mine -m yours "$GSMQ/lease"
  run gsmq-recv --count 1 --visibility 1m --exec 'kill -9 $PPID' "$GSMQ/lease"
  [[ "$status" -eq 137 ]]
  run --separate-stderr gsmq-recv "$GSMQ/lease"
  assert_success
  [[ "$(echo "$output" | jq -r .body)" == yours ]]
}

@test "--max-receives with --dead-letter: after the last receive the message moves to the dead-letter channel" {
  gsmq-send --max-receives 2 --dead-letter work-dlq -m poison "$GSMQ/work"

  for attempt in 1 2; do
    run gsmq-recv --count 1 --visibility 200ms --wait 15s --exec 'kill -9 $PPID' "$GSMQ/work"
    [[ "$status" -eq 137 ]]
  done

  run --separate-stderr gsmq-recv --count 1 --wait 15s "$GSMQ/work-dlq"
  assert_success
  [[ "$(echo "$output" | jq -r .body)" == poison ]]
  [[ "$(echo "$output" | jq -r '.meta["gsmq.dead_letter.from"]')" == work ]]
  [[ "$(echo "$output" | jq -r '.meta["gsmq.dead_letter.reason"]')" == max_receives ]]
  [[ "$(echo "$output" | jq -r .channel)" == work-dlq ]]

  # the poison message is gone from the work queue
  run --separate-stderr gsmq-recv "$GSMQ/work"
  assert_success
  assert_output ""
  run --separate-stderr gsmqd channels "$GSMQ"
  [[ "$(echo "$output" | jq -r 'select(.channel == "work") | .dead_lettered')" == 1 ]]
}

@test "--exec: exit 0 acks, anything else rejects to the dead-letter channel (exit 1)" {
  gsmq-send -m good "$GSMQ/execq"
  run --separate-stderr gsmq-recv --count 1 --wait 5s --exec "cat >>'$BATS_TEST_TMPDIR/handled'" "$GSMQ/execq"
  assert_success
  [[ "$(jq -r .body "$BATS_TEST_TMPDIR/handled")" == good ]]
  run --separate-stderr gsmq-recv "$GSMQ/execq"
  assert_output ""

  gsmq-send --dead-letter execq-dlq -m bad "$GSMQ/execq"
  run --separate-stderr gsmq-recv --count 1 --wait 5s --exec 'cat >/dev/null; exit 3' "$GSMQ/execq"
  assert_failure 1
  [[ "$stderr" == *"exited with status 3"* ]]
  run --separate-stderr gsmq-recv "$GSMQ/execq"
  assert_output ""
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$GSMQ/execq-dlq"
  assert_success
  [[ "$(echo "$output" | jq -r .body)" == bad ]]
  [[ "$(echo "$output" | jq -r '.meta["gsmq.dead_letter.reason"]')" == rejected ]]

  # without a dead-letter channel a rejected message is dropped
  gsmq-send -m doomed "$GSMQ/execq"
  run --separate-stderr gsmq-recv --count 1 --wait 5s --exec 'exit 1' "$GSMQ/execq"
  assert_failure 1
  run --separate-stderr gsmq-recv "$GSMQ/execq"
  assert_output ""
}

@test "--peek shows messages without taking them" {
  gsmq-send -m p1 -m p2 "$GSMQ/peeky"
  run --separate-stderr gsmq-recv --peek "$GSMQ/peeky"
  assert_success
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "p1 p2" ]]
  run --separate-stderr gsmq-recv --peek "$GSMQ/peeky"
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "p1 p2" ]]

  run --separate-stderr gsmq-recv "$GSMQ/peeky"
  assert_success
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "p1 p2" ]]
  [[ "$(echo "$output" | jq -r .receive_count | paste -sd ' ')" == "1 1" ]]
}

@test "a channel in the URL wins over the line's; a URL without one keeps each line's; {channel} fills it in" {
  two_lines=$'{"channel":"elsewhere","body":"x"}\n{"body":"y"}'
  gsmq-send --print "$GSMQ/default" <<<"$two_lines" >"$BATS_TEST_TMPDIR/acks"
  [[ "$(jq -r .channel "$BATS_TEST_TMPDIR/acks" | paste -sd ' ')" == "default default" ]]
  run --separate-stderr gsmq-recv "$GSMQ/default"
  [[ "$(echo "$output" | jq -r '.channel + ":" + .body' | paste -sd ' ')" == "default:x default:y" ]]
  # No channel in the URL: per-line destinations; a line without one is refused (exit 1).
  run --separate-stderr gsmq-send --print "$GSMQ/" <<<"$two_lines"
  assert_failure 1
  [[ "$(jq -r .channel <<<"$output")" == elsewhere ]]
  [[ "$stderr" == *"no channel"* ]]
  run --separate-stderr gsmq-recv "$GSMQ/elsewhere"
  [[ "$(echo "$output" | jq -r '.channel + ":" + .body')" == "elsewhere:x" ]]
  # A template: the line's channel under a prefix.
  gsmq-send "$GSMQ/site1/{channel}" <<<'{"channel":"door","body":"z"}'
  run --separate-stderr gsmq-recv "$GSMQ/site1/door"
  [[ "$(echo "$output" | jq -r '.channel + ":" + .body')" == "site1/door:z" ]]
}

@test "--count with --wait: exit 5 when fewer messages arrived in time" {
  gsmq-send -m only "$GSMQ/short"
  run --separate-stderr gsmq-recv --count 2 --wait 300ms "$GSMQ/short"
  assert_failure 5
  [[ "$(echo "$output" | jq -r .body)" == only ]]
}

@test "--max-depth: a full queue refuses with a clear message, gsmq-send exits 1" {
  gsmqd_stop
  gsmqd_start --max-depth 2
  run --separate-stderr gsmq-send -m a -m b "$GSMQ/small"
  assert_success
  run --separate-stderr gsmq-send -m c "$GSMQ/small"
  assert_failure 1
  [[ "$stderr" == *"channel small is full (2 messages)"* ]]
  # the queue still holds exactly the first two
  run --separate-stderr gsmq-recv "$GSMQ/small"
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "a b" ]]
  # and takes new ones once there is room
  run --separate-stderr gsmq-send -m c "$GSMQ/small"
  assert_success
}

@test "gsmqd not reachable: gsmq-send and gsmq-recv exit 4 at once and say why" {
  local url="$GSMQ"
  gsmqd_stop
  # Connection refused is known at once, and said: not "no answer within" the timeout.
  run --separate-stderr gsmq-send -m nobody-home "$url/x"
  assert_failure 4
  assert_equal "$stderr" "gsmq-send: cannot connect to gsmqd at 127.0.0.1:$GSMQD_PORT: Connection refused"
  run --separate-stderr gsmq-recv "$url/x"
  assert_failure 4
  assert_equal "$stderr" "gsmq-recv: cannot connect to gsmqd at 127.0.0.1:$GSMQD_PORT: Connection refused"
  # A source URL without a channel is a usage error, whether gsmqd is there or not.
  run --separate-stderr gsmq-recv "$url/"
  assert_failure 2
  assert_equal "$stderr" "gsmq-recv: $url/: no channel (gsmq://HOST:PORT/CHANNEL)"
}

@test "a channel name too long to be stored is refused, and gsmqd keeps serving" {
  long="$(printf 'x%.0s' $(seq 1 300))"
  run --separate-stderr gsmq-send -m hi "$GSMQ/$long"
  assert_failure 1
  [[ "$stderr" == *"channel name too long"* ]]
  run --separate-stderr gsmq-recv "$GSMQ/$long"
  assert_failure 2
  [[ "$stderr" == *"channel name too long"* ]]
  run --separate-stderr gsmq-send --store -m hi "$GSMQ/$long"
  assert_failure 1
  # odd but storable names work
  run --separate-stderr gsmq-send --print -m ok "$GSMQ/a%2Fb/ünï.cødé"
  assert_success
  run --separate-stderr gsmq-recv "$GSMQ/a%2Fb/ünï.cødé"
  assert_success
  [[ "$(echo "$output" | jq -r .body)" == ok ]]
}

@test "messages waiting behind a slow --exec are not redelivered: visibility runs from the hand-out" {
  gsmq-send -m 1 -m 2 -m 3 -m 4 -m 5 "$GSMQ/slow"
  # all five arrive in one batch; handling them takes twice the visibility in total
  run --separate-stderr gsmq-recv --count 5 --visibility 1500ms --exec "sleep 0.6; cat >>'$BATS_TEST_TMPDIR/handled'" "$GSMQ/slow"
  assert_success
  [[ "$stderr" != *"not in flight"* ]]
  [[ "$(jq -r .body "$BATS_TEST_TMPDIR/handled" | paste -sd ' ')" == "1 2 3 4 5" ]]
  [[ "$(jq -r .receive_count "$BATS_TEST_TMPDIR/handled" | sort -u)" == 1 ]]
  # every ack counted: nothing comes back
  run --separate-stderr gsmq-recv "$GSMQ/slow"
  assert_output ""
}

@test "--prefetch N: a slow consumer holds at most N messages, the rest go to another consumer at once" {
  for i in $(seq 10); do echo "{\"body\":\"m$i\"}"; done | gsmq-send "$GSMQ/work"
  # The slow consumer's --exec never finishes its first message within the test.
  gsmq-recv --follow --prefetch 3 --exec 'sleep 60' "$GSMQ/work" >/dev/null 2>&1 &
  slow=$!
  track_pid "$slow"
  poll_until eval '[[ "$(gsmqd channels "$GSMQ" | jq "select(.channel == \"work\") | .in_flight")" == 3 ]]'
  run --separate-stderr gsmq-recv --count 7 --wait 5s --raw "$GSMQ/work"
  assert_success
  [[ "$(sort <<<"$output" | tr '\n' ' ')" == "m10 m4 m5 m6 m7 m8 m9 " ]]
  # Bad values are usage errors naming the value.
  run --separate-stderr gsmq-recv --prefetch 0 "$GSMQ/work"
  assert_equal "$status" 2
  run --separate-stderr gsmq-recv "$GSMQ/work?prefetch=lots"
  assert_equal "$status" 2
  assert_equal "$stderr" "gsmq-recv: $GSMQ/work?prefetch=lots: ?prefetch=lots: expected a whole number from 1 to 65536"
}

@test "gsmq-recv --follow writes a batch's lines together, and every line is out as soon as the queue is idle" {
  for i in 1 2 3; do echo "{\"body\":\"m$i\"}"; done | gsmq-send "$GSMQ/live"
  cd "$BATS_TEST_TMPDIR"
  fifo_into seen.txt
  gsmq-recv --follow --raw "$GSMQ/live" >out.fifo 3>&- &
  local recv=$!
  track_pid "$recv"
  # the three came in one batch; none may wait in a buffer for a fourth
  poll_until has_lines seen.txt 3
  gsmq-send -m m4 "$GSMQ/live"
  poll_until has_lines seen.txt 4
  is_running "$recv"
  kill -TERM "$recv"
  wait_for_exit "$recv"
  assert_equal "$status" 0
  wait_for_exit "$FIFO_READER"
  assert_equal "$(paste -sd ' ' seen.txt)" "m1 m2 m3 m4"
  # and all four were acknowledged: nothing is left to receive
  run --separate-stderr gsmq-recv "$GSMQ/live"
  assert_output ""
}

@test "a line held for its batch is written when the rest of the batch is filtered out and the queue goes idle" {
  cd "$BATS_TEST_TMPDIR"
  printf '%s\n' '{"body":{"k":1}}' '{"body":{"k":0}}' | gsmq-send "$GSMQ/mixed"
  fifo_into seen.jsonl
  gsmq-bridge --follow --filter 'body.k>0' "$GSMQ/mixed" - >out.fifo 2>/dev/null 3>&- &
  local bridge=$!
  track_pid "$bridge"
  poll_until has_lines seen.jsonl 1
  is_running "$bridge"
  kill -TERM "$bridge"
  wait_for_exit "$bridge"
  wait_for_exit "$FIFO_READER"
  assert_equal "$(jq -c .body seen.jsonl)" '{"k":1}'
}
