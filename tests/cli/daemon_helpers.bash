# Helpers for bats tests that drive a real gsmqd: start it on a free loopback port with
# its own data directory, wait until it serves (port file, not sleeps), stop it cleanly
# or with kill -9, and clean up every process a test started.
#
# Use:   load daemon_helpers
#        setup()    { gsmqd_start; }          # sets GSMQD_PID, GSMQD_PORT, GSMQ (the URL base)
#        teardown() { daemon_teardown; }

load helpers  # bats-assert, the tools on PATH, poll_until, track_pid, count_lines, has_lines

# Starts gsmqd in the background: --listen 127.0.0.1:0 --port-file ... --data-dir
# $GSMQD_DATA (default $BATS_TEST_TMPDIR/data) plus any extra flags. Waits until the
# port file appears, then sets GSMQD_PID, GSMQD_PORT and GSMQ=gsmq://127.0.0.1:PORT.
# Logs go to $GSMQD_LOG (appended, so restarts keep the earlier logs).
gsmqd_start() {
  GSMQD_DATA="${GSMQD_DATA:-$BATS_TEST_TMPDIR/data}"
  GSMQD_LOG="${GSMQD_LOG:-$BATS_TEST_TMPDIR/gsmqd.log}"
  local port_file="$BATS_TEST_TMPDIR/gsmqd.port"
  rm -f "$port_file"
  gsmqd --listen "${GSMQD_LISTEN:-127.0.0.1:0}" --port-file "$port_file" --data-dir "$GSMQD_DATA" "$@" \
    </dev/null >>"$GSMQD_LOG" 2>&1 3>&- &
  GSMQD_PID=$!
  track_pid "$GSMQD_PID"
  local i
  for ((i = 0; i < 200; i++)); do
    [[ -s "$port_file" ]] && break
    if ! kill -0 "$GSMQD_PID" 2>/dev/null; then
      echo "gsmqd exited before serving; its log:" >&2
      cat "$GSMQD_LOG" >&2
      return 1
    fi
    sleep 0.05
  done
  if [[ ! -s "$port_file" ]]; then
    echo "gsmqd did not write its port file in time; its log:" >&2
    cat "$GSMQD_LOG" >&2
    return 1
  fi
  GSMQD_PORT="$(cat "$port_file")"
  GSMQ="gsmq://127.0.0.1:$GSMQD_PORT"
  export GSMQD_PID GSMQD_PORT GSMQ GSMQD_DATA GSMQD_LOG
}

# Waits (bounded, about 10 s) for process $1 to end; kills it with -9 after that.
# Returns its exit status (137 if it had to be killed, or 255 if it is not our child).
_wait_bounded() {
  local pid="$1" i
  for ((i = 0; i < 200; i++)); do
    is_running "$pid" || break
    sleep 0.05
  done
  if is_running "$pid"; then
    echo "process $pid did not end in time; killing it" >&2
    kill -9 "$pid" 2>/dev/null
  fi
  local status=0
  wait "$pid" 2>/dev/null || status=$?
  return "$status"
}

# Waits (bounded) for process $1 and fails unless it exited with status $2; the failure
# shows file $3 (the process's stderr), if given.
assert_exit_status() {
  local status=0
  _wait_bounded "$1" || status=$?
  [[ "$status" -eq "$2" ]] ||
    fail "process $1 exited with status $status, expected $2${3:+; its stderr:$'\n'$(cat "$3")}"
}

# Clean shutdown (SIGTERM); returns gsmqd's exit status.
gsmqd_stop() {
  [[ -n "${GSMQD_PID:-}" ]] || return 0
  kill -TERM "$GSMQD_PID" 2>/dev/null || true
  local status=0
  _wait_bounded "$GSMQD_PID" || status=$?
  GSMQD_PID=""
  return "$status"
}

# A crash: kill -9, then reap it.
gsmqd_kill9() {
  [[ -n "${GSMQD_PID:-}" ]] || return 0
  kill -9 "$GSMQD_PID" 2>/dev/null || true
  wait "$GSMQD_PID" 2>/dev/null || true
  GSMQD_PID=""
}

# teardown: stop gsmqd, then kill -9 whatever else the test started and left running.
# Fails the test when gsmqd did not stop cleanly or its log shows a sanitizer report.
daemon_teardown() {
  local status=0
  gsmqd_stop || status=$?
  gsmq_teardown
  if [[ -f "${GSMQD_LOG:-}" ]] && grep -qE 'ERROR: [A-Za-z]+Sanitizer|runtime error:' "$GSMQD_LOG"; then
    cat "$GSMQD_LOG" >&2
    fail "gsmqd reported a sanitizer error (log above)"
  fi
  [[ "$status" -eq 0 ]] || fail "gsmqd exited with status $status on SIGTERM"
}

# gsmqd_start with the dashboard on a free port (extra gsmqd flags as arguments); sets HTTP
# to its base URL.
gsmqd_start_with_http() {
  rm -f "$BATS_TEST_TMPDIR/http.port"
  gsmqd_start --http 127.0.0.1:0 --http-port-file "$BATS_TEST_TMPDIR/http.port" "$@"
  poll_until test -s "$BATS_TEST_TMPDIR/http.port"
  HTTP="http://127.0.0.1:$(cat "$BATS_TEST_TMPDIR/http.port")"
}
