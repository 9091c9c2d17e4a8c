# Helpers for the coap:// tests: libcoap's own coap-client and coap-server (libcoap3-bin)
# as the peers, free UDP ports on 127.0.0.1, readiness by polling /.well-known/core.
#
# Use:   load coap_helpers
#        coap_server_start [coap-server flags]  # sets COAP_SERVER_PORT
#        coap_ingest_start URL [gsmq-recv flags] # gsmq-recv in the background: ingest.out/.err

load helpers

# Debian ships the clients per TLS library; any of them will do for plain CoAP, the
# OpenSSL ones for DTLS.
COAP_CLIENT="$(command -v coap-client || command -v coap-client-openssl || command -v coap-client-notls)"
COAP_SERVER="$(command -v coap-server || command -v coap-server-openssl || command -v coap-server-notls)"
export COAP_CLIENT COAP_SERVER

free_udp_port() {
  /usr/bin/python3 -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# True once a UDP socket is bound to port $1 (a coaps:// listener does not answer plain
# CoAP, so this is its readiness check). Read from the kernel's socket table: probing by
# binding the port ourselves would, for that instant, take it from the listener starting.
udp_port_bound() {
  local hex
  hex=$(printf ':%04X' "$1")
  awk -v p="$hex" 'FNR > 1 && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' \
    /proc/net/udp /proc/net/udp6 2>/dev/null
}

# True when a CoAP server on 127.0.0.1:$1 lists its resources.
coap_answers() {
  "$COAP_CLIENT" -m get -B 1 "coap://127.0.0.1:$1/.well-known/core" 2>/dev/null | grep -q '</'
}

# Starts libcoap's example server on a free port; its resources include /example_data
# (GET, PUT; observable) and /time (observable, changes every second).
coap_server_start() {
  COAP_SERVER_PORT="$(free_udp_port)"
  "$COAP_SERVER" -A 127.0.0.1 -p "$COAP_SERVER_PORT" "$@" >>"$BATS_TEST_TMPDIR/coap-server.log" 2>&1 &
  COAP_SERVER_PID=$!
  track_pid "$COAP_SERVER_PID"
  poll_until coap_answers "$COAP_SERVER_PORT"
}

coap_server_stop() {
  [[ -n "${COAP_SERVER_PID:-}" ]] || return 0
  kill -TERM "$COAP_SERVER_PID" 2>/dev/null || true
  wait "$COAP_SERVER_PID" 2>/dev/null || true
  COAP_SERVER_PID=""
}

teardown() {
  coap_server_stop
  gsmq_teardown
}

# Starts `gsmq-recv URL FLAGS...` in the background (stdout ingest.out, stderr
# ingest.err) and waits until it answers CoAP. URL may use $INGEST_PORT (set here).
coap_ingest_start() {
  local url="$1"
  shift
  gsmq-recv "$url" "$@" >"$BATS_TEST_TMPDIR/ingest.out" 2>"$BATS_TEST_TMPDIR/ingest.err" &
  INGEST_PID=$!
  track_pid "$INGEST_PID"
  poll_until coap_answers "$INGEST_PORT"
}

# coap-client against 127.0.0.1:$INGEST_PORT, giving up after 10 s.
coap_post() {
  "$COAP_CLIENT" -B 10 "$@"
}
