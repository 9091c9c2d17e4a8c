#!/usr/bin/env bats
# Unix behaviour of the tools (gsmq(7) SIGNALS, EXIT STATUS): every record flushed at
# once, a closed pipe is a quiet end with status 0, the first SIGINT/SIGTERM drains and
# exits 0, a second one exits at once. Background processes close bats' fd 3 and are
# killed in teardown; every wait polls a condition, bounded in tries and time.

load helpers

# N small messages, one per line.
make_messages() {  # (seq and sed: a bash loop under bats's debug trap takes seconds)
  seq 1 "$1" | sed 's/.*/{"body":"message &"}/'
}

@test "gsmq-recv --follow flushes every record: a line appended to the file comes through a pipe at once" {
  echo '{"body":"first"}' >f.jsonl
  fifo_into seen.jsonl
  gsmq-recv --follow file:f.jsonl >out.fifo 3>&- &
  local recv=$!
  track_pid "$recv"
  poll_until has_lines seen.jsonl 1
  echo '{"body":"second"}' >>f.jsonl
  poll_until has_lines seen.jsonl 2
  is_running "$recv"  # still following: the line came through while it runs
  kill -TERM "$recv"
  wait_for_exit "$recv"
  assert_equal "$status" 0
  wait_for_exit "$FIFO_READER"
  assert_equal "$(cat seen.jsonl)" $'{"body":"first"}\n{"body":"second"}'
}

@test "gsmq-send - flushes every record: each line comes out before the next one is read" {
  mkfifo in.fifo out.fifo
  gsmq-send - <in.fifo >out.fifo 3>&- &
  local send=$!
  track_pid "$send"
  cat out.fifo >seen.jsonl 3>&- &
  local reader=$!
  track_pid "$reader"
  exec 5>in.fifo
  echo '{"body":"one"}' >&5
  poll_until has_lines seen.jsonl 1
  echo '{"body":"two"}' >&5
  poll_until has_lines seen.jsonl 2
  exec 5>&-  # end of input: gsmq-send ends
  wait_for_exit "$send"
  assert_equal "$status" 0
  wait_for_exit "$reader"
  assert_equal "$(cat seen.jsonl)" $'{"body":"one"}\n{"body":"two"}'
}

@test "gsmq-recv --follow | head -1 ends quietly with status 0 when head closes the pipe" {
  make_messages 20000 >big.jsonl  # far more than a pipe holds
  run bash -c 'timeout 20 gsmq-recv --follow file:big.jsonl 2>err.txt | head -1; echo "${PIPESTATUS[*]}"'
  assert_success
  assert_output $'{"body":"message 1"}\n0 0'
  assert_equal "$(cat err.txt)" ""
}

@test "gsmq-recv --follow notices a closed pipe while it is idle, without a next message" {
  echo '{"body":"only"}' >one.jsonl
  # The file never grows: the reader's going away is what ends gsmq-recv (timeout = bug).
  run bash -c 'timeout 20 gsmq-recv --follow file:one.jsonl 2>recv.err | head -1; echo "${PIPESTATUS[*]}"'
  assert_output $'{"body":"only"}\n0 0'
  assert_equal "$(cat recv.err)" ""
}

@test "gsmq-send and gsmq-bridge end quietly with status 0 on a closed pipe" {
  make_messages 20000 >big.jsonl
  run bash -c 'timeout 20 gsmq-send - <big.jsonl 2>send.err | head -1; echo "${PIPESTATUS[*]}"'
  assert_output $'{"body":"message 1"}\n0 0'
  assert_equal "$(cat send.err)" ""
  run bash -c 'timeout 20 gsmq-bridge --quiet file:big.jsonl - 2>bridge.err | head -1; echo "${PIPESTATUS[*]}"'
  assert_output $'{"body":"message 1"}\n0 0'
  assert_equal "$(cat bridge.err)" ""
}

@test "SIGINT and SIGTERM stop gsmq-recv --follow: what was read is written, status 0" {
  make_messages 2 >f.jsonl
  for sig in INT TERM; do
    gsmq-recv --follow file:f.jsonl >"out.$sig" 3>&- &
    local pid=$!
    track_pid "$pid"
    poll_until has_lines "out.$sig" 2
    kill -s "$sig" "$pid"
    wait_for_exit "$pid"
    assert_equal "$status" 0
    assert_equal "$(cat "out.$sig")" "$(cat f.jsonl)"
  done
}

@test "SIGINT and SIGTERM stop gsmq-send reading a FIFO: what was read is written, status 0" {
  for sig in INT TERM; do
    rm -f in.fifo
    mkfifo in.fifo
    gsmq-send "file:out.$sig" <in.fifo 3>&- &
    local pid=$!
    track_pid "$pid"
    exec 5>in.fifo
    printf '%s\n' '{"body":"a"}' '{"body":"b"}' >&5
    poll_until has_lines "out.$sig" 2
    kill -s "$sig" "$pid"
    wait_for_exit "$pid"
    exec 5>&-
    assert_equal "$status" 0
    assert_equal "$(cat "out.$sig")" $'{"body":"a"}\n{"body":"b"}'
  done
}

@test "a second signal exits at once, even while the output is blocked" {
  # One 2 MiB message into a FIFO that nobody reads past its first byte: the write
  # cannot finish, so the first signal cannot complete the drain.
  { printf '{"body":"'; head -c 2097152 /dev/zero | tr '\0' x; printf '"}\n'; } >huge.jsonl
  mkfifo out.fifo
  gsmq-recv file:huge.jsonl >out.fifo 3>&- &
  local pid=$!
  track_pid "$pid"
  exec 5<out.fifo
  local first=""
  read -r -n 1 -u 5 first  # writing has begun (signal handlers are installed by then)
  assert_equal "$first" "{"
  kill -INT "$pid"
  kill -TERM "$pid"
  wait_for_exit "$pid"
  exec 5<&-
  # 128 + the signal that came second: 143 for TERM (130 if INT was handled last).
  [[ "$status" == 143 || "$status" == 130 ]] || fail "exit status $status, expected 143 (or 130)"
}

@test "a followed file that was truncated (copytruncate) is read again from its start" {
  printf '%s\n' '{"body":"a long line before the rotation"}' '{"body":"another long line before it"}' >f.jsonl
  gsmq-recv --follow file:f.jsonl >out.jsonl 3>&- &
  local pid=$!
  track_pid "$pid"
  poll_until has_lines out.jsonl 2
  echo '{"body":"new"}' >f.jsonl  # shorter than what was read
  poll_until has_lines out.jsonl 3
  kill -TERM "$pid"
  wait_for_exit "$pid"
  assert_equal "$status" 0
  assert_equal "$(tail -1 out.jsonl)" '{"body":"new"}'
}

@test "data on stdout, nothing else: gsmq-recv and gsmq-send are silent on stderr" {
  make_messages 3 >in.jsonl
  run --separate-stderr gsmq-recv file:in.jsonl
  assert_success
  assert_equal "$stderr" ""
  assert_equal "$output" "$(cat in.jsonl)"
  run --separate-stderr gsmq-send file:out.jsonl <in.jsonl
  assert_success
  assert_equal "$output" ""
  assert_equal "$stderr" ""
}

@test "empty input is a clean end" {
  run --separate-stderr gsmq-send - </dev/null
  assert_success
  assert_output ""
  : >empty.jsonl
  run gsmq-recv file:empty.jsonl
  assert_success
  assert_output ""
}
