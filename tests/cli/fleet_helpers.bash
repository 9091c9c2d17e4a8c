# Helpers for bats tests that run several gsmqd at once, each named, with its own data
# directory and a port kept across restarts (federation.bats, balancer.bats).
#
# Use:   load fleet_helpers
#        setup()    { fleet_setup; }
#        teardown() { fleet_teardown; }

load daemon_helpers

fleet_setup() {
  gsmq_setup
  declare -gA FED_PID FED_PORT
}

# Stops every daemon started, fails the test on a sanitizer report or an unclean stop.
fleet_teardown() {
  local name status=0
  for name in "${!FED_PID[@]}"; do
    fed_stop "$name" || status=$?
  done
  gsmq_teardown
  if grep -qE 'ERROR: [A-Za-z]+Sanitizer|runtime error:' "$BATS_TEST_TMPDIR"/*.log 2>/dev/null; then
    cat "$BATS_TEST_TMPDIR"/*.log >&2
    fail "a gsmqd reported a sanitizer error"
  fi
  [[ "$status" -eq 0 ]] || fail "a gsmqd did not stop cleanly (status $status)"
}

# fed_start NAME [gsmqd flags...]: a federated gsmqd named NAME with its own data directory,
# on a free port the first time; started again without flags, it has the same flags and port.
fed_start() {
  local name=$1 args_file="$BATS_TEST_TMPDIR/$1.args"
  shift
  if [[ $# -gt 0 ]]; then printf '%s\0' "$@" >"$args_file"; elif [[ ! -e "$args_file" ]]; then : >"$args_file"; fi
  local -a args
  mapfile -d '' args <"$args_file"
  local port_file="$BATS_TEST_TMPDIR/$name.port" listen="127.0.0.1:${FED_PORT[$name]:-0}"
  rm -f "$port_file"
  gsmqd --listen "$listen" --port-file "$port_file" --data-dir "$BATS_TEST_TMPDIR/$name.data" --name "$name" \
    "${args[@]}" </dev/null >>"$BATS_TEST_TMPDIR/$name.log" 2>&1 3>&- &
  FED_PID[$name]=$!
  track_pid "${FED_PID[$name]}"
  poll_until test -s "$port_file" || { cat "$BATS_TEST_TMPDIR/$name.log" >&2; return 1; }
  FED_PORT[$name]=$(cat "$port_file")
}

fed_stop() {
  local name=$1 status=0
  [[ -n "${FED_PID[$name]:-}" ]] || return 0
  kill -TERM "${FED_PID[$name]}" 2>/dev/null || true
  _wait_bounded "${FED_PID[$name]}" || status=$?
  unset "FED_PID[$name]"
  return "$status"
}

fed_kill9() {
  kill -9 "${FED_PID[$1]}"
  wait "${FED_PID[$1]}" 2>/dev/null || true
  unset "FED_PID[$1]"
}

url() { echo "gsmq://127.0.0.1:${FED_PORT[$1]}"; }

# The messages waiting in channel $2 of daemon $1 as bare bodies, taken off the queue.
drain() { gsmq-recv --raw "$(url "$1")/$2"; }

