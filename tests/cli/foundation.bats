#!/usr/bin/env bats
# The foundation tools on the "-" and file: endpoints: lossless round trips, --raw, -m,
# --priority, --count/--wait, file URLs, --help and --version.

load helpers

# Messages that exercise the whole envelope: binary bodies, JSON-valued bodies, unicode,
# control characters, meta, policy fields and unknown fields of every JSON type.
write_varied_messages() {
  cat >"$1" <<'JSON'
{"channel":"sensors/door","body":"open","id":"5f1c","ts":1764000000123456,"priority":3,"meta":{"content-type":"text/plain","mqtt.qos":"1"}}
{"channel":"bin","body_b64":"/wD+AAEC"}
{"channel":"json","body":{"temp":21.5,"tags":["a","b"],"ok":true,"none":null}}
{"body":[1,2,3]}
{"body":42}
{"body":null}
{"body":false}
{"channel":"日本/データ","body":"café ☕ 🚪 \u0000 \t \" \\ \n line","meta":{"ключ":"значение"}}
{"body":""}
{"body":"policy","ttl_ms":60000,"delay_ms":1500,"max_receives":5,"dead_letter":"dlq","receive_count":2,"seq":7}
{"body":"extra","x-null":null,"x-bool":true,"x-int":-12,"x-float":0.25,"x-string":"s","x-array":[1,{"a":[]}],"x-object":{"k":{"n":1}}}
{"body":"priority nine","priority":9}
JSON
}

@test "gsmq-recv file: | gsmq-send file: reproduces the same messages" {
  write_varied_messages in.jsonl
  run bash -c 'gsmq-recv file:in.jsonl | gsmq-send file:out.jsonl; echo "${PIPESTATUS[*]}"'
  assert_success
  assert_output "0 0"
  assert_equal "$(count_lines out.jsonl)" "$(count_lines in.jsonl)"
  diff <(canonical in.jsonl) <(canonical out.jsonl)
}

@test "a second round trip gives byte-identical lines, large integers included" {
  write_varied_messages in.jsonl
  echo '{"body":"big","ts":9223372036854775807,"seq":18446744073709551615,"x-big":-9223372036854775808}' >>in.jsonl
  gsmq-recv file:in.jsonl >first.jsonl
  gsmq-send file:copy.jsonl <first.jsonl
  gsmq-recv file:copy.jsonl >second.jsonl
  cmp first.jsonl second.jsonl
  run grep '"body":"big"' first.jsonl  # not jq: its numbers are doubles
  assert_output --partial '"ts":9223372036854775807'
  assert_output --partial '"seq":18446744073709551615'
  assert_output --partial '"x-big":-9223372036854775808'
}

@test "a JSON body is its text as written: gsmq-send writes it back as it is, trimmed of the spaces around it" {
  printf '%s\n' '{"body": {"b":2,"a":12.50} , "id":"x"}' '{"body":[ 1E+2,-0 ]}' '{"body":1e-400}' >in.jsonl
  run --separate-stderr gsmq-send - <in.jsonl
  assert_success
  assert_output $'{"body":{"b":2,"a":12.50},"id":"x"}\n{"body":[ 1E+2,-0 ]}\n{"body":1e-400}'
  gsmq-send file:copy.jsonl <<<"$output"
  run --separate-stderr gsmq-recv --raw file:copy.jsonl
  assert_output $'{"b":2,"a":12.50}\n[ 1E+2,-0 ]\n1e-400'
}

@test "binary bodies stay byte-exact through body_b64" {
  printf '\xff\x00\xfe binary \x80' >bytes.bin
  body_b64=$(base64 -w0 bytes.bin)
  echo "{\"body_b64\":\"$body_b64\"}" | gsmq-send file:out.jsonl
  run jq -r .body_b64 out.jsonl
  assert_output "$body_b64"
  gsmq-recv --raw file:out.jsonl >back.bin
  cmp <(cat bytes.bin; echo) back.bin  # the body, then the line's newline
}

@test "gsmq-bridge file:in.jsonl - prints the file's messages" {
  write_varied_messages in.jsonl
  run --separate-stderr gsmq-bridge file:in.jsonl -
  assert_success
  diff <(canonical in.jsonl) <(jq -cS . <<<"$output")
  [[ "$stderr" == "gsmq-bridge: received 12, delivered 12, failed 0, "* ]]
}

@test "gsmq-bridge file: to file: appends, and --quiet drops the summary" {
  write_varied_messages in.jsonl
  echo '{"body":"already there"}' >out.jsonl
  run --separate-stderr gsmq-bridge --quiet file:in.jsonl file:out.jsonl
  assert_success
  assert_equal "$stderr" ""
  assert_equal "$(count_lines out.jsonl)" 13
  assert_equal "$(head -1 out.jsonl)" '{"body":"already there"}'
  diff <(canonical in.jsonl) <(tail -n +2 out.jsonl | jq -cS .)
}

@test "gsmq-send - writes JSON lines to stdout, one per message, nothing on stderr" {
  run --separate-stderr gsmq-send - <<<'{"channel":"c","body":"x"}
{"body":"y","priority":2}'
  assert_success
  assert_equal "$stderr" ""
  assert_output $'{"channel":"c","body":"x"}\n{"body":"y","priority":2}'
}

@test "--raw on input: each bare line is a body" {
  printf 'hello world\n{"not":"parsed"}\n\xff\xfe\n\nlast without newline' >raw.txt
  run gsmq-send --raw - <raw.txt
  assert_success
  assert_output "$(printf '%s\n' '{"body":"hello world"}' '{"body":"{\"not\":\"parsed\"}"}' \
    '{"body_b64":"//4="}' '{"body":""}' '{"body":"last without newline"}')"
}

@test "--raw on output: gsmq-recv prints bare bodies" {
  printf '%s\n' '{"channel":"a","body":"first line"}' '{"body":{"k":1}}' '{"body_b64":"AP8K"}' >in.jsonl
  gsmq-recv --raw file:in.jsonl >out.bin
  printf 'first line\n{"k":1}\n\x00\xff\n\n' >expected.bin
  cmp expected.bin out.bin
}

@test "gsmq-send --raw into a file, gsmq-recv --raw out of it: the lines come back unchanged" {
  printf 'one\ntwo\tthree\n  four  \n' >lines.txt
  gsmq-send --raw file:msgs.jsonl <lines.txt
  diff lines.txt <(jq -r .body msgs.jsonl)  # the file holds envelopes
  gsmq-recv --raw file:msgs.jsonl >back.txt
  cmp lines.txt back.txt
}

@test "-m sends each TEXT as one message and does not read stdin" {
  run gsmq-send -m hello -m 'wörld, "quoted"' - <<<'{"body":"from stdin"}'
  assert_success
  assert_output $'{"body":"hello"}\n{"body":"wörld, \\"quoted\\""}'
}

@test "-m messages go to a file endpoint" {
  gsmq-send -m a -m b file:out.jsonl
  gsmq-send -m c file:out.jsonl
  run gsmq-recv file:out.jsonl
  assert_output $'{"body":"a"}\n{"body":"b"}\n{"body":"c"}'
}

@test "--priority is the default for messages that set none; a line's own priority wins" {
  run gsmq-send --priority 7 - <<<'{"body":"none"}
{"body":"three","priority":3}'
  assert_success
  assert_output $'{"body":"none","priority":7}\n{"body":"three","priority":3}'
  run gsmq-send -p 9 -m urgent -
  assert_output '{"body":"urgent","priority":9}'
}

@test "--count stops after N messages" {
  for i in $(seq 1 100); do echo "{\"body\":\"$i\"}"; done >many.jsonl
  run gsmq-recv --count 3 file:many.jsonl
  assert_success
  assert_output $'{"body":"1"}\n{"body":"2"}\n{"body":"3"}'
}

@test "--count 5 --wait 300ms --follow on a file of 2 lines prints the 2 and exits 5" {
  printf '%s\n' '{"body":"a"}' '{"body":"b"}' >two.jsonl
  run --separate-stderr gsmq-recv --count 5 --wait 300ms --follow file:two.jsonl
  assert_equal "$status" 5
  assert_output $'{"body":"a"}\n{"body":"b"}'
}

@test "--wait alone ends a followed read with status 0" {
  printf '%s\n' '{"body":"a"}' >one.jsonl
  run gsmq-recv --wait 200ms --follow file:one.jsonl
  assert_success
  assert_output '{"body":"a"}'
}

@test "without --follow the end of the file ends the run, even before --count" {
  printf '%s\n' '{"body":"a"}' '{"body":"b"}' >two.jsonl
  run gsmq-recv --count 5 file:two.jsonl
  assert_success
  assert_output $'{"body":"a"}\n{"body":"b"}'
}

@test "--count on stdin" {
  run gsmq-recv --count 1 - <<<'{"body":"a"}
{"body":"b"}'
  assert_success
  assert_output '{"body":"a"}'
}

@test "file:///ABSOLUTE and file:RELATIVE name the same file" {
  gsmq-send -m x "file://$PWD/abs.jsonl"
  run gsmq-recv file:abs.jsonl
  assert_output '{"body":"x"}'
  run gsmq-recv "file:$PWD/abs.jsonl"
  assert_output '{"body":"x"}'
}

@test "file:PATH?follow follows like --follow; percent-escapes in the path are decoded" {
  printf '%s\n' '{"body":"a"}' >'my file.jsonl'
  run gsmq-recv --count 2 --wait 300ms 'file:my%20file.jsonl?follow'
  assert_equal "$status" 5
  assert_output '{"body":"a"}'
}

@test "file:PATH?fsync appends every record" {
  gsmq-send -m a -m b 'file:synced.jsonl?fsync'
  run gsmq-recv file:synced.jsonl
  assert_output $'{"body":"a"}\n{"body":"b"}'
}

@test "--help of every tool prints the usage with examples and exits 0" {
  for tool in gsmq-send gsmq-recv gsmq-bridge; do
    run --separate-stderr "$tool" --help
    assert_success
    assert_output --partial "Usage: $tool [OPTIONS]"
    assert_output --partial "Examples:"
    assert_output --partial "Exit status:"
    assert_equal "$stderr" ""
    run "$tool" -h
    assert_success
    assert_output --partial "Usage: $tool"
  done
}

@test "--version of every tool prints '<tool> <version>' and exits 0" {
  local version
  version=$(gsmq_version)
  [[ -n "$version" ]]
  for tool in gsmq-send gsmq-recv gsmq-bridge; do
    run "$tool" --version
    assert_success
    assert_output "$tool $version"
    run "$tool" -V
    assert_output "$tool $version"
  done
}

@test "an unknown flag is named, before any missing argument, in every tool" {
  for tool in gsmq-send gsmq-recv gsmq-bridge gsmq-gen gsmqd; do
    run --separate-stderr "$tool" --no-such-flag
    assert_failure 2
    [[ "$stderr" == "$tool: The following argument was not expected: --no-such-flag"* ]] || fail "$tool said: $stderr"
  done
}
