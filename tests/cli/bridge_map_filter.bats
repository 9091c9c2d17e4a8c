#!/usr/bin/env bats
# gsmq-bridge --map, --filter and several sinks (tee), on file and stdio endpoints.

bats_require_minimum_version 1.5.0

setup() {
  load /usr/lib/bats/bats-support/load
  load /usr/lib/bats/bats-assert/load
  PATH="${GSMQ_BIN_DIR:-$BATS_TEST_DIRNAME/../../build/ci/tools}:$PATH"
  cd "$BATS_TEST_TMPDIR"
  cat > in.jsonl <<'JSON'
{"channel":"sensors/a","body":{"temp":35},"meta":{"site":"lab"}}
{"channel":"sensors/b","body":{"temp":20},"meta":{"site":"lab"}}
{"channel":"other/c","body":{"temp":50},"meta":{"site":"field"}}
JSON
}

@test "--filter passes only matching messages and counts the others as skipped" {
  run --separate-stderr gsmq-bridge --filter 'channel~sensors/*' --filter 'body.temp>30' file:in.jsonl -
  assert_success
  assert_output '{"channel":"sensors/a","body":{"temp":35},"meta":{"site":"lab"}}'
  [[ "$stderr" == *"received 3, delivered 1, failed 0, retried 0, skipped 2"* ]]
}

@test "--map rewrites the channel from a template" {
  run gsmq-bridge --quiet --map '{meta.site}/{channel}' file:in.jsonl -
  assert_success
  run jq -r .channel <<<"$output"
  assert_output $'lab/sensors/a\nlab/sensors/b\nfield/other/c'
}

@test "several sinks each get every message" {
  run gsmq-bridge --quiet file:in.jsonl file:copy1.jsonl file:copy2.jsonl -
  assert_success
  assert_equal "$(wc -l < copy1.jsonl)" 3
  cmp copy1.jsonl copy2.jsonl
  assert_equal "$(jq -c . copy1.jsonl)" "$(jq -c . in.jsonl)"
}

@test "a bad --filter or --map is a usage error" {
  run gsmq-bridge --filter 'temperature' file:in.jsonl -
  assert_failure 2
  assert_output --partial 'expected FIELD OP VALUE'
  run gsmq-bridge --map '{nope}' file:in.jsonl -
  assert_failure 2
  assert_output --partial 'unknown placeholder {nope}'
}

@test "a failing sink among several fails the message (exit 1)" {
  run gsmq-bridge --quiet file:in.jsonl - file:/dev/full
  assert_failure 1
}
