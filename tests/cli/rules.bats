#!/usr/bin/env bats
# Rules files without a daemon: gsmqd rules check, gsmqd rules test (the dry run) and
# gsmq-bridge --rules. The daemon's --rules, reloads and counters: daemon_rules.bats.

bats_require_minimum_version 1.5.0

setup() {
  load /usr/lib/bats/bats-support/load
  load /usr/lib/bats/bats-assert/load
  PATH="${GSMQ_BIN_DIR:-$BATS_TEST_DIRNAME/../../build/ci/tools}:$PATH"
  RULES="$BATS_TEST_DIRNAME/rules/sensors.rules"
  READINGS="$BATS_TEST_DIRNAME/rules/readings.jsonl"
  cd "$BATS_TEST_TMPDIR"
}

@test "rules check: a good file is summed up, exit 0" {
  run --separate-stderr gsmqd rules check "$RULES"
  assert_success
  assert_output "$RULES: 3 rule sets, 8 rules"
}

@test "rules check: a bad file is refused with file, line and reason, exit 3" {
  printf '%s\n' 'rule a then priority 1' '' 'rule b when body.temp > 30 then priority 12' >bad.rules
  run --separate-stderr gsmqd rules check bad.rules
  assert_failure 3
  assert_output ""
  [[ "$stderr" == 'gsmqd: bad.rules:3: priority "12": expected an integer 0-9' ]]

  printf '%s\n' 'rule a when colour == red then drop' >bad.rules
  run --separate-stderr gsmqd rules check bad.rules
  assert_failure 3
  [[ "$stderr" == "gsmqd: bad.rules:1: unknown field colour"* ]]

  run --separate-stderr gsmqd rules check missing.rules
  assert_failure 3
  [[ "$stderr" == "gsmqd: missing.rules: cannot read the rules file"* ]]
}

@test "rules test: classifies door and motion readings, raises alarms, copies, samples" {
  run --separate-stderr gsmqd rules test "$RULES" <"$READINGS"
  assert_success
  dry="$output"
  [[ "$(wc -l <<<"$dry")" -eq 6 ]]
  # a closed door: classified and routed, priority unchanged
  run jq -c '.out[] | {channel, priority, meta}' <<<"$(sed -n 1p <<<"$dry")"
  assert_output '{"channel":"readings/door","priority":null,"meta":{"kind":"door","site":"lab"}}'
  output="$dry"
  # an open door: priority 9, and a copy to alarms made before the route
  line2="$(sed -n 2p <<<"$output")"
  [[ "$(jq -c .rules <<<"$line2")" == '["door","site","door-open","readings"]' ]]
  [[ "$(jq -c '[.out[] | {channel, priority}]' <<<"$line2")" == '[{"channel":"readings/door","priority":9},{"channel":"alarms","priority":9}]' ]]
  # motion: priority 5
  [[ "$(sed -n 3p <<<"$output" | jq -c '.out[0] | [.channel, .priority, .meta.site]')" == '["readings/motion",5,"hall"]' ]]
  # debug: 1 in 3 kept
  [[ "$(sed -n 4p <<<"$output" | jq -c '[.dropped_by, (.out | length)]')" == '[null,1]' ]]
  [[ "$(sed -n 5p <<<"$output" | jq -c '[.dropped_by, (.out | length)]')" == '["debug",0]' ]]
  # no rule matched: the message as it came
  [[ "$(sed -n 6p <<<"$output" | jq -c '[.rules, .out[0].channel, .out[0].body]')" == '[[],"other","untouched"]' ]]
}

@test "rules test: a limit passes N per period by the messages' ts and handles the excess" {
  for n in 0 1 2 3 4; do
    echo "{\"channel\":\"telemetry\",\"body\":\"$n\",\"ts\":$((1764000000000000 + n * 1000000))}"
  done >telemetry.jsonl
  # 3/h: a bucket of 3, refilled one token per 20 minutes
  echo '{"channel":"telemetry","body":"later","ts":1764001200000000}' >>telemetry.jsonl
  run --separate-stderr gsmqd rules test "$RULES" <telemetry.jsonl
  assert_success
  run jq -r '.out[0].channel' <<<"$output"
  assert_output $'telemetry\ntelemetry\ntelemetry\ntelemetry/over\ntelemetry/over\ntelemetry'
}

@test "rules test: a bad line is named and skipped, exit 3" {
  printf '%s\n' '{"channel":"other","body":"a"}' 'not json' '{"channel":"other","body":"b"}' >in.jsonl
  run --separate-stderr gsmqd rules test "$RULES" <in.jsonl
  assert_failure 3
  [[ "$(jq -r '.out[0].body' <<<"$output" | paste -sd ' ')" == "a b" ]]
  [[ "$stderr" == "LINE 2: "* ]]
}

@test "gsmq-bridge --rules: changes, copies and drops what it moves; dropped ones count as skipped" {
  run --separate-stderr gsmq-bridge --rules "$RULES" "file:$READINGS" -
  assert_success
  run jq -c '[.channel, .priority, .meta.kind]' <<<"$output"
  assert_output - <<'OUT'
["readings/door",null,"door"]
["readings/door",9,"door"]
["alarms",9,"door"]
["readings/motion",5,"motion"]
["debug/x",null,null]
["other",null,null]
OUT
  # the open door and its copy are one message at the source: delivered once both were
  [[ "$stderr" == *"received 6, delivered 5, failed 0, retried 0, skipped 1"* ]]
}

@test "gsmq-bridge --rules with a bad file is a usage error naming the line" {
  printf '%s\n' 'ruleset a sometimes' >bad.rules
  run --separate-stderr gsmq-bridge --rules bad.rules "file:$READINGS" -
  assert_failure 2
  [[ "$stderr" == *"--rules bad.rules:1: at column 11: expected first or all"* ]]
}

@test "--filter takes the whole expression language" {
  run --separate-stderr gsmq-bridge --quiet --filter 'channel ~ sensors/* and (body.state == open or body.motion == true)' \
    "file:$READINGS" -
  assert_success
  run jq -c .body <<<"$output"
  assert_output $'{"state":"open","site":"lab"}\n{"motion":true,"site":"hall"}'
  run --separate-stderr gsmq-bridge --filter 'channel =~ ^debug/ and not body in [1, 3]' "file:$READINGS" -
  assert_success
  assert_output '{"channel":"debug/x","body":"2","ts":1764000004000000}'
}
