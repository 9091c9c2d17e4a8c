# Helpers for the HTTP adapter's bats tests: free ports, the recording test server
# (tests/cli/python/http_recorder.py), an ingest server under test started in the
# background and polled until it answers its health check, and a self-signed certificate.
#
# Use:   load http_helpers
#        teardown() { daemon_teardown; }   # kills whatever the test started

_http_helpers_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
load "$_http_helpers_dir/daemon_helpers.bash"

PY=/usr/bin/python3
HTTP_RECORDER="$GSMQ_SOURCE_DIR/tests/cli/python/http_recorder.py"

# A TCP port that is free on 127.0.0.1 right now.
free_port() {
  "$PY" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# Starts the recorder with the given flags (see http_recorder.py). Sets RECORDER_PID,
# RECORDER_PORT, RECORDER_URL (http[s]://127.0.0.1:PORT) and RECORDED (its record file,
# kept across restarts of the recorder in one test).
recorder_start() {
  local port_file="$BATS_TEST_TMPDIR/recorder.port" scheme=http arg
  for arg in "$@"; do [[ "$arg" == --cert ]] && scheme=https; done
  RECORDED="$BATS_TEST_TMPDIR/requests.jsonl"
  rm -f "$port_file"
  "$PY" "$HTTP_RECORDER" --port-file "$port_file" --record "$RECORDED" "$@" \
    </dev/null >>"$BATS_TEST_TMPDIR/recorder.log" 2>&1 3>&- &
  RECORDER_PID=$!
  track_pid "$RECORDER_PID"
  poll_until test -s "$port_file" || { cat "$BATS_TEST_TMPDIR/recorder.log" >&2; return 1; }
  RECORDER_PORT="$(cat "$port_file")"
  RECORDER_URL="$scheme://127.0.0.1:$RECORDER_PORT"
}

recorder_stop() {
  [[ -n "${RECORDER_PID:-}" ]] || return 0
  kill -TERM "$RECORDER_PID" 2>/dev/null || true
  _wait_bounded "$RECORDER_PID" || true
  RECORDER_PID=""
}

# Requests recorded so far (0 when none).
recorded_count() { count_lines "${RECORDED:-/nonexistent}"; }

# True when the health check of the ingest at URL $1 answers 200 (extra curl flags after it).
ingest_ready() {
  local url="$1"
  shift
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "$@" "$url" 2>/dev/null)" == 200 ]]
}

# Runs a gsmq tool in the background as an ingest server: ingest_start URL_TO_POLL CMD ARGS...
# stdout goes to $INGEST_OUT, stderr to $INGEST_ERR; waits until URL_TO_POLL answers its
# health check (GET), or the tool exited. Sets INGEST_PID. Extra curl flags for the poll
# (e.g. --cacert) in INGEST_CURL_FLAGS (an array).
ingest_start() {
  local poll_url="$1"
  shift
  INGEST_OUT="${INGEST_OUT:-$BATS_TEST_TMPDIR/ingest.out}"
  INGEST_ERR="${INGEST_ERR:-$BATS_TEST_TMPDIR/ingest.err}"
  "$@" </dev/null >"$INGEST_OUT" 2>"$INGEST_ERR" 3>&- &
  INGEST_PID=$!
  track_pid "$INGEST_PID"
  local i
  for ((i = 0; i < 200; i++)); do
    ingest_ready "$poll_url" "${INGEST_CURL_FLAGS[@]}" && return 0
    if ! kill -0 "$INGEST_PID" 2>/dev/null; then
      echo "the ingest server exited before serving; its stderr:" >&2
      cat "$INGEST_ERR" >&2
      return 1
    fi
    sleep 0.05
  done
  echo "the ingest server did not answer $poll_url in time; its stderr:" >&2
  cat "$INGEST_ERR" >&2
  return 1
}

# Waits (bounded) for the ingest tool to end; returns its exit status.
ingest_wait() {
  local status=0
  _wait_bounded "$INGEST_PID" || status=$?
  INGEST_PID=""
  return "$status"
}

# A self-signed certificate for 127.0.0.1 and localhost: $BATS_TEST_TMPDIR/cert.pem, key.pem.
make_certificate() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$BATS_TEST_TMPDIR/key.pem" -out "$BATS_TEST_TMPDIR/cert.pem" >/dev/null 2>&1
}
