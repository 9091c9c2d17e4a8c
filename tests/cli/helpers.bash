# Shared by the CLI tests: bats-assert, the built tools on PATH, a fresh directory per
# test, and bounded waiting helpers (poll for a condition; never sleep to synchronise).
#
# Use:   load helpers
# CTest sets GSMQ_BIN_DIR (<build>/tools) and GSMQ_SOURCE_DIR; by hand,
# `bats tests/cli/foundation.bats` uses the CI build in build/ci of this checkout.

bats_require_minimum_version 1.5.0

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

# bats-assert's, and the command's stderr too when it was run with --separate-stderr:
# a failure on a loaded CI machine then says why the command failed.
assert_success() {
  : "${output?}"
  : "${status?}"
  if ((status != 0)); then
    {
      batslib_print_kv_single 6 status "$status"
      batslib_print_kv_single_or_multi 6 output "$output"
      [[ -z "${stderr:-}" ]] || batslib_print_kv_single_or_multi 6 stderr "$stderr"
    } | batslib_decorate 'command failed' | fail
  fi
}

_helpers_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GSMQ_SOURCE_DIR="${GSMQ_SOURCE_DIR:-$(cd "$_helpers_dir/../.." && pwd)}"
GSMQ_BIN_DIR="${GSMQ_BIN_DIR:-$GSMQ_SOURCE_DIR/build/ci/tools}"
GSMQ_MAN_DIR="$(cd "$GSMQ_BIN_DIR/.." && pwd)/man"
export GSMQ_SOURCE_DIR GSMQ_BIN_DIR GSMQ_MAN_DIR
if [[ ":$PATH:" != *":$GSMQ_BIN_DIR:"* ]]; then
  PATH="$GSMQ_BIN_DIR:$PATH"
fi

# The project version, as CMakeLists.txt declares it (what --version must print).
gsmq_version() {
  sed -n 's/^project(gsmq VERSION \([0-9.]*\).*/\1/p' "$GSMQ_SOURCE_DIR/CMakeLists.txt"
}

# Every test starts in an empty directory of its own. A file that needs more in its
# setup defines its own setup() and calls gsmq_setup first.
gsmq_setup() {
  cd "$BATS_TEST_TMPDIR" || return 1
}
setup() { gsmq_setup; }

# A pipe whose far end is a file: makes the FIFO out.fifo in the current directory and
# starts a reader copying it into file $1 (sets FIFO_READER). A tool writing to out.fifo
# then shows, line by line in $1, what came through the pipe and when.
fifo_into() {
  mkfifo out.fifo
  cat out.fifo >"$1" 3>&- &
  FIFO_READER=$!
  track_pid "$FIFO_READER"
}

# Remembers a background process, so that teardown kills it if the test did not end it
# (a failed assertion must not leave a follower running).
track_pid() {
  echo "$1" >>"$BATS_TEST_TMPDIR/.pids"
}
gsmq_teardown() {
  local pid
  if [[ -f "$BATS_TEST_TMPDIR/.pids" ]]; then
    while read -r pid; do
      kill -KILL "$pid" 2>/dev/null || true
    done <"$BATS_TEST_TMPDIR/.pids"
  fi
}
teardown() { gsmq_teardown; }

# Polls `"$@"` every 50 ms until it succeeds; fails after $POLL_TRIES tries (default 200,
# about 10 s). Bounded in count and time.
poll_until() {
  local tries="${POLL_TRIES:-200}" i
  for ((i = 0; i < tries; i++)); do
    if "$@"; then return 0; fi
    sleep 0.05
  done
  echo "poll_until: gave up waiting for: $*" >&2
  return 1
}

# True while process $1 exists and has not exited (a child that exited but was not
# waited for yet is a zombie: it counts as gone).
is_running() {
  local state
  state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [[ -n "$state" && "$state" != Z ]]
}

# Waits (bounded) for background child $1 to end and sets $status to its exit status.
# A child still running after the wait is killed and the test fails.
wait_for_exit() {
  if ! POLL_TRIES="${POLL_TRIES:-400}" poll_until eval "! is_running $1"; then
    kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    fail "process $1 did not exit"
  fi
  status=0
  wait "$1" || status=$?
}

# Number of lines in file $1 (0 when it does not exist yet).
count_lines() {
  if [[ -f "$1" ]]; then wc -l <"$1"; else echo 0; fi
}

# Succeeds once file $1 has at least $2 lines.
has_lines() {
  (($(count_lines "$1") >= $2))
}

# Each JSON line of file $1 with sorted keys: compares messages, not spellings.
canonical() {
  jq -cS . "$1"
}

# A test CA and a server certificate it signed, for 127.0.0.1 and localhost, made in
# directory $1: ca.pem (and ca.key), server.pem and server.key.
make_test_ca() {
  local d="$1"
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" -days 2 \
    -subj "/CN=gsmq test CA" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout "$d/server.key" -out "$d/server.csr" -subj "/CN=localhost" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$d/san.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
    -out "$d/server.pem" -days 2 -extfile "$d/san.ext" 2>/dev/null
}
