#!/usr/bin/env bats
# Critical time in gsmqd queues: deadline_ms (gsmq-send --deadline, a rule's deadline),
# earliest deadline first within a priority, late messages dead-lettered with the reason
# "deadline" (or dropped) and counted with the on-time ones' slack in gsmqd channels.

bats_require_minimum_version 1.5.0
load daemon_helpers

setup() {
  gsmq_setup
}

teardown() {
  daemon_teardown
}

channel_info() {
  gsmqd channels "$GSMQ" | jq -c --arg c "$1" "select(.channel == \$c) | $2"
}

@test "an urgent message overtakes a backlog of bulk ones at the same priority" {
  gsmqd_start
  for n in $(seq 1 20); do echo "{\"body\":\"bulk $n\"}"; done | gsmq-send "$GSMQ/mixed"
  echo '{"body":"later alarm","deadline_ms":120000}' | gsmq-send "$GSMQ/mixed"
  gsmq-send --deadline 1m -m "alarm" "$GSMQ/mixed"
  run --separate-stderr gsmq-recv --count 22 --wait 5s "$GSMQ/mixed"
  assert_success
  [[ "$(head -3 <<<"$output" | jq -r .body | paste -sd ,)" == "alarm,later alarm,bulk 1" ]]
  [[ "$(tail -1 <<<"$output" | jq -r .body)" == "bulk 20" ]]
  [[ "$(head -1 <<<"$output" | jq -r .deadline_ms)" == 60000 ]]
  [[ "$(channel_info mixed '[.on_time, .late, .slack.ge_10s]')" == '[2,0,2]' ]]
}

@test "a higher priority still goes first, deadline or not" {
  gsmqd_start
  gsmq-send --deadline 1m -m "urgent, priority 0" "$GSMQ/q"
  gsmq-send --priority 5 -m "priority 5" "$GSMQ/q"
  run --separate-stderr gsmq-recv --count 2 --wait 5s "$GSMQ/q"
  [[ "$(jq -r .body <<<"$output" | paste -sd ,)" == "priority 5,urgent, priority 0" ]]
}

@test "a message past its deadline is dead-lettered with the reason and counted, not handed out" {
  gsmqd_start
  old=$(( $(date +%s) * 1000000 - 5000000 ))  # created 5 s ago, useful for 1 s
  echo "{\"body\":\"too late\",\"ts\":$old,\"deadline_ms\":1000,\"dead_letter\":\"alarms/late\"}" | gsmq-send "$GSMQ/alarms"
  echo '{"body":"in time","deadline_ms":60000}' | gsmq-send "$GSMQ/alarms"
  run --separate-stderr gsmq-recv --count 2 --wait 2s "$GSMQ/alarms"
  assert_failure 5  # only one comes
  [[ "$(jq -r .body <<<"$output")" == "in time" ]]
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$GSMQ/alarms/late"
  assert_success
  [[ "$(jq -c '[.body, .meta."gsmq.dead_letter.reason", .meta."gsmq.dead_letter.from", .deadline_ms]' <<<"$output")" == '["too late","deadline","alarms",null]' ]]
  [[ "$(channel_info alarms '[.on_time, .late, .dead_lettered]')" == '[1,1,1]' ]]
}

@test "without a dead-letter channel a late message is dropped, and counted" {
  gsmqd_start
  old=$(( $(date +%s) * 1000000 - 5000000 ))
  echo "{\"body\":\"too late\",\"ts\":$old,\"deadline_ms\":1}" | gsmq-send "$GSMQ/q"
  run --separate-stderr gsmq-recv --wait 1s "$GSMQ/q"
  assert_output ""
  [[ "$(channel_info q '[.late, .depth]')" == '[1,0]' ]]
}

@test "deadlines survive a restart" {
  gsmqd_start
  for n in 1 2 3; do echo "{\"body\":\"bulk $n\"}"; done | gsmq-send "$GSMQ/q"
  gsmq-send --deadline 1h -m urgent "$GSMQ/q"
  gsmqd_stop
  gsmqd_start
  run --separate-stderr gsmq-recv --count 4 --wait 5s "$GSMQ/q"
  [[ "$(jq -r .body <<<"$output" | paste -sd ,)" == "urgent,bulk 1,bulk 2,bulk 3" ]]
}

@test "a rule gives a channel its critical time" {
  echo 'rule alarms when channel ~ alarms/* then deadline 10s' >"$BATS_TEST_TMPDIR/ct.rules"
  gsmqd_start --rules "$BATS_TEST_TMPDIR/ct.rules"
  gsmq-send -m bulk "$GSMQ/alarms/door"
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$GSMQ/alarms/door"
  [[ "$(jq -r .deadline_ms <<<"$output")" == 10000 ]]
  [[ "$(channel_info alarms/door '[.on_time, .slack.lt_10s]')" == '[1,1]' ]]
}

@test "a negative deadline_ms is bad input" {
  gsmqd_start
  run --separate-stderr gsmq-send "$GSMQ/q" <<<'{"body":"x","deadline_ms":-1}'
  assert_failure 3
  [[ "$stderr" == *'deadline_ms'* ]]
}
