#!/usr/bin/env bats
# Bad input and bad usage (gsmq(7) THE ENVELOPE, EXIT STATUS): a bad line is reported as
# "TOOL: LINE N: <what is wrong>" on stderr and skipped, the good lines around it go through,
# and the tool exits 3 at the end; usage errors exit 2; a missing endpoint exits 4.

load helpers

write_mixed_input() {
  cat >"$1" <<'JSON'
{"body":"good 1"}
{"body":"x","priority":"high"}
not json at all
{"body":"good 2"}
[1,2]
{"meta":{"x":1},"body":"y"}
{"body":"a","body_b64":"YQ=="}
{"body_b64":"***"}
{"body":"good 3"}
JSON
}

# The stderr every tool prints for write_mixed_input (line 3's parser detail aside).
assert_mixed_input_reported() {
  local err="$1" tool="$2"
  assert_equal "$(grep -c "^$tool: LINE " <<<"$err")" 6
  assert_equal "$(grep "^$tool: LINE 2:" <<<"$err")" "$tool: LINE 2: field \"priority\": expected an integer 0-9"
  [[ "$(grep "^$tool: LINE 3:" <<<"$err")" == "$tool: LINE 3: invalid JSON"* ]]
  assert_equal "$(grep "^$tool: LINE 5:" <<<"$err")" "$tool: LINE 5: expected a JSON object, got array"
  assert_equal "$(grep "^$tool: LINE 6:" <<<"$err")" "$tool: LINE 6: field \"meta.x\": expected a string"
  assert_equal "$(grep "^$tool: LINE 7:" <<<"$err")" "$tool: LINE 7: fields \"body\" and \"body_b64\": give exactly one"
  assert_equal "$(grep "^$tool: LINE 8:" <<<"$err")" "$tool: LINE 8: field \"body_b64\": not valid base64"
}


GOOD_LINES=$'{"body":"good 1"}\n{"body":"good 2"}\n{"body":"good 3"}'

@test "gsmq-send: bad lines are reported and skipped, good lines go through, exit 3" {
  write_mixed_input in.jsonl
  run --separate-stderr gsmq-send - <in.jsonl
  assert_equal "$status" 3
  assert_output "$GOOD_LINES"
  assert_mixed_input_reported "$stderr" gsmq-send
}

@test "gsmq-send into a file: the good lines are in the file, exit 3" {
  write_mixed_input in.jsonl
  run --separate-stderr gsmq-send file:out.jsonl <in.jsonl
  assert_equal "$status" 3
  assert_equal "$(cat out.jsonl)" "$GOOD_LINES"
  assert_mixed_input_reported "$stderr" gsmq-send
}

@test "gsmq-recv: bad lines of a file are reported and skipped, exit 3" {
  write_mixed_input in.jsonl
  run --separate-stderr gsmq-recv file:in.jsonl
  assert_equal "$status" 3
  assert_output "$GOOD_LINES"
  assert_mixed_input_reported "$stderr" gsmq-recv
}

@test "gsmq-bridge: bad lines are reported and skipped, exit 3" {
  write_mixed_input in.jsonl
  run --separate-stderr gsmq-bridge file:in.jsonl file:out.jsonl
  assert_equal "$status" 3
  assert_equal "$(cat out.jsonl)" "$GOOD_LINES"
  assert_mixed_input_reported "$stderr" gsmq-bridge
  [[ "$stderr" == *"gsmq-bridge: received 3, delivered 3, failed 0, "*"bad input 6"* ]]
}

@test "--quiet does not hide bad input" {
  write_mixed_input in.jsonl
  run --separate-stderr gsmq-send --quiet - <in.jsonl
  assert_equal "$status" 3
  assert_mixed_input_reported "$stderr" gsmq-send
}

@test "bad input wins over a timeout before --count (3 over 5)" {
  printf '%s\n' '{"body":"good"}' '{"priority":11}' >f.jsonl
  run --separate-stderr gsmq-recv --count 5 --wait 200ms --follow file:f.jsonl
  assert_equal "$status" 3
  assert_output '{"body":"good"}'
  assert_equal "$stderr" 'gsmq-recv: LINE 2: field "priority": expected an integer 0-9'
}

@test "a number too large for a double is one bad line; the lines after it still go through" {
  printf '%s\n' '{"body":"before"}' '{"body":1e400}' '{"body":"after"}' >in.jsonl
  run --separate-stderr gsmq-send - <in.jsonl
  assert_equal "$status" 3
  assert_output $'{"body":"before"}\n{"body":"after"}'
  assert_equal "$stderr" "gsmq-send: LINE 2: invalid JSON: number overflow parsing '1e400'"
  run --separate-stderr gsmq-recv file:in.jsonl
  assert_equal "$status" 3
  assert_output $'{"body":"before"}\n{"body":"after"}'
  assert_equal "$stderr" "gsmq-recv: LINE 2: invalid JSON: number overflow parsing '1e400'"
}

# A line whose body is NUMBER arrays deep around 1: deep_line 1 is {"body":[1]}.
deep_line() {
  /usr/bin/python3 -c 'import sys; d = int(sys.argv[1]); print("{\"body\":" + "[" * d + "1" + "]" * d + "}")' "$1"
}

@test "a line nested deeper than 128 levels is bad input; exactly 128 (the envelope counts) is fine" {
  { echo '{"body":"before"}'; deep_line 127; deep_line 128; deep_line 100000; echo '{"body":"after"}'; } >deep.jsonl
  run --separate-stderr gsmq-send - <deep.jsonl
  assert_equal "$status" 3
  assert_equal "$output" "$(sed -n '1p;2p;5p' deep.jsonl)"
  assert_equal "$stderr" $'gsmq-send: LINE 3: nested deeper than the limit of 128 levels\ngsmq-send: LINE 4: nested deeper than the limit of 128 levels'
  run --separate-stderr gsmq-recv file:deep.jsonl
  assert_equal "$status" 3
  assert_equal "$output" "$(sed -n '1p;2p;5p' deep.jsonl)"
}

@test "blank lines (empty, spaces, tabs, a CR line end) are skipped, not bad input, and still counted" {
  printf '%s\n' '{"body":"one"}' '' '   ' $'\t ' $'\r' $' \t\r' '{"body":"two"}' '{"priority":10}' >blank.jsonl
  run --separate-stderr gsmq-send - <blank.jsonl
  assert_equal "$status" 3
  assert_output $'{"body":"one"}\n{"body":"two"}'
  assert_equal "$stderr" 'gsmq-send: LINE 8: field "priority": expected an integer 0-9'
  run --separate-stderr gsmq-recv file:blank.jsonl
  assert_equal "$status" 3
  assert_output $'{"body":"one"}\n{"body":"two"}'
  assert_equal "$stderr" 'gsmq-recv: LINE 8: field "priority": expected an integer 0-9'
  printf '\n \n' >only-blank.jsonl
  run --separate-stderr gsmq-bridge file:only-blank.jsonl -
  assert_success
  assert_output ""
  # --raw: every line is a body, a blank one too
  run --separate-stderr gsmq-send --raw - < <(printf 'a\n\nb\n')
  assert_success
  assert_output $'{"body":"a"}\n{"body":""}\n{"body":"b"}'
}

@test "CRLF line ends are accepted" {
  printf '{"body":"dos"}\r\n{"body":"too"}\r\n' >crlf.jsonl
  run gsmq-recv file:crlf.jsonl
  assert_success
  assert_output $'{"body":"dos"}\n{"body":"too"}'
}

@test "a line longer than the limit is reported and skipped; the next line is fine" {
  # --max-body 1k allows lines of 6 x 1024 bytes (a body of escaped control characters)
  # plus 1 MiB for the other fields: 1054720 bytes.
  {
    echo '{"body":"before"}'
    printf '{"body":"'; head -c 2000000 /dev/zero | tr '\0' x; printf '"}\n'
    echo '{"body":"after"}'
  } >long.jsonl
  run --separate-stderr gsmq-recv --max-body 1k file:long.jsonl
  assert_equal "$status" 3
  assert_output $'{"body":"before"}\n{"body":"after"}'
  assert_equal "$stderr" "gsmq-recv: LINE 2: line longer than 1054720 bytes (see --max-body)"
}

@test "a body larger than --max-body is bad input; exactly at the limit is fine" {
  local at_limit over
  at_limit=$(head -c 1024 /dev/zero | tr '\0' a)
  over="${at_limit}b"
  printf '{"body":"%s"}\n{"body":"%s"}\n{"body_b64":"%s"}\n' "$at_limit" "$over" "$(printf '%s' "$over" | base64 -w0)" >in.jsonl
  run --separate-stderr gsmq-send --max-body 1k - <in.jsonl
  assert_equal "$status" 3
  assert_output "{\"body\":\"$at_limit\"}"
  assert_equal "$stderr" $'gsmq-send: LINE 2: body is 1025 bytes, more than the limit of 1024\ngsmq-send: LINE 3: body is 1025 bytes, more than the limit of 1024'
}

@test "a body at --max-body is accepted even in its longest JSON form (escaped control characters)" {
  # 1 MiB of U+0001, each written as \u0001: a 6 MiB line.
  { printf '{"body":"'; head -c 1048576 /dev/zero | tr '\0' x | sed 's/x/\\u0001/g'; printf '"}\n'; } >ctl.jsonl
  run --separate-stderr gsmq-recv --max-body 1MiB --raw file:ctl.jsonl
  assert_success
  assert_equal "$stderr" ""
  assert_equal "${#output}" 1048576
}

@test "--raw: a line longer than --max-body is bad input" {
  { echo short; head -c 2000 /dev/zero | tr '\0' y; echo; echo after; } >raw.txt
  run --separate-stderr gsmq-send --raw --max-body 1k - <raw.txt
  assert_equal "$status" 3
  assert_output $'{"body":"short"}\n{"body":"after"}'
  assert_equal "$stderr" "gsmq-send: LINE 2: body is 2000 bytes, more than the limit of 1024"
}

# Runs "$@" and checks: exit 2, nothing on stdout, and stderr starting with "$tool: ".
assert_usage_error() {
  local tool=$1
  run --separate-stderr "$@"
  assert_equal "$status" 2
  assert_output ""
  [[ "$stderr" == "$tool: "* ]] || fail "stderr of '$*' does not start with '$tool: ': $stderr"
}

@test "usage errors exit 2 with a message on stderr" {
  for tool in gsmq-send gsmq-recv gsmq-bridge; do
    assert_usage_error "$tool" --no-such-flag -
    assert_usage_error "$tool"
    assert_usage_error "$tool" --max-body lots -
  done
  assert_usage_error gsmq-recv nope://x
  assert_usage_error gsmq-send nope://x </dev/null
  assert_usage_error gsmq-bridge - nope://x </dev/null
  assert_usage_error gsmq-recv out.jsonl
  assert_usage_error gsmq-recv file:
  assert_usage_error gsmq-recv 'nope://h:99999/x'
  assert_usage_error gsmq-recv --wait soon -
  assert_usage_error gsmq-recv --count 0 -
  assert_usage_error gsmq-recv --count many -
  assert_usage_error gsmq-send --priority 10 -m x -
  assert_usage_error gsmq-bridge --max-in-flight 0 - -
  assert_usage_error gsmq-bridge -
}

@test "bad numbers and sizes are named in the usage error" {
  run --separate-stderr gsmq-recv --count 0 -
  assert_equal "$status" 2
  assert_equal "$(head -1 <<<"$stderr")" 'gsmq-recv: --count: expected a whole number of 1 or more, got "0"'
  run --separate-stderr gsmq-bridge --max-in-flight -1 - -
  assert_equal "$status" 2
  assert_equal "$(head -1 <<<"$stderr")" 'gsmq-bridge: --max-in-flight: expected a whole number of 1 or more, got "-1"'
  for size in -1 1.5M 99999999999999999G 64XB; do
    run --separate-stderr gsmq-send --max-body "$size" -m x -
    assert_equal "$status" 2
    assert_equal "$stderr" "gsmq-send: --max-body: \"$size\" is not a size (e.g. 64MiB)"
  done
}

@test "the unknown-scheme error names the scheme and the known ones" {
  run --separate-stderr gsmq-recv nope://x
  assert_equal "$status" 2
  [[ "$stderr" == 'gsmq-recv: unknown endpoint kind "nope" in nope://x (known: '*'file'* ]]
}

@test "a missing file or directory exits 4" {
  run --separate-stderr gsmq-recv file:missing.jsonl
  assert_equal "$status" 4
  assert_equal "$stderr" "gsmq-recv: cannot open missing.jsonl: No such file or directory"
  run --separate-stderr gsmq-send -m x file:no/such/dir/out.jsonl
  assert_equal "$status" 4
  assert_equal "$stderr" "gsmq-send: cannot open no/such/dir/out.jsonl: No such file or directory"
  run --separate-stderr gsmq-bridge file:missing.jsonl -
  assert_equal "$status" 4
  mkdir adir
  run --separate-stderr gsmq-recv file:adir
  assert_equal "$status" 4
  assert_equal "$stderr" "gsmq-recv: cannot open adir: Is a directory"
}

@test "permission refused exits 6" {
  [[ "$(id -u)" != 0 ]] || skip "running as root: chmod cannot refuse access"
  echo '{"body":"x"}' >locked.jsonl
  chmod 000 locked.jsonl
  run --separate-stderr gsmq-recv file:locked.jsonl
  assert_equal "$status" 6
  assert_equal "$stderr" "gsmq-recv: cannot open locked.jsonl: Permission denied"
}
