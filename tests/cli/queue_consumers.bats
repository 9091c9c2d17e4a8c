#!/usr/bin/env bats
# What a queue consumer takes and what it gives back: a message counts as received when
# it is handed on (to --exec, or read by the process at the other end of the pipe), not
# when gsmq-recv prefetched it; lines a reader never took are given back at once and
# uncounted; a receipt settles only the delivery it was issued for.

bats_require_minimum_version 1.5.0
load daemon_helpers

setup() {
  gsmq_setup
  gsmqd_start
}

teardown() {
  daemon_teardown
}

depth_of() {  # channel -> messages waiting (ready + delayed)
  gsmqd channels "$GSMQ" | jq -r --arg c "$1" 'select(.channel == $c) | .depth'
}

@test "clean restarts of a worker do not use up max_receives: nothing is dead-lettered by mistake" {
  seq 1 300 | gsmq-send --raw --max-receives 2 --dead-letter dlq "$GSMQ/jobs"
  # Three runs of a worker, each stopped with one SIGTERM (what SIGINT does too; a
  # background job of a script ignores SIGINT) after it handled a few messages. Each run
  # prefetched far more than it handled.
  for run in 1 2 3; do
    gsmq-recv --follow --exec "sleep 0.05; cat >>'$BATS_TEST_TMPDIR/handled'" "$GSMQ/jobs" 2>"$BATS_TEST_TMPDIR/worker.err" &
    worker=$!
    track_pid "$worker"
    poll_until has_lines "$BATS_TEST_TMPDIR/handled" $((run * 5))
    kill -TERM "$worker"
    assert_exit_status "$worker" 0
  done
  handled=$(count_lines "$BATS_TEST_TMPDIR/handled")
  # Everything not handled is still in the queue, never received more than once ...
  run --separate-stderr gsmq-recv "$GSMQ/jobs"
  assert_success
  assert_equal "$(echo "$output" | wc -l)" $((300 - handled))
  assert_equal "$(echo "$output" | jq -r .receive_count | sort -u)" 1
  # ... every message was handled or received exactly once, and none was dead-lettered.
  assert_equal "$( (jq -r .body "$BATS_TEST_TMPDIR/handled"; echo "$output" | jq -r .body) | sort -n | uniq | wc -l)" 300
  run --separate-stderr gsmq-recv "$GSMQ/dlq"
  assert_output ""
}

@test "gsmq-recv | head -1 takes one message, and the next one is still a first delivery" {
  seq 1 1000 | gsmq-send --raw "$GSMQ/q"
  for n in 1 2 3; do  # (not $i: bats' run uses it)
    run --separate-stderr bash -c "gsmq-recv '$GSMQ/q' | head -1"
    assert_success
    assert_equal "$(jq -r .body <<<"$output")" "$n"
  done
  assert_equal "$(depth_of q)" 997
  run --separate-stderr gsmq-recv --count 1 "$GSMQ/q"
  assert_equal "$(jq -c '[.body, .receive_count]' <<<"$output")" '["4",1]'
}

@test "lines still in the pipe when the reader goes away are given back at once, uncounted" {
  seq 1 100 | gsmq-send --raw "$GSMQ/q"
  # The reader takes one byte, then leaves without reading the rest of the pipe.
  run --separate-stderr bash -c "gsmq-recv --count 100 '$GSMQ/q' | { head -c 1 >/dev/null; sleep 0.3; }"
  assert_success  # a closed output is a quiet end for gsmq-recv
  assert_equal "$(depth_of q)" 100
  run --separate-stderr gsmq-recv --count 100 --raw "$GSMQ/q"
  assert_equal "$(paste -sd ' ' <<<"$output")" "$(seq 1 100 | paste -sd ' ')"
}

@test "a reader that keeps up gets everything, and every line it read is acked" {
  seq 1 20000 | gsmq-send --raw "$GSMQ/q"
  run --separate-stderr bash -c "gsmq-recv --raw '$GSMQ/q' | cat"
  assert_success
  assert_equal "$(wc -l <<<"$output")" 20000
  assert_equal "$(depth_of q)" 0
  assert_equal "$(gsmqd channels "$GSMQ" | jq -r 'select(.channel == "q") | .in_flight')" 0
}
