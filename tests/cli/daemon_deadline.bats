#!/usr/bin/env bats
# Critical time in gsmqd queues: deadline_ms (gsmq-send --deadline, a rule's deadline,
# --channel-policy critical_time), earliest deadline first within a priority, late messages
# dead-lettered with the reason "deadline" (to a late channel, or dropped) or delivered
# marked late (deliver_late), counted with the on-time ones' slack in gsmqd channels.

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
  run --separate-stderr gsmq-recv --peek --count 3 "$GSMQ/mixed"  # the order they will go out in
  [[ "$(jq -r .body <<<"$output" | paste -sd ,)" == "alarm,later alarm,bulk 1" ]]
  run --separate-stderr gsmq-recv --count 22 --wait 5s "$GSMQ/mixed"
  assert_success
  [[ "$(head -3 <<<"$output" | jq -r .body | paste -sd ,)" == "alarm,later alarm,bulk 1" ]]
  [[ "$(tail -1 <<<"$output" | jq -r .body)" == "bulk 20" ]]
  [[ "$(head -1 <<<"$output" | jq -r .deadline_ms)" == 60000 ]]
  [[ "$(channel_info mixed '[.on_time, .late, .slack.ge_10s]')" == '[2,0,2]' ]]
  # percentiles to 12.5%: the tighter of the two had under 60 s left, the other under 120 s
  # but more than the first could have had (less the seconds the commands took: up to 5
  # each under the sanitizers on a loaded machine)
  [[ "$(channel_info mixed '.slack_ms | [.p1 > 30000, .p1 <= 60000, .p99 > 75000, .p99 <= 120000]')" == '[true,true,true,true]' ]]
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
  # one 4 s late or more (ts is whole seconds), found so at the receive (seconds later on a
  # loaded machine); one with up to 60 s to spare
  [[ "$(channel_info alarms '.slack_ms | [.p1 < -3000, .p1 > -40000, .p99 > 20000, .p99 <= 60000]')" == '[true,true,true,true]' ]]
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
  echo 'rule alarms when channel ~ alarms/* then deadline 1m' >"$BATS_TEST_TMPDIR/ct.rules"
  gsmqd_start --rules "$BATS_TEST_TMPDIR/ct.rules"
  gsmq-send -m bulk "$GSMQ/alarms/door"
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$GSMQ/alarms/door"
  [[ "$(jq -r .deadline_ms <<<"$output")" == 60000 ]]
  [[ "$(channel_info alarms/door '[.on_time, .late, .slack.ge_10s]')" == '[1,0,1]' ]]
}

@test "a negative deadline_ms is bad input" {
  gsmqd_start
  run --separate-stderr gsmq-send "$GSMQ/q" <<<'{"body":"x","deadline_ms":-1}'
  assert_failure 3
  [[ "$stderr" == *'deadline_ms'* ]]
}

@test "a late message that says deliver_late is handed out marked gsmq.late_ms, and counted" {
  gsmqd_start
  old=$(( $(date +%s) * 1000000 - 5000000 ))  # created 5 s ago, useful for 1 s
  echo "{\"body\":\"late but wanted\",\"ts\":$old,\"deadline_ms\":1000,\"deliver_late\":true,\"dead_letter\":\"dl\"}" |
    gsmq-send "$GSMQ/video"
  echo '{"body":"in time","deadline_ms":60000}' | gsmq-send "$GSMQ/video"
  run --separate-stderr gsmq-recv --count 2 --wait 5s "$GSMQ/video"
  assert_success
  [[ "$(jq -r .body <<<"$output" | paste -sd ,)" == "late but wanted,in time" ]]  # earliest deadline first
  late_ms=$(head -1 <<<"$output" | jq -r '.meta."gsmq.late_ms"')
  (( late_ms >= 3900 && late_ms < 60000 ))
  [[ "$(tail -1 <<<"$output" | jq -c '.meta."gsmq.late_ms"')" == null ]]
  [[ "$(head -1 <<<"$output" | jq -c .deliver_late)" == true ]]
  [[ "$(channel_info video '[.on_time, .late, .late_delivered, .dead_lettered]')" == '[1,1,1,0]' ]]
}

@test "--channel-policy gives channels a critical time and a late channel; a message's own fields win" {
  gsmqd_start --channel-policy 'alarms/* critical_time=1s late_channel=alarms-late' --channel-policy 'alarms* critical_time=1h'
  old=$(( $(date +%s) * 1000000 - 5000000 ))
  echo "{\"body\":\"stale\",\"ts\":$old,\"dead_letter\":\"dl\"}" | gsmq-send "$GSMQ/alarms/door"
  echo "{\"body\":\"own deadline\",\"ts\":$old,\"deadline_ms\":60000}" | gsmq-send "$GSMQ/alarms/door"
  gsmq-send -m "second policy" "$GSMQ/alarms-x"
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$GSMQ/alarms/door"
  [[ "$(jq -c '[.body, .deadline_ms, .late_channel]' <<<"$output")" == '["own deadline",60000,"alarms-late"]' ]]
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$GSMQ/alarms-late"
  assert_success
  [[ "$(jq -c '[.body, .meta."gsmq.dead_letter.reason", .late_channel]' <<<"$output")" == '["stale","deadline",null]' ]]
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$GSMQ/alarms-x"
  [[ "$(jq -c .deadline_ms <<<"$output")" == 3600000 ]]
  [[ "$(channel_info alarms/door '[.late, .dead_lettered]')" == '[1,1]' ]]
}

@test "critical_time and late=deliver from the TOML --config" {
  printf '%s\n' '# the channel policies of this daemon' \
    'channel-policy = ["video/* critical_time=1s late=deliver"]' >"$BATS_TEST_TMPDIR/gsmqd.toml"
  gsmqd_start --config "$BATS_TEST_TMPDIR/gsmqd.toml"
  old=$(( $(date +%s) * 1000000 - 3000000 ))
  echo "{\"body\":\"frame\",\"ts\":$old}" | gsmq-send "$GSMQ/video/cam1"
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$GSMQ/video/cam1"
  assert_success
  [[ "$(jq -c '[.body, .deadline_ms, (.meta."gsmq.late_ms" | tonumber >= 1900)]' <<<"$output")" == '["frame",1000,true]' ]]
}

@test "a rule's late action sends late messages to a channel of its choosing" {
  echo 'rule brake when channel ~ car/* then deadline 1s, late to late/{channel}' >"$BATS_TEST_TMPDIR/late.rules"
  gsmqd_start --rules "$BATS_TEST_TMPDIR/late.rules"
  old=$(( $(date +%s) * 1000000 - 3000000 ))
  echo "{\"body\":\"brake\",\"ts\":$old}" | gsmq-send "$GSMQ/car/brake"
  run --separate-stderr gsmq-recv --wait 1s "$GSMQ/car/brake"  # finds it late: moved, not handed out
  assert_output ""
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$GSMQ/late/car/brake"
  assert_success
  [[ "$(jq -c '[.body, .meta."gsmq.dead_letter.reason"]' <<<"$output")" == '["brake","deadline"]' ]]
}

@test "a bad --channel-policy stops gsmqd with exit 2 naming it" {
  run --separate-stderr gsmqd --data-dir "$BATS_TEST_TMPDIR/d" --channel-policy 'video/* late=maybe'
  assert_failure 2
  [[ "$stderr" == *"--channel-policy 'video/* late=maybe': late: \"maybe\" is not deliver or dead-letter"* ]]
}
