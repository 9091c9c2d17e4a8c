#!/usr/bin/env bats
# gsmq-gen against a real gsmqd: its counts agree with what gsmq-recv sees, its JSON
# summary and files are well formed, and bad flags are usage errors. No timing assertions.

bats_require_minimum_version 1.5.0

load daemon_helpers  # at file level, so that the teardown below is the one that runs

setup() {
  cd "$BATS_TEST_TMPDIR"
  gsmqd_start
}

teardown() {
  daemon_teardown
}

@test "a counted closed-loop run: every acked message is in the queue" {
  run --separate-stderr gsmq-gen --count 2000 --json "$GSMQ/gen"
  assert_success
  assert_equal "$(jq .sent <<<"$output")" 2000
  assert_equal "$(jq .acked <<<"$output")" 2000
  assert_equal "$(jq .errors <<<"$output")" 0
  [[ "$stderr" == *"publish-ack"* ]]
  run gsmq-recv --count 2000 --wait 10s --format '{meta.gen}' "$GSMQ/gen"
  assert_success
  assert_equal "$(sort -u <<<"$output" | wc -l)" 2000
  run gsmq-recv "$GSMQ/gen"   # nothing more than what gsmq-gen sent
  assert_output ''
}

@test "an open-loop run with a subscriber matches every message end to end" {
  run --separate-stderr gsmq-gen --rate 2000 --duration 1s -P 2 --subscribe "$GSMQ/e2e" --json \
    --csv series.csv --histogram lat.hgrm "$GSMQ/e2e"
  assert_success
  sent=$(jq .sent <<<"$output")
  [ "$sent" -gt 0 ]
  assert_equal "$(jq .received <<<"$output")" "$sent"
  assert_equal "$(jq .lost <<<"$output")" 0
  assert_equal "$(jq .duplicated <<<"$output")" 0
  assert_equal "$(jq '.end_to_end.count' <<<"$output")" "$sent"
  [ "$(jq '.end_to_end.p99_us >= .end_to_end.p50_us' <<<"$output")" = true ]
  head -1 series.csv | grep -q '^t_s,sent,acked,errors,received,ack_p99_us,e2e_p99_us$'
  grep -q "#\[Total count    = *$sent\]" lat.hgrm
}

@test "--fanout: every events subscriber gets every message" {
  run --separate-stderr gsmq-gen --count 300 -C 3 --fanout --subscribe "$GSMQ/fan?kind=events" --json \
    "$GSMQ/fan?kind=events"
  assert_success
  assert_equal "$(jq .received <<<"$output")" 900
  assert_equal "$(jq .lost <<<"$output")" 0
  assert_equal "$(jq .duplicated <<<"$output")" 0
}

@test "templates, profiles, channel templates and a priority mix reach the sink" {
  run gsmq-gen -q --count 40 -P 2 --profile temperature --channel 'site/{{client}}/temp' \
    --priority-mix '9:1,0:1' file:out.jsonl
  assert_success
  assert_equal "$(wc -l < out.jsonl)" 40
  assert_equal "$(jq -r .channel out.jsonl | sort -u | tr '\n' ' ')" "site/1/temp site/2/temp "
  jq -e '.body.celsius >= 15 and .body.celsius <= 35' out.jsonl >/dev/null
  assert_equal "$(jq -r '.priority // 0' out.jsonl | sort -u | tr '\n' ' ')" "0 9 "
}

@test "--stamp-in-body matches messages through an endpoint that carries no meta" {
  : > loop.jsonl
  run --separate-stderr gsmq-gen --count 200 --size 64 --stamp-in-body --json \
    --subscribe 'file:loop.jsonl?follow' file:loop.jsonl
  assert_success
  assert_equal "$(jq .received <<<"$output")" 200
  assert_equal "$(jq .lost <<<"$output")" 0
  assert_equal "$(jq -r .body loop.jsonl | awk '{ print length($0) }' | sort -u)" 64
  assert_equal "$(jq -r '.meta.gen // "none"' loop.jsonl | sort -u)" none
}

@test "loss is reported and fails the run" {
  # The subscriber reads events on another channel than the one sent to: nothing comes back.
  run --separate-stderr gsmq-gen --count 50 --drain 300ms --subscribe "$GSMQ/elsewhere?kind=events" --json \
    "$GSMQ/lossy?kind=events"
  assert_failure 1
  assert_equal "$(jq .lost <<<"$output")" 50
}

@test "bad flags are usage errors and an unreachable sink is exit 4" {
  run gsmq-gen --template '{{nope}}' --count 1 file:x.jsonl
  assert_failure 2
  assert_output --partial 'unknown placeholder {{nope}}'
  run gsmq-gen --priority-mix '12:1' --count 1 file:x.jsonl
  assert_failure 2
  run gsmq-gen --count 1 gsmq://127.0.0.1:1/x
  assert_failure 4
}

@test "--deadline stamps deadline_ms and accounts for every message as on time, late or lost" {
  run --separate-stderr gsmq-gen --count 200 --deadline 1h --json "$GSMQ/dl"
  assert_success
  run gsmq-recv --count 200 --wait 10s --format '{json}' "$GSMQ/dl"
  assert_success
  assert_equal "$(jq -r .deadline_ms <<<"$output" | sort -u)" 3600000
  run --separate-stderr gsmq-gen --rate 500 --duration 1s --deadline 10s --subscribe "$GSMQ/dl2" --json "$GSMQ/dl2"
  assert_success
  sent=$(jq .sent <<<"$output")
  assert_equal "$(jq '.deadline.on_time + .deadline.late + .deadline.lost' <<<"$output")" "$sent"
  assert_equal "$(jq .deadline.deadline_ms <<<"$output")" 10000
  [ "$(jq '.deadline.miss_ratio >= 0 and .deadline.miss_ratio <= 1' <<<"$output")" = true ]
  [[ "$stderr" == *"deadline 10s: on time "*" miss ratio "* ]]
  run --separate-stderr gsmq-gen --count 1 --deadline 10us "$GSMQ/dl3"
  assert_failure 2
}

@test "--late-after reports the miss ratio without giving the messages a deadline" {
  run --separate-stderr gsmq-gen --count 100 --late-after 10s --subscribe "$GSMQ/la" --json "$GSMQ/la"
  assert_success
  assert_equal "$(jq -c '[.deadline.stamped, .deadline.on_time + .deadline.late + .deadline.lost]' <<<"$output")" '[false,100]'
  [[ "$stderr" == *"late after 10s: on time "* ]]
  gsmq-gen --count 3 --late-after 1s "$GSMQ/la2" >/dev/null 2>&1
  run gsmq-recv --count 3 --wait 5s --format '{json}' "$GSMQ/la2"
  assert_equal "$(jq -r .deadline_ms <<<"$output" | sort -u)" null
}
