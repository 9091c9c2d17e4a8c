#!/usr/bin/env bats
# gsmqd events (fan-out, subscriber groups), the events-store (replay from each start
# position) and request-reply, through the real gsmq-send and gsmq-recv.

bats_require_minimum_version 1.5.0
load daemon_helpers

setup() {
  gsmqd_start
}

teardown() {
  daemon_teardown
}

# Starts `gsmq-recv ARGS...` in the background with stdout to file $1; sets BG_PID.
recv_bg() {
  local out="$1"
  shift
  gsmq-recv "$@" >"$out" 2>>"$BATS_TEST_TMPDIR/recv.err" 3>&- &
  BG_PID=$!
  track_pid "$BG_PID"
}

# Ends a background receiver the way a user does (SIGTERM) and waits for it, bounded.
stop_bg() {
  kill -TERM "$1" 2>/dev/null || true
  _wait_bounded "$1" || true
}

# Real-time events are only for those subscribed when they are published: publish probe
# events to channel $1 until each of files $2... shows one (so every subscriber is in).
wait_subscribed() {
  local channel="$1"
  shift
  all_saw_probe() {
    gsmq-send --events -m probe "$GSMQ/$channel" >/dev/null || return 1
    local f
    for f in "$@"; do grep -q '"body":"probe"' "$f" 2>/dev/null || return 1; done
  }
  poll_until all_saw_probe "$@"
}

# The non-probe bodies in file $1.
real_bodies() {
  jq -r 'select(.body != "probe") | .body' "$1"
}

real_count() {
  real_bodies "$1" | wc -l | tr -d ' '
}

@test "events: every subscriber gets every event, in order" {
  recv_bg "$BATS_TEST_TMPDIR/a" --events "$GSMQ/news"
  a=$BG_PID
  recv_bg "$BATS_TEST_TMPDIR/b" --events "$GSMQ/news"
  b=$BG_PID
  wait_subscribed news "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"

  run --separate-stderr gsmq-send --events -m e1 -m e2 -m e3 -m e4 -m e5 "$GSMQ/news"
  assert_success

  both_have_5() { [[ "$(real_count "$BATS_TEST_TMPDIR/a")" -ge 5 && "$(real_count "$BATS_TEST_TMPDIR/b")" -ge 5 ]]; }
  poll_until both_have_5
  stop_bg "$a"
  stop_bg "$b"
  [[ "$(real_bodies "$BATS_TEST_TMPDIR/a" | paste -sd ' ')" == "e1 e2 e3 e4 e5" ]]
  [[ "$(real_bodies "$BATS_TEST_TMPDIR/b" | paste -sd ' ')" == "e1 e2 e3 e4 e5" ]]
  [[ "$(jq -r 'select(.body == "e1") | .channel' "$BATS_TEST_TMPDIR/a")" == news ]]
}

@test "events: a subscriber group of two shares the load, each event to exactly one member" {
  recv_bg "$BATS_TEST_TMPDIR/g1" --events --group workers "$GSMQ/tasks"
  g1=$BG_PID
  recv_bg "$BATS_TEST_TMPDIR/g2" --events --group workers "$GSMQ/tasks"
  g2=$BG_PID
  # and one subscriber outside the group, which sees everything
  recv_bg "$BATS_TEST_TMPDIR/all" --events "$GSMQ/tasks"
  all=$BG_PID
  wait_subscribed tasks "$BATS_TEST_TMPDIR/g1" "$BATS_TEST_TMPDIR/g2" "$BATS_TEST_TMPDIR/all"

  gsmq-send --events $(for i in $(seq 1 20); do printf -- '-m t%02d ' "$i"; done) "$GSMQ/tasks"

  group_has_20() {
    [[ $(($(real_count "$BATS_TEST_TMPDIR/g1") + $(real_count "$BATS_TEST_TMPDIR/g2"))) -ge 20 &&
      "$(real_count "$BATS_TEST_TMPDIR/all")" -ge 20 ]]
  }
  poll_until group_has_20
  stop_bg "$g1"
  stop_bg "$g2"
  stop_bg "$all"

  expected="$(seq -f 't%02g' 1 20 | paste -sd ' ')"
  # together the members got each event exactly once
  [[ "$(cat <(real_bodies "$BATS_TEST_TMPDIR/g1") <(real_bodies "$BATS_TEST_TMPDIR/g2") | sort | paste -sd ' ')" == "$expected" ]]
  # both did some of the work
  [[ "$(real_count "$BATS_TEST_TMPDIR/g1")" -gt 0 && "$(real_count "$BATS_TEST_TMPDIR/g2")" -gt 0 ]]
  [[ "$(real_bodies "$BATS_TEST_TMPDIR/all" | paste -sd ' ')" == "$expected" ]]
}

@test "events-store: replay from first, last, seq:N, time:T and since:D" {
  run --separate-stderr gsmq-send --store --print -m s1 -m s2 -m s3 "$GSMQ/log"
  assert_success
  [[ "$(echo "$output" | jq -r .seq | paste -sd ' ')" == "1 2 3" ]]
  t_between="$(date +%s%6N)"
  run --separate-stderr gsmq-send --store --print -m s4 -m s5 "$GSMQ/log"
  assert_success
  [[ "$(echo "$output" | jq -r .seq | paste -sd ' ')" == "4 5" ]]

  run --separate-stderr gsmq-recv --store --from first --count 5 --wait 5s "$GSMQ/log"
  assert_success
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "s1 s2 s3 s4 s5" ]]
  [[ "$(echo "$output" | jq -r .seq | paste -sd ' ')" == "1 2 3 4 5" ]]

  run --separate-stderr gsmq-recv --store --from last --count 1 --wait 5s "$GSMQ/log"
  assert_success
  [[ "$(echo "$output" | jq -r .body)" == s5 ]]

  run --separate-stderr gsmq-recv --store --from seq:3 --count 3 --wait 5s "$GSMQ/log"
  assert_success
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "s3 s4 s5" ]]

  run --separate-stderr gsmq-recv --store --from "time:$t_between" --count 2 --wait 5s "$GSMQ/log"
  assert_success
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "s4 s5" ]]

  run --separate-stderr gsmq-recv --store --from time:2000-01-01T00:00:00Z --count 5 --wait 5s "$GSMQ/log"
  assert_success
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "s1 s2 s3 s4 s5" ]]

  run --separate-stderr gsmq-recv --store --from since:1h --count 5 --wait 5s "$GSMQ/log"
  assert_success
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "s1 s2 s3 s4 s5" ]]

  # replaying does not consume: a second reader from first sees the same
  run --separate-stderr gsmq-recv --store --from first --count 5 --wait 5s "$GSMQ/log"
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "s1 s2 s3 s4 s5" ]]

  # nothing older than a few seconds is stored yet, so a start far in the future waits
  run --separate-stderr gsmq-recv --store --from "time:$(($(date +%s%6N) + 3600000000))" --count 1 --wait 300ms "$GSMQ/log"
  assert_failure 5
  assert_output ""
}

@test "events-store: since:D leaves out what is older than D" {
  gsmq-send --store -m old "$GSMQ/aging"
  t_old="$(date +%s%3N)"
  two_seconds_later() { [[ $(($(date +%s%3N) - t_old)) -ge 2000 ]]; }
  poll_until two_seconds_later
  gsmq-send --store -m new "$GSMQ/aging"
  # a window reaching back 1 s before now-minus-(time since "old"): "old" is out, "new" in
  delta=$(($(date +%s%3N) - t_old - 1000))
  run --separate-stderr gsmq-recv --store --from "since:${delta}ms" --count 1 --wait 5s "$GSMQ/aging"
  assert_success
  [[ "$(echo "$output" | jq -r .body)" == new ]]
}

@test "events-store: a bad --from is a usage error" {
  run --separate-stderr gsmq-recv --store --from yesterday "$GSMQ/log"
  assert_failure 2
  [[ "$stderr" == *"--from yesterday"* ]]
}

@test "request-reply: --request gets the --respond --exec answer" {
  recv_bg "$BATS_TEST_TMPDIR/responder.out" --respond --raw --exec 'tr a-z A-Z' "$GSMQ/upper"
  responder=$BG_PID
  # ready once a request is answered (before that: "no responder")
  poll_until gsmq-send --request --timeout 2s -m ready "$GSMQ/upper"

  run --separate-stderr gsmq-send --request -m hello -m world "$GSMQ/upper"
  assert_success
  [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "HELLO WORLD" ]]
  stop_bg "$responder"
}

@test "request-reply: no responder and a late responder fail with exit 1 and say why" {
  run --separate-stderr gsmq-send --request --timeout 1s -m anyone "$GSMQ/nobody"
  assert_failure 1
  [[ "$stderr" == *"no responder on channel nobody"* ]]

  recv_bg "$BATS_TEST_TMPDIR/slow.out" --respond --raw --exec 'read -r line; case "$line" in slow) sleep 3;; esac; echo "done $line"' "$GSMQ/slowpoke"
  poll_until gsmq-send --request --timeout 2s -m fast "$GSMQ/slowpoke"
  run --separate-stderr gsmq-send --request --timeout 300ms -m slow "$GSMQ/slowpoke"
  assert_failure 1
  [[ "$stderr" == *"timeout"* ]]
  assert_output ""
}

@test "request-reply: a failing responder command is the requester's error" {
  recv_bg "$BATS_TEST_TMPDIR/failing.out" --respond --raw --exec 'read -r line; [ "$line" = ready ] && echo yes || exit 3' "$GSMQ/flaky"
  poll_until gsmq-send --request --timeout 2s -m ready "$GSMQ/flaky"
  run --separate-stderr gsmq-send --request -m boom "$GSMQ/flaky"
  assert_failure 1
  [[ "$stderr" == *"request on flaky: --exec command exited with status 3"* ]]
}
