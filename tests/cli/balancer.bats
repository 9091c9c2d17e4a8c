#!/usr/bin/env bats
# The MQ balancer (gsmq(7) gsmq://, "Several daemons"): one gsmq:// URL naming several
# gsmqd. A sink sends each channel to one daemon by hash (or spreads by round robin), fails
# over when its daemon is killed without losing a confirmed message, and a source takes
# from all of them.

bats_require_minimum_version 1.5.0
load fleet_helpers

setup() { fleet_setup; }
teardown() { fleet_teardown; }

both() { echo "gsmq://127.0.0.1:${FED_PORT[a]},127.0.0.1:${FED_PORT[b]}"; }

depth() {  # daemon channel: its depth, 0 when the channel is not there
  local d
  d=$(gsmqd channels "$(url "$1")" | jq -r --arg c "$2" 'select(.channel == $c) | .depth')
  echo "${d:-0}"
}

@test "by hash, each channel lives on one daemon, and the channels spread over both" {
  fed_start a
  fed_start b
  local ch
  for ch in $(seq -f 'room%g' 1 24); do
    seq 1 5 | gsmq-send --raw "$(both)/sensors/$ch"
  done
  local on_a=0 on_b=0 da db
  # each daemon's channels, asked once
  gsmqd channels "$(url a)" >"$BATS_TEST_TMPDIR/a.channels"
  gsmqd channels "$(url b)" >"$BATS_TEST_TMPDIR/b.channels"
  _depth_in() { jq -r --arg c "$2" 'select(.channel == $c) | .depth' "$BATS_TEST_TMPDIR/$1.channels"; }
  for ch in $(seq -f 'room%g' 1 24); do
    da=$(_depth_in a "sensors/$ch")
    db=$(_depth_in b "sensors/$ch")
    da=${da:-0} db=${db:-0}
    # All five of a channel's messages on one daemon, in order, none on the other.
    if [[ "$da" == 5 && "$db" == 0 ]]; then
      on_a=$((on_a + 1))
    elif [[ "$da" == 0 && "$db" == 5 ]]; then
      on_b=$((on_b + 1))
    else
      fail "sensors/$ch is split: $da on a, $db on b"
    fi
  done
  echo "channels on a: $on_a, on b: $on_b"
  # 24 channels all on one side by chance: 2 in 16.7 million.
  [[ "$on_a" -gt 0 && "$on_b" -gt 0 ]]
  # Sending again picks the same daemon for a channel: the order within a channel holds.
  seq 6 10 | gsmq-send --raw "$(both)/sensors/room1"
  if [[ "$(depth a sensors/room1)" == 10 ]]; then
    run drain a sensors/room1
  else
    run drain b sensors/room1
  fi
  assert_output "$(seq 1 10)"
}

@test "round_robin spreads one channel's messages evenly over the daemons" {
  fed_start a
  fed_start b
  seq 1 10 | gsmq-send --raw "$(both)/jobs?balance=round_robin"
  [[ "$(depth a jobs)" == 5 && "$(depth b jobs)" == 5 ]]
}

@test "a source over several daemons takes every message from all of them, and acks them" {
  fed_start a
  fed_start b
  seq 1 3 | gsmq-send --raw "$(url a)/work"
  seq 4 7 | gsmq-send --raw "$(url b)/work"
  run gsmq-recv --raw "$(both)/work"
  assert_success
  [[ "$(sort -n <<<"$output")" == "$(seq 1 7)" ]]
  [[ "$(depth a work)" == 0 && "$(depth b work)" == 0 ]]
}

@test "a daemon killed mid-stream: sends fail over to the other, and no confirmed message is lost" {
  fed_start a
  fed_start b
  # Find a channel that hashes to a, so that the kill hits the daemon in use.
  local ch="" c
  for c in $(seq -f 'line%g' 1 40); do
    echo probe | gsmq-send --raw "$(both)/$c"
    if [[ "$(depth a "$c")" == 1 ]]; then ch=$c; break; fi
  done
  [[ -n "$ch" ]] || fail "no channel of 40 hashed to daemon a"
  drain a "$ch" >/dev/null
  mkfifo "$BATS_TEST_TMPDIR/in"
  gsmq-send --raw "$(both)/$ch" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/send.out" 2>"$BATS_TEST_TMPDIR/send.err" 3>&- &
  local sender=$!
  track_pid "$sender"
  # A steady stream, so that the kill lands while messages are in flight to a.
  (for n in $(seq 1 2000); do
    echo "$n"
    ((n % 20)) || sleep 0.01
  done >"$BATS_TEST_TMPDIR/in") 3>&- &
  local writer=$!
  track_pid "$writer"
  poll_until eval '[[ "$(depth a "$ch")" -ge 300 ]]'
  fed_kill9 a
  wait_for_exit "$writer"
  wait_for_exit "$sender"
  [[ "$status" -eq 0 ]] || { cat "$BATS_TEST_TMPDIR/send.err" >&2; fail "gsmq-send exited $status"; }
  grep -q "is gone" "$BATS_TEST_TMPDIR/send.err"
  # Everything a confirmed is on a's disk; the rest went to b. At least once: an unconfirmed
  # message may be on both, none may be missing.
  fed_start a
  { drain a "$ch"; drain b "$ch"; } | sort -n | uniq >"$BATS_TEST_TMPDIR/got"
  diff <(seq 1 2000) "$BATS_TEST_TMPDIR/got"
}

@test "with every daemon down, the sink fails at once with each daemon's reason" {
  fed_start a
  fed_start b
  local both_url
  both_url=$(both)
  fed_stop a
  fed_stop b
  run -4 gsmq-send -m x "$both_url/q"
  assert_output --partial "no gsmqd of the set is reachable"
  assert_output --partial "127.0.0.1:${FED_PORT[a]}"
  assert_output --partial "127.0.0.1:${FED_PORT[b]}"
}

@test "only gsmq:// takes several servers; others refuse such a URL as a usage error" {
  run -2 gsmq-send -m x "mqtt://127.0.0.1:1883,127.0.0.1:1884/t"
  assert_output --partial "takes one"
  run -2 gsmq-send -m x "gsmq://127.0.0.1:1,127.0.0.1:2/q?balance=random"
  assert_output --partial "balance"
}
