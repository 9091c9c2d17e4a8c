#!/usr/bin/env bats
# gsmqd --rules: rules applied to every accepted message, the rules' hit counters
# (gsmqd rules show), reloading on SIGHUP and with gsmqd rules reload (a broken file keeps
# the rules in force and says why), a rate limit, and messages the daemon moves itself
# (dead-lettering) not being looked at again.

bats_require_minimum_version 1.5.0
load daemon_helpers

setup() {
  gsmq_setup
  RULES="$BATS_TEST_DIRNAME/rules/sensors.rules"
  READINGS="$BATS_TEST_DIRNAME/rules/readings.jsonl"
}

teardown() {
  daemon_teardown
}

hits_of() {
  gsmqd rules show "$GSMQ" | jq -r --arg r "$1" 'select(.rule == $r) | .hits'
}

@test "a rules file classifies readings and an alarm overtakes the backlog at priority 9" {
  gsmqd_start --rules "$RULES"
  for n in 1 2 3 4 5; do echo "{\"channel\":\"sensors/door/$n\",\"body\":{\"state\":\"closed\"}}"; done | gsmq-send "$GSMQ"
  echo '{"channel":"sensors/door/9","body":{"state":"open","site":"lab"}}' | gsmq-send "$GSMQ"
  run --separate-stderr gsmq-recv --count 6 --wait 5s "$GSMQ/readings/door"
  assert_success
  first="$(head -1 <<<"$output")"
  [[ "$(jq -c '[.channel, .priority, .meta.kind, .meta.site, .body.state]' <<<"$first")" == '["readings/door",9,"door","lab","open"]' ]]
  [[ "$(tail -5 <<<"$output" | jq -r .body.state | sort -u)" == closed ]]
  # the copy made for the alarm
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$GSMQ/alarms"
  assert_success
  [[ "$(jq -c '[.priority, .body.state]' <<<"$output")" == '[9,"open"]' ]]
  # counters per rule
  [[ "$(hits_of door)" == 6 ]]
  [[ "$(hits_of door-open)" == 1 ]]
  [[ "$(hits_of motion)" == 0 ]]
  run gsmqd rules show "$GSMQ"
  assert_success
  [[ "$(wc -l <<<"$output")" -eq 8 ]]
  [[ "$(head -1 <<<"$output" | jq -c '{set, rule, line, file}')" == "{\"set\":\"classify\",\"rule\":\"door\",\"line\":3,\"file\":\"$RULES\"}" ]]
}

@test "gsmq-send --print shows the channel a rule routed to, and dropped_by; a dropped message is not stored" {
  gsmqd_start --rules "$RULES"
  run --separate-stderr gsmq-send --print "$GSMQ" <<<'{"channel":"sensors/motion/1","body":{"motion":true}}'
  assert_success
  [[ "$(jq -r .channel <<<"$output")" == readings/motion ]]
  run --separate-stderr gsmq-send --print "$GSMQ" < <(
    printf '%s\n' '{"channel":"debug/a","body":"1"}' '{"channel":"debug/a","body":"2"}' '{"channel":"debug/a","body":"3"}' '{"channel":"debug/a","body":"4"}')
  assert_success
  [[ "$(jq -c '[.dropped_by, (.seq > 0)]' <<<"$output" | paste -sd ' ')" == '[null,true] ["debug",false] ["debug",false] [null,true]' ]]
  run --separate-stderr gsmq-recv --count 2 --wait 5s "$GSMQ/debug/a"
  assert_success
  [[ "$(jq -r .body <<<"$output" | paste -sd ' ')" == "1 4" ]]
  run gsmqd rules show "$GSMQ"
  [[ "$(jq -c 'select(.rule == "debug") | [.hits, .dropped]' <<<"$output")" == '[4,2]' ]]
}

@test "a rate-limited channel passes N and handles the excess as configured" {
  gsmqd_start --rules "$RULES"
  for n in $(seq 1 10); do echo "{\"channel\":\"telemetry\",\"body\":\"$n\"}"; done | gsmq-send "$GSMQ"
  run --separate-stderr gsmq-recv --count 3 --wait 5s "$GSMQ/telemetry"
  assert_success
  [[ "$(jq -r .body <<<"$output" | paste -sd ' ')" == "1 2 3" ]]
  run --separate-stderr gsmq-recv --count 7 --wait 5s "$GSMQ/telemetry/over"
  assert_success
  [[ "$(jq -r .body <<<"$output" | paste -sd ' ')" == "4 5 6 7 8 9 10" ]]
  run gsmqd rules show "$GSMQ"
  [[ "$(jq -c 'select(.rule == "chatty") | [.hits, .over_limit, .dropped]' <<<"$output")" == '[10,7,0]' ]]
}

@test "SIGHUP reloads the rules; a broken file keeps the old ones and says why" {
  live="$BATS_TEST_TMPDIR/live.rules"
  cp "$RULES" "$live"
  gsmqd_start --rules "$live"
  echo '{"channel":"other","body":"a"}' | gsmq-send "$GSMQ"
  # a new rule: everything on "other" goes to priority 7
  echo 'rule other when channel == other then priority 7' >>"$live"
  kill -HUP "$GSMQD_PID"
  poll_until grep -q '"rules reloaded"' "$GSMQD_LOG"
  echo '{"channel":"other","body":"b"}' | gsmq-send "$GSMQ"
  run --separate-stderr gsmq-recv --count 2 --wait 5s "$GSMQ/other"
  assert_success
  [[ "$(jq -c '[.body, .priority]' <<<"$output" | paste -sd ' ')" == '["b",7] ["a",null]' ]]
  [[ "$(hits_of other)" == 1 ]]

  # broken: refused with file, line and reason; the rules in force stay
  echo 'rule worse when channel == other then priority 99' >>"$live"
  kill -HUP "$GSMQD_PID"
  poll_until grep -q 'rules not reloaded' "$GSMQD_LOG"
  grep 'rules not reloaded' "$GSMQD_LOG" | grep -q "live.rules:16: priority"
  echo '{"channel":"other","body":"c"}' | gsmq-send "$GSMQ"
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$GSMQ/other"
  [[ "$(jq -r .priority <<<"$output")" == 7 ]]
  run gsmqd rules show "$GSMQ"
  [[ "$(head -1 <<<"$output" | jq -r .last_error)" == *"live.rules:16: priority \"99\": expected an integer 0-9" ]]
  is_running "$GSMQD_PID"
}

@test "gsmqd rules reload: the admin call, with the refusal as its exit status" {
  live="$BATS_TEST_TMPDIR/live.rules"
  echo 'rule a when channel == x then priority 1' >"$live"
  gsmqd_start --rules "$live"
  echo 'rule b when channel == x then priority 2' >>"$live"
  run --separate-stderr gsmqd rules reload "$GSMQ"
  assert_success
  assert_output '{"rules":2}'
  echo 'rule c then explode' >>"$live"
  run --separate-stderr gsmqd rules reload "$GSMQ"
  assert_failure 3
  [[ "$stderr" == *"live.rules:3: at column 13: unknown action \"explode\""*"(the rules in force stay: 2 rules)" ]]
  run gsmqd rules show "$GSMQ"
  [[ "$(wc -l <<<"$output")" -eq 2 ]]
}

@test "without --rules: show lists none, reload is a usage error, SIGHUP does not stop gsmqd" {
  gsmqd_start
  run --separate-stderr gsmqd rules show "$GSMQ"
  assert_success
  assert_output ""
  run --separate-stderr gsmqd rules reload "$GSMQ"
  assert_failure 2
  [[ "$stderr" == *"without --rules"* ]]
  kill -HUP "$GSMQD_PID"
  poll_until grep -q 'no rules to reload' "$GSMQD_LOG"
  is_running "$GSMQD_PID"
}

@test "gsmqd does not start with a bad rules file, and names the line" {
  printf '%s\n' 'rule a then priority 1' 'rule b then' >"$BATS_TEST_TMPDIR/bad.rules"
  run --separate-stderr gsmqd --listen 127.0.0.1:0 --data-dir "$BATS_TEST_TMPDIR/data" --rules "$BATS_TEST_TMPDIR/bad.rules"
  assert_failure 2
  [[ "$stderr" == *"--rules $BATS_TEST_TMPDIR/bad.rules:2: at column 12: expected an action"* ]]
}

@test "messages the daemon moves itself are not looked at again: a dead-lettered one is kept" {
  live="$BATS_TEST_TMPDIR/live.rules"
  echo 'rule no-dead when channel == dead then drop' >"$live"
  gsmqd_start --rules "$live"
  echo '{"channel":"jobs","body":"poison","max_receives":1,"dead_letter":"dead"}' | gsmq-send "$GSMQ"
  run --separate-stderr gsmq-recv --count 1 --wait 5s --exec false "$GSMQ/jobs"
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$GSMQ/dead"
  assert_success
  [[ "$(jq -r .body <<<"$output")" == poison ]]
  # sent there directly, it is dropped
  echo '{"channel":"dead","body":"direct"}' | gsmq-send "$GSMQ"
  run --separate-stderr gsmq-recv --wait 1s "$GSMQ/dead"
  assert_output ""
}

@test "a rule that makes a message unstorable refuses it whole: nothing of it is stored" {
  live="$BATS_TEST_TMPDIR/live.rules"
  printf '%s\n' 'rule audit then copy audit' 'rule bad when channel == odd then copy {meta.nowhere}' >"$live"
  gsmqd_start --rules "$live"
  run --separate-stderr gsmq-send "$GSMQ" <<<'{"channel":"odd","body":"x"}'
  assert_failure 1
  [[ "$stderr" == *'after the rules: a rule'"'"'s copy to "": message has no channel'* ]]
  run --separate-stderr gsmq-recv --wait 1s "$GSMQ/odd"
  assert_output ""
  run --separate-stderr gsmq-recv --wait 1s "$GSMQ/audit"
  assert_output ""
  # a good one goes through, with its audit copy
  gsmq-send "$GSMQ" <<<'{"channel":"even","body":"y"}'
  run --separate-stderr gsmq-recv --count 1 --wait 5s "$GSMQ/audit"
  [[ "$(jq -r .body <<<"$output")" == y ]]
}
