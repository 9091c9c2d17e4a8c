#!/usr/bin/env bats
# gsmqd keeps what it acknowledged: kill -9 in the middle of a stream, clean shutdown and
# restart with messages in flight, each --fsync policy, damaged segment files, and one
# daemon per data directory.

bats_require_minimum_version 1.5.0
load daemon_helpers

teardown() {
  daemon_teardown
}

# The data segment files of queue channel $1 (a plain name: no escaping needed).
queue_segments() {
  ls "$GSMQD_DATA/queues/$1/data/"*.seg
}

# XORs the byte at offset $2 of file $1 with 0xff.
flip_byte() {
  /usr/bin/python3 - "$1" "$2" <<'EOF'
import sys
path, offset = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(offset)
    b = f.read(1)
    f.seek(offset)
    f.write(bytes([b[0] ^ 0xFF]))
EOF
}

# n messages with bodies m1..mn, each padded to the same length (so records are equal).
padded_messages() {
  local i
  for ((i = 1; i <= $1; i++)); do printf '{"body":"m%d-%0200d"}\n' "$i" 0; done
}

@test "gsmqd --version and --help" {
  run gsmqd --version
  assert_success
  assert_output --regexp '^gsmqd [0-9]+\.[0-9]+'
  run gsmqd --help
  assert_success
  assert_output --partial --data-dir
  assert_output --partial --fsync
}

# kill -9 of gsmqd (started with the extra flags given) in the middle of a steady stream
# of sends; after a restart every message gsmq-send --print reported as acknowledged is
# delivered, once, with its body. The crash comes after $CRASH_AFTER acks (default 2000).
crash_during_stream() {
  gsmqd_start "$@"
  local total=10000 after="${CRASH_AFTER:-2000}"
  # a steady stream: 200 messages, a short pause, and so on (its own bash: no bats traps);
  # the sender gives up 1 s after the kill instead of reconnecting for the default 30 s
  bash -c 'for ((i = 1; i <= $1; i++)); do
             printf "{\"body\":\"m%d\"}\n" "$i"
             ((i % 200)) || sleep 0.01
           done' producer "$total" 2>/dev/null | gsmq-send --print "$GSMQ/crash?retry_for=1s" >"$BATS_TEST_TMPDIR/acked" 2>"$BATS_TEST_TMPDIR/send.err" 3>&- &
  sender=$!
  track_pid "$sender"

  poll_until has_lines "$BATS_TEST_TMPDIR/acked" "$after"
  gsmqd_kill9
  local send_status=0
  _wait_bounded "$sender" || send_status=$?
  # the sender noticed: not every message was confirmed
  [[ "$send_status" -ne 0 ]]
  acked=$(count_lines "$BATS_TEST_TMPDIR/acked")
  [[ "$acked" -ge "$after" && "$acked" -lt "$total" ]]

  gsmqd_start "$@"
  gsmq-recv "$GSMQ/crash" >"$BATS_TEST_TMPDIR/got"
  jq -r .id "$BATS_TEST_TMPDIR/acked" | sort >"$BATS_TEST_TMPDIR/acked.ids"
  jq -r .id "$BATS_TEST_TMPDIR/got" | sort >"$BATS_TEST_TMPDIR/got.ids"
  # every acknowledged id came back (unacknowledged ones may come back too)
  run comm -23 "$BATS_TEST_TMPDIR/acked.ids" "$BATS_TEST_TMPDIR/got.ids"
  assert_output ""
  [[ "$(count_lines "$BATS_TEST_TMPDIR/got")" -ge "$acked" ]]
  # ... each once, and with the body that was sent for it
  run uniq -d "$BATS_TEST_TMPDIR/got.ids"
  assert_output ""
  run jq -r 'select(.body != ("m" + (.seq | tostring))) | .seq' "$BATS_TEST_TMPDIR/got"
  assert_output ""
  # and the queue is empty now
  run --separate-stderr gsmq-recv "$GSMQ/crash"
  assert_output ""
}

@test "kill -9 in the middle of a stream of sends: every acknowledged message is delivered after restart" {
  crash_during_stream
}

@test "kill -9 in the middle of a stream of sends, --fsync always: every acknowledged message is delivered" {
  CRASH_AFTER=500 crash_during_stream --fsync always
}

@test "kill -9 in the middle of a stream of sends, --fsync never: every acknowledged message is delivered" {
  crash_during_stream --fsync never
}

@test "gsmqd takes its flags from --config, and its data directory from GSMQ_DATA_DIR" {
  printf 'listen = "127.0.0.1:0"\ndata-dir = "%s"\nfsync = "always"\nport-file = "%s"\n' \
    "$BATS_TEST_TMPDIR/from-config" "$BATS_TEST_TMPDIR/config.port" >"$BATS_TEST_TMPDIR/gsmqd.toml"
  gsmqd --config "$BATS_TEST_TMPDIR/gsmqd.toml" 2>"$BATS_TEST_TMPDIR/config.log" 3>&- &
  GSMQD_PID=$!
  track_pid "$GSMQD_PID"
  poll_until test -s "$BATS_TEST_TMPDIR/config.port"
  GSMQ="gsmq://127.0.0.1:$(cat "$BATS_TEST_TMPDIR/config.port")"
  run --separate-stderr gsmqd ping "$GSMQ"
  assert_success
  [[ "$(echo "$output" | jq -r .data_dir)" == "$BATS_TEST_TMPDIR/from-config" ]]
  grep -q 'fsync=always' "$BATS_TEST_TMPDIR/config.log"
  gsmqd_stop

  GSMQ_DATA_DIR="$BATS_TEST_TMPDIR/from-env" gsmqd --listen 127.0.0.1:0 --port-file "$BATS_TEST_TMPDIR/env.port" \
    2>/dev/null 3>&- &
  GSMQD_PID=$!
  track_pid "$GSMQD_PID"
  poll_until test -s "$BATS_TEST_TMPDIR/env.port"
  run --separate-stderr gsmqd ping "gsmq://127.0.0.1:$(cat "$BATS_TEST_TMPDIR/env.port")"
  [[ "$(echo "$output" | jq -r .data_dir)" == "$BATS_TEST_TMPDIR/from-env" ]]
  gsmqd_stop
}

@test "a --config file is TOML: '#' inside a string is not a comment; mistakes name the file and line" {
  cat >"$BATS_TEST_TMPDIR/fed.toml" <<EOF
# A node of a federation, as in deploy/k8s.
name = "node1"
forward = ["up sensors/# as site1/{channel}", "down cmd/#"]  # two rules
max-hops = 3
EOF
  gsmqd --config "$BATS_TEST_TMPDIR/fed.toml" --listen 127.0.0.1:0 --port-file "$BATS_TEST_TMPDIR/fed.port" \
    --data-dir "$BATS_TEST_TMPDIR/fed" 2>"$BATS_TEST_TMPDIR/fed.log" 3>&- &
  GSMQD_PID=$!
  track_pid "$GSMQD_PID"
  poll_until test -s "$BATS_TEST_TMPDIR/fed.port"
  run --separate-stderr gsmqd ping "gsmq://127.0.0.1:$(cat "$BATS_TEST_TMPDIR/fed.port")"
  assert_success
  [[ "$(jq -r .name <<<"$output")" == node1 ]]
  grep -q 'msg=federated name=node1 role=node rules=2' "$BATS_TEST_TMPDIR/fed.log"
  gsmqd_stop

  printf 'fsync = "never"\nfsnyc = "always"\n' >"$BATS_TEST_TMPDIR/typo.toml"
  run -2 gsmqd --config "$BATS_TEST_TMPDIR/typo.toml" --listen 127.0.0.1:0 --data-dir "$BATS_TEST_TMPDIR/d2"
  assert_output --partial "typo.toml: line 2, column 9: \"fsnyc\" is not an option of gsmqd"
  printf 'fsync = "never"\nforward = ["up a/#"\n' >"$BATS_TEST_TMPDIR/broken.toml"
  run -2 gsmqd --config "$BATS_TEST_TMPDIR/broken.toml" --listen 127.0.0.1:0 --data-dir "$BATS_TEST_TMPDIR/d3"
  assert_output --regexp "broken.toml: line [23], column [0-9]+: "
}

@test "SIGTERM, restart: acked messages stay gone, queued ones stay, in-flight ones come back after their visibility" {
  gsmqd_start
  gsmq-send -m first -m second -m third "$GSMQ/keep"
  run --separate-stderr gsmq-recv --count 1 "$GSMQ/keep"
  [[ "$(echo "$output" | jq -r .body)" == first ]]
  # 30 s: "second" and "delayed" must still be held back when the first receive after the
  # restart runs, and the steps up to it (one send, a stop, a start, two receives) took
  # up to 29 s under the sanitizers on a loaded machine (a sanitized command 1-5 s)
  run gsmq-recv --count 1 --visibility 30s --exec 'kill -9 $PPID' "$GSMQ/keep"
  [[ "$status" -eq 137 ]]
  # policies are kept too: a delay and a TTL
  printf '%s\n' '{"body":"delayed","delay_ms":30000}' '{"body":"ephemeral","ttl_ms":1000}' | gsmq-send "$GSMQ/keep"

  gsmqd_stop  # exit status 0, or the test fails here
  grep -q 'msg=stopped' "$GSMQD_LOG"
  gsmqd_start

  # the TTL still runs out
  no_ephemeral() { ! gsmq-recv --peek "$GSMQ/keep" | grep -q ephemeral; }
  poll_until no_ephemeral
  # "second" is still in flight and "delayed" not due: only "third" is there
  run --separate-stderr gsmq-recv "$GSMQ/keep"
  assert_success
  assert_equal "$(jq -r .body <<<"$output")" third
  # ... until the visibility runs out and the delay is over; the receive count survived
  run --separate-stderr gsmq-recv --count 2 --wait 60s "$GSMQ/keep"
  assert_success
  [[ "$(echo "$output" | jq -r .body | sort | paste -sd ' ')" == "delayed second" ]]
  [[ "$(echo "$output" | jq -r 'select(.body == "second") | .receive_count')" == 2 ]]
  run --separate-stderr gsmq-recv "$GSMQ/keep"
  assert_output ""
}

@test "events-store and dead-letter state survive a restart" {
  gsmqd_start
  gsmq-send --store -m s1 -m s2 "$GSMQ/history"
  gsmq-send --dead-letter dlq -m rejected "$GSMQ/jobs"
  run gsmq-recv --count 1 --exec 'exit 1' "$GSMQ/jobs"
  assert_failure 1
  gsmqd_stop
  gsmqd_start
  gsmq-send --store -m s3 "$GSMQ/history"
  run --separate-stderr gsmq-recv --store --from first --count 3 --wait 5s "$GSMQ/history"
  assert_success
  [[ "$(echo "$output" | jq -r '.body + "@" + (.seq | tostring)' | paste -sd ' ')" == "s1@1 s2@2 s3@3" ]]
  run --separate-stderr gsmq-recv "$GSMQ/jobs"
  assert_output ""
  run --separate-stderr gsmq-recv "$GSMQ/dlq"
  [[ "$(echo "$output" | jq -r .body)" == rejected ]]
}

@test "a second gsmqd on the same data directory is refused with exit 4" {
  gsmqd_start
  run --separate-stderr gsmqd --listen 127.0.0.1:0 --data-dir "$GSMQD_DATA"
  assert_failure 4
  [[ "$stderr" == *"in use by another gsmqd"* ]]
  # the first one is unharmed
  run --separate-stderr gsmq-send -m still-here "$GSMQ/q"
  assert_success
}

@test "--fsync always, batch and never each keep messages across a restart" {
  local mode
  for mode in always batch never; do
    GSMQD_DATA="$BATS_TEST_TMPDIR/data-$mode"
    gsmqd_start --fsync "$mode"
    grep -q "fsync=$mode" "$GSMQD_LOG"
    gsmq-send --print -m "$mode-1" -m "$mode-2" -m "$mode-3" "$GSMQ/f" >"$BATS_TEST_TMPDIR/acked-$mode"
    gsmqd_stop
    gsmqd_start --fsync "$mode"
    run --separate-stderr gsmq-recv "$GSMQ/f"
    assert_success
    [[ "$(echo "$output" | jq -r .body | paste -sd ' ')" == "$mode-1 $mode-2 $mode-3" ]]
    [[ "$(echo "$output" | jq -r .id)" == "$(jq -r .id "$BATS_TEST_TMPDIR/acked-$mode")" ]]
    gsmqd_stop
  done
}

@test "a flipped byte in a message record: gsmqd starts, reports it, delivers the other messages" {
  gsmqd_start
  padded_messages 9 | gsmq-send "$GSMQ/damaged"
  gsmqd_stop
  seg="$(queue_segments damaged)"
  [[ "$(echo "$seg" | wc -l)" -eq 1 ]]
  # 9 equal records after the 20-byte header: the middle of the file is inside the 5th
  size=$(stat -c %s "$seg")
  flip_byte "$seg" $(((size + 20) / 2))

  gsmqd_start
  grep -q 'corrupt' "$GSMQD_LOG"
  run --separate-stderr gsmq-recv "$GSMQ/damaged"
  assert_success
  [[ "$(echo "$output" | jq -r '.body | split("-")[0]' | paste -sd ' ')" == "m1 m2 m3 m4 m6 m7 m8 m9" ]]
  # and it keeps working
  gsmq-send -m after "$GSMQ/damaged"
  run --separate-stderr gsmq-recv "$GSMQ/damaged"
  [[ "$(echo "$output" | jq -r .body)" == after ]]
}

@test "a flipped byte in a record's length: the records after it are still delivered" {
  gsmqd_start
  padded_messages 9 | gsmq-send "$GSMQ/damaged"
  gsmqd_stop
  seg="$(queue_segments damaged)"
  size=$(stat -c %s "$seg")
  record=$(((size - 20) / 9))
  # record 5 starts at 20 + 4 * record; its length is the u32 after the 4-byte checksum
  flip_byte "$seg" $((20 + 4 * record + 4))

  gsmqd_start
  grep -q 'corrupt' "$GSMQD_LOG"
  run --separate-stderr gsmq-recv "$GSMQ/damaged"
  assert_success
  [[ "$(echo "$output" | jq -r '.body | split("-")[0]' | paste -sd ' ')" == "m1 m2 m3 m4 m6 m7 m8 m9" ]]
  gsmq-send -m after "$GSMQ/damaged"
  run --separate-stderr gsmq-recv "$GSMQ/damaged"
  [[ "$(echo "$output" | jq -r .body)" == after ]]
}

@test "a torn tail: gsmqd cuts it off and delivers every complete message" {
  gsmqd_start
  padded_messages 5 | gsmq-send "$GSMQ/torn"
  gsmqd_stop
  seg="$(queue_segments torn | tail -1)"
  truncate -s -7 "$seg"

  gsmqd_start
  grep -q 'torn tail' "$GSMQD_LOG"
  run --separate-stderr gsmq-recv "$GSMQ/torn"
  assert_success
  [[ "$(echo "$output" | jq -r '.body | split("-")[0]' | paste -sd ' ')" == "m1 m2 m3 m4" ]]
  # new messages go after the cut and survive another restart
  gsmq-send -m after "$GSMQ/torn"
  gsmqd_stop
  gsmqd_start
  run --separate-stderr gsmq-recv "$GSMQ/torn"
  [[ "$(echo "$output" | jq -r .body)" == after ]]
}

@test "a damaged segment header: gsmqd starts and reports it" {
  gsmqd_start
  padded_messages 3 | gsmq-send "$GSMQ/header"
  gsmq-send -m other "$GSMQ/fine"
  gsmqd_stop
  seg="$(queue_segments header)"
  flip_byte "$seg" 2

  gsmqd_start
  grep -q 'bad segment header' "$GSMQD_LOG"
  run --separate-stderr gsmq-recv "$GSMQ/fine"
  assert_success
  [[ "$(echo "$output" | jq -r .body)" == other ]]
  # the damaged channel still takes and delivers new messages
  gsmq-send -m new "$GSMQ/header"
  run --separate-stderr gsmq-recv "$GSMQ/header"
  assert_success
  [[ "$(echo "$output" | jq -r .body)" == new ]]
}

@test "queues with odd channel names are found again after a restart" {
  gsmqd_start
  printf '%s\n' '{"channel":"sensors/door","body":"1"}' '{"channel":".hidden","body":"2"}' \
    '{"channel":"100%","body":"3"}' '{"channel":"temp/ünï","body":"4"}' '{"channel":"a b","body":"5"}' |
    gsmq-send "$GSMQ/"
  gsmqd_stop
  gsmqd_start
  run --separate-stderr gsmqd channels "$GSMQ"
  assert_success
  [[ "$(echo "$output" | jq -r 'select(.kind == "queue") | .channel' | sort | paste -sd '|')" == ".hidden|100%|a b|sensors/door|temp/ünï" ]]
  # each still holds its message
  [[ "$(echo "$output" | jq -r 'select(.kind == "queue") | .depth' | sort -u)" == 1 ]]
  run --separate-stderr gsmq-recv "$GSMQ/sensors/door"
  [[ "$(echo "$output" | jq -r '.channel + "=" + .body')" == "sensors/door=1" ]]
}

@test "acknowledged segments are deleted; a dead-lettered message in one is moved, not lost" {
  gsmqd_start --segment-size 1k
  local r rounds=5
  for ((r = 1; r <= rounds; r++)); do
    # the poison message shares its segment with messages that are acked meanwhile, so
    # when it is dead-lettered nothing else holds that segment
    printf '{"body":"poison-%02d","max_receives":1,"dead_letter":"dlq","meta":{"pad":"%0200d"}}\n' "$r" 0 |
      gsmq-send "$GSMQ/w$r"
    padded_messages 6 | gsmq-send "$GSMQ/w$r"
    run gsmq-recv --count 1 --visibility 100ms --exec 'kill -9 $PPID' "$GSMQ/w$r"
    [[ "$status" -eq 137 ]]
    run --separate-stderr gsmq-recv "$GSMQ/w$r"
    [[ "$(echo "$output" | wc -l)" -eq 6 ]]
  done

  all_dead_lettered() { [[ "$(gsmq-recv --peek "$GSMQ/dlq" | wc -l)" -ge "$rounds" ]]; }
  POLL_TRIES=100 poll_until all_dead_lettered || true
  run --separate-stderr gsmq-recv "$GSMQ/dlq"
  [[ "$(echo "$output" | jq -r .body | sort | paste -sd ' ')" == "$(seq -f 'poison-%02g' 1 "$rounds" | paste -sd ' ')" ]]
  run grep -c unreadable "$GSMQD_LOG"
  assert_output 0

  # every work queue is empty: all its segments but the one being written are gone
  only_active_segments_left() {
    for ((r = 1; r <= rounds; r++)); do
      [[ "$(ls "$GSMQD_DATA/queues/w$r/data/" | grep -c '\.seg$')" -eq 1 ]] || return 1
    done
  }
  poll_until only_active_segments_left
  gsmqd_stop
  gsmqd_start --segment-size 1k
  for ((r = 1; r <= rounds; r++)); do
    run --separate-stderr gsmq-recv "$GSMQ/w$r"
    assert_output ""
  done
}

@test "SIGTERM with subscribers and a responder connected: they are told, gsmqd exits 0" {
  gsmqd_start
  # subscribers and a queue receiver try to reconnect within their retry window, then give up (exit 4)
  gsmq-recv --events "$GSMQ/ev?retry_for=500ms" >"$BATS_TEST_TMPDIR/ev.out" 2>"$BATS_TEST_TMPDIR/ev.err" 3>&- &
  ev=$!
  gsmq-recv --store --from first "$GSMQ/st?retry_for=500ms" >"$BATS_TEST_TMPDIR/st.out" 2>"$BATS_TEST_TMPDIR/st.err" 3>&- &
  st=$!
  gsmq-recv --follow "$GSMQ/q?retry_for=500ms" >"$BATS_TEST_TMPDIR/q.out" 2>"$BATS_TEST_TMPDIR/q.err" 3>&- &
  q=$!
  gsmq-recv --respond --exec 'echo pong' "$GSMQ/rr?retry_for=500ms" >/dev/null 2>"$BATS_TEST_TMPDIR/rr.err" 3>&- &
  rr=$!
  track_pid "$ev"; track_pid "$st"; track_pid "$q"; track_pid "$rr"
  poll_until gsmq-send --request --timeout 2s -m ping "$GSMQ/rr"
  # every one of them connected (the queue receiver counts while its Receive long-polls)
  subscribed() {
    [[ "$(gsmqd channels "$GSMQ" | jq -s '[.[] | select(.channel == "ev" or .channel == "st" or .channel == "q") | .consumers] | add')" == 3 ]]
  }
  poll_until subscribed

  gsmqd_stop  # exit status 0

  for pid in "$ev" "$st" "$q" "$rr"; do
    assert_exit_status "$pid" 4
  done
  grep -q 'shutting down' "$BATS_TEST_TMPDIR/ev.err"
  grep -q 'shutting down' "$BATS_TEST_TMPDIR/st.err"
  grep -q 'ended the request stream' "$BATS_TEST_TMPDIR/rr.err"
  grep -q reconnecting "$BATS_TEST_TMPDIR/rr.err"
  grep -q reconnecting "$BATS_TEST_TMPDIR/q.err" || { cat "$BATS_TEST_TMPDIR"/*.err; false; }
  grep -q 'cannot connect\|gsmqd at' "$BATS_TEST_TMPDIR/q.err"
}

@test "a following queue receiver and a streaming sender ride out a gsmqd restart" {
  gsmqd_start
  local port="$GSMQD_PORT"
  gsmq-recv --follow --count 3 --wait 30s --format '{body}' "$GSMQ/ride" >"$BATS_TEST_TMPDIR/ride.out" \
    2>"$BATS_TEST_TMPDIR/ride.err" 3>&- &
  local recv=$!
  track_pid "$recv"
  mkfifo "$BATS_TEST_TMPDIR/in.fifo"
  gsmq-send --print "$GSMQ/ride" <"$BATS_TEST_TMPDIR/in.fifo" >"$BATS_TEST_TMPDIR/acked" \
    2>"$BATS_TEST_TMPDIR/send.err" 3>&- &
  local send=$!
  track_pid "$send"
  exec 5>"$BATS_TEST_TMPDIR/in.fifo"
  echo '{"body":"before"}' >&5
  poll_until has_lines "$BATS_TEST_TMPDIR/ride.out" 1
  gsmqd_stop
  GSMQD_LISTEN="127.0.0.1:$port" gsmqd_start 5>&-  # the same port; the FIFO stays ours alone
  echo '{"body":"after-1"}' >&5
  echo '{"body":"after-2"}' >&5
  exec 5>&-
  assert_exit_status "$send" 0 || { cat "$BATS_TEST_TMPDIR/send.err"; false; }
  assert_exit_status "$recv" 0 || { cat "$BATS_TEST_TMPDIR/ride.err"; false; }
  assert_equal "$(sort "$BATS_TEST_TMPDIR/ride.out" | paste -sd ' ')" "after-1 after-2 before"
  grep -q reconnecting "$BATS_TEST_TMPDIR/ride.err"
}

@test "a responder rides out a gsmqd restart and answers requests again" {
  gsmqd_start
  local port="$GSMQD_PORT"
  gsmq-recv --respond --exec 'sed s/ping/pong/' "$GSMQ/rr" >/dev/null 2>"$BATS_TEST_TMPDIR/rr.err" 3>&- &
  local rr=$!
  track_pid "$rr"
  poll_until gsmq-send --request --timeout 2s -m ping-1 "$GSMQ/rr"
  gsmqd_stop
  GSMQD_LISTEN="127.0.0.1:$port" gsmqd_start
  # the same responder process answers, once it has subscribed again
  POLL_TRIES=100 poll_until gsmq-send --request --timeout 2s -m ping-2 "$GSMQ/rr"
  run --separate-stderr gsmq-send --request --timeout 5s -m ping-3 "$GSMQ/rr"
  assert_success
  [[ "$(echo "$output" | jq -r .body | jq -r .body)" == pong-3 ]]
  kill -0 "$rr"
  grep -q reconnecting "$BATS_TEST_TMPDIR/rr.err" || { cat "$BATS_TEST_TMPDIR/rr.err"; false; }
  kill -TERM "$rr"
  assert_exit_status "$rr" 0
}

@test "events and events-store subscribers ride out a gsmqd restart; the store one without a gap or a repeat" {
  gsmqd_start
  local port="$GSMQD_PORT"
  printf '{"body":"s%d"}\n' 1 2 3 | gsmq-send --store "$GSMQ/st"
  gsmq-recv --store --from first --count 6 --wait 60s --raw "$GSMQ/st" >"$BATS_TEST_TMPDIR/st.out" \
    2>"$BATS_TEST_TMPDIR/st.err" 3>&- &
  local st=$!
  gsmq-recv --events --count 1 --wait 60s --raw "$GSMQ/ev" >"$BATS_TEST_TMPDIR/ev.out" \
    2>"$BATS_TEST_TMPDIR/ev.err" 3>&- &
  local ev=$!
  track_pid "$st"
  track_pid "$ev"
  poll_until has_lines "$BATS_TEST_TMPDIR/st.out" 3
  # and the events subscriber is subscribed (on a loaded machine it can start late)
  _ev_subscribed() { gsmqd channels "$GSMQ" | jq -se 'any(.[]; .channel == "ev" and .consumers >= 1)' >/dev/null; }
  poll_until _ev_subscribed
  gsmqd_kill9
  GSMQD_LISTEN="127.0.0.1:$port" gsmqd_start
  printf '{"body":"s%d"}\n' 4 5 6 | gsmq-send --store "$GSMQ/st"
  # real-time events reach only who is subscribed: publish until the subscriber is back (bounded)
  for ((i = 0; i < 100; i++)); do
    gsmq-send --events -m back "$GSMQ/ev"
    has_lines "$BATS_TEST_TMPDIR/ev.out" 1 && break
    sleep 0.1
  done
  assert_exit_status "$st" 0 "$BATS_TEST_TMPDIR/st.err"
  assert_exit_status "$ev" 0 "$BATS_TEST_TMPDIR/ev.err"
  assert_equal "$(paste -sd ' ' "$BATS_TEST_TMPDIR/st.out")" "s1 s2 s3 s4 s5 s6"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/ev.out")" "back"
  grep -q reconnecting "$BATS_TEST_TMPDIR/st.err"
  grep -q reconnecting "$BATS_TEST_TMPDIR/ev.err"
}

@test "a second gsmqd on a port already in use is refused with exit 4" {
  gsmqd_start
  run --separate-stderr gsmqd --listen "127.0.0.1:$GSMQD_PORT" --data-dir "$BATS_TEST_TMPDIR/other"
  assert_failure 4
  [[ "$stderr" == *"cannot listen on 127.0.0.1:$GSMQD_PORT"* ]]
  run --separate-stderr gsmqd ping "$GSMQ"
  assert_success
  [[ "$(echo "$output" | jq -r .data_dir)" == "$GSMQD_DATA" ]]
}

@test "events-store retention by bytes drops the oldest segments; replay starts at what is kept" {
  gsmqd_start --segment-size 1k --store-retention-bytes 3k
  padded_messages 30 | gsmq-send --store "$GSMQ/kept"
  trimmed() { [[ "$(gsmq-recv --store --from first --count 1 --wait 2s "$GSMQ/kept" | jq -r .seq)" -gt 1 ]]; }
  poll_until trimmed
  run --separate-stderr gsmq-recv --store --from first --count 30 --wait 500ms "$GSMQ/kept"
  seqs="$(echo "$output" | jq -r .seq)"
  first=$(echo "$seqs" | head -1)
  # what is kept is the newest, without gaps, up to the last one
  [[ "$(echo "$seqs" | paste -sd ' ')" == "$(seq "$first" 30 | paste -sd ' ')" ]]
  [[ "$(echo "$output" | tail -1 | jq -r '.body | split("-")[0]')" == m30 ]]
  [[ "$(ls "$GSMQD_DATA/store/kept/data/" | grep -c '\.seg$')" -le 4 ]]
}
