#!/usr/bin/env bats
# gsmqd's security (docs/security.md): TLS on its gRPC port with certificates reloaded
# when they change on disk, gsmqs:// in the tools, client identities (certificates and
# tokens), the ACL file, and limits. The CAs and certificates are made by the test.

bats_require_minimum_version 1.5.0
load daemon_helpers

# A test CA in directory $1 (ca.pem, ca.key) and its server certificate for localhost and
# 127.0.0.1 (server.pem, server.key): make_test_ca's files, with quicker EC keys.
make_ec_ca() {
  mkdir -p "$1"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$1/ca.key" -out "$1/ca.pem" \
    -days 2 -subj "/CN=gsmq test CA $(basename "$1")" 2>/dev/null
  make_cert "$1" server DNS:localhost,IP:127.0.0.1
}

# A client (or server) certificate for CN $2, signed by the CA in directory $1:
# $1/$2.pem and $1/$2.key. EC keys: quick to make.
make_cert() {
  local d="$1" cn="$2" san="${3:-}"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/$cn.key" -out "$d/$cn.csr" \
    -subj "/CN=$cn" 2>/dev/null
  if [[ -n "$san" ]]; then printf 'subjectAltName=%s\n' "$san" >"$d/$cn.ext"; else : >"$d/$cn.ext"; fi
  openssl x509 -req -in "$d/$cn.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
    -out "$d/$cn.pem" -days 2 -extfile "$d/$cn.ext" 2>/dev/null
}

setup_file() {
  command -v openssl >/dev/null || skip "the openssl command is not installed (Debian package openssl)"
  export PKI="$BATS_FILE_TMPDIR/pki" OTHER="$BATS_FILE_TMPDIR/other"
  make_ec_ca "$PKI"
  make_ec_ca "$OTHER"  # a CA gsmqd does not trust, with a server certificate of its own
  make_cert "$PKI" alice
  make_cert "$PKI" bob
  make_cert "$OTHER" mallory
}

teardown() { daemon_teardown; }

# A second gsmqd (a federation node) beside the one of gsmqd_start: sets NODE_PID, NODE.
node_start() {
  local port_file="$BATS_TEST_TMPDIR/node.port"
  gsmqd --listen 127.0.0.1:0 --port-file "$port_file" --data-dir "$BATS_TEST_TMPDIR/node" "$@" \
    </dev/null >>"$BATS_TEST_TMPDIR/node.log" 2>&1 3>&- &
  NODE_PID=$!
  track_pid "$NODE_PID"
  poll_until test -s "$port_file"
  NODE="gsmq://127.0.0.1:$(cat "$port_file")"
}

tls_daemon() {
  gsmqd_start --tls-cert "$PKI/server.pem" --tls-key "$PKI/server.key" "$@"
  TLS="gsmqs://localhost:$GSMQD_PORT"
}

@test "gsmqs:// sends and receives over TLS; a plaintext or unverified client is refused" {
  tls_daemon
  run -0 gsmq-send "$TLS/jobs?ca=$PKI/ca.pem" <<<'{"body":"over tls"}'
  run -0 gsmq-recv --count 1 --wait 5s "$TLS/jobs?ca=$PKI/ca.pem"
  assert_output --partial '"body":"over tls"'
  # The server's certificate is not signed by a CA the client trusts: exit 4.
  run -4 gsmq-send "$TLS/jobs?ca=$OTHER/ca.pem" <<<'{"body":"x"}'
  # The name in the certificate is checked (localhost and 127.0.0.1 are in it); ?sni sets it.
  run -4 gsmq-send "gsmqs://127.0.0.1:$GSMQD_PORT/jobs?ca=$PKI/ca.pem&sni=elsewhere.example" <<<'{"body":"x"}'
  run -0 gsmq-send "gsmqs://127.0.0.1:$GSMQD_PORT/jobs?ca=$PKI/ca.pem&sni=localhost" <<<'{"body":"sni"}'
  run -0 gsmq-send "gsmqs://127.0.0.1:$GSMQD_PORT/jobs?insecure" <<<'{"body":"insecure"}'

  # A plaintext client of a TLS port.
  run -4 gsmq-send "gsmq://127.0.0.1:$GSMQD_PORT/jobs" <<<'{"body":"x"}'
  run -0 gsmqd ping "$TLS?ca=$PKI/ca.pem"
  assert_output --partial '"version"'
  run -0 gsmq-recv --count 2 --wait 5s "$TLS/jobs?ca=$PKI/ca.pem" --raw
  assert_output $'sni\ninsecure'
}

@test "TLS parameters: gsmq:// takes none, a missing file is a usage error, --endpoints lists them" {
  run -2 gsmq-send "gsmq://127.0.0.1:1/jobs?ca=$PKI/ca.pem" <<<'{"body":"x"}'
  assert_output --partial 'gsmqs://'
  run -2 gsmq-send "gsmqs://127.0.0.1:1/jobs?ca=$BATS_TEST_TMPDIR/none.pem" <<<'{"body":"x"}'
  assert_output --partial 'none.pem'
  run -2 gsmq-send "gsmqs://127.0.0.1:1/jobs?cert=$PKI/alice.pem" <<<'{"body":"x"}'
  assert_output --partial '?key'
  gsmq-send --endpoints --json >endpoints.json
  run -0 jq -e '.[] | select(.scheme == "gsmqs") | .tls and ([.parameters[].name] | (index("ca") and index("sni")))' \
    endpoints.json
}

@test "gsmqd refuses bad TLS files at start, naming the flag and the file" {
  run -2 gsmqd --data-dir d --tls-cert "$PKI/server.pem"
  assert_output --partial '--tls-key'
  run -2 gsmqd --data-dir d --tls-cert "$PKI/server.pem" --tls-key "$PKI/alice.key"
  assert_output --partial 'is not the key of'
  run -2 gsmqd --data-dir d --tls-cert "$PKI/nope.pem" --tls-key "$PKI/server.key"
  assert_output --partial 'nope.pem: cannot read'
  run -2 gsmqd --data-dir d --tls-cert "$PKI/server.pem" --tls-key "$PKI/server.key" --tls-client-auth require
  assert_output --partial '--tls-ca'
}

@test "mutual TLS: require refuses a client without a certificate or with one from another CA" {
  tls_daemon --tls-ca "$PKI/ca.pem" --tls-client-auth require
  run -0 gsmq-send "$TLS/jobs?ca=$PKI/ca.pem&cert=$PKI/alice.pem&key=$PKI/alice.key" <<<'{"body":"alice"}'
  run -4 gsmq-send "$TLS/jobs?ca=$PKI/ca.pem" <<<'{"body":"nobody"}'
  run -4 gsmq-send "$TLS/jobs?ca=$PKI/ca.pem&cert=$OTHER/mallory.pem&key=$OTHER/mallory.key" <<<'{"body":"mallory"}'
  run -0 gsmq-recv --count 1 --wait 5s --raw "$TLS/jobs?ca=$PKI/ca.pem&cert=$PKI/bob.pem&key=$PKI/bob.key"
  assert_output alice
}

@test "a renewed certificate is served to new connections without a restart" {
  local live="$BATS_TEST_TMPDIR/live"
  mkdir -p "$live"
  cp "$PKI/server.pem" "$live/cert.pem"
  cp "$PKI/server.key" "$live/key.pem"
  gsmqd_start --tls-cert "$live/cert.pem" --tls-key "$live/key.pem"
  local url="gsmqs://localhost:$GSMQD_PORT/jobs"
  run -0 gsmq-send "$url?ca=$PKI/ca.pem" <<<'{"body":"old cert"}'
  run -4 gsmq-send "$url?ca=$OTHER/ca.pem&connect_timeout=2s" <<<'{"body":"x"}'
  # The renewal: the other CA's server certificate, each file replaced whole.
  cp "$OTHER/server.key" "$live/key.new" && cp "$OTHER/server.pem" "$live/cert.new"
  mv "$live/key.new" "$live/key.pem" && mv "$live/cert.new" "$live/cert.pem"
  POLL_TRIES=100 poll_until gsmqd ping "gsmqs://localhost:$GSMQD_PORT?ca=$OTHER/ca.pem&connect_timeout=1s"
  run -4 gsmq-send "$url?ca=$PKI/ca.pem" <<<'{"body":"x"}'
  run -0 gsmq-send "$url?ca=$OTHER/ca.pem" <<<'{"body":"new cert"}'
  run -0 gsmq-recv --count 2 --wait 5s --raw "$url?ca=$OTHER/ca.pem"
  assert_output $'old cert\nnew cert'
  is_running "$GSMQD_PID"
}

# --- identities and the ACL ---

# Tokens for alice (ops: everything), bob (limited) and link (a federation link), and the
# ACL; carol has a client certificate, mallory one from the trusted CA but no rights.
access_files() {
  ALICE="alice:alice-secret-0123456789"
  BOB="bob:bob-secret-0123456789ab"
  LINK="link:link-secret-0123456789a"
  local who
  for who in "$ALICE" "$BOB" "$LINK"; do
    printf '%s\n' "${who#*:}" | gsmqd token hash "${who%%:*}"
  done >tokens
  cat >acl.conf <<'ACL'
# who      operations                       channels
group ops  alice
allow @ops all                              *
allow bob  send,receive                     jobs/*
deny  bob  receive                          jobs/secret
allow bob  publish,subscribe,request,respond bob/*
allow *    send,receive                     devices/{identity}/*
allow link send,receive                     *
allow anonymous receive                     public
ACL
}

access_daemon() {
  access_files
  [[ -f "$PKI/carol.pem" ]] || make_cert "$PKI" carol
  [[ -f "$PKI/mallory.pem" ]] || make_cert "$PKI" mallory
  tls_daemon --tls-ca "$PKI/ca.pem" --tokens tokens --acl acl.conf "$@"
  CA="ca=$PKI/ca.pem"
}

@test "unauthenticated, wrong-token and wrong-certificate callers are refused" {
  access_daemon
  run -6 gsmq-send "$TLS/jobs/a?$CA" <<<'{"body":"x"}'
  assert_output --partial 'who is calling? send a token'
  run -6 gsmq-recv --count 1 --wait 1s "$TLS/jobs/a?$CA&token=bob:wrong-secret"
  assert_output --partial 'the token was refused'
  refute_output --partial 'wrong-secret'
  run -6 gsmq-send "$TLS/jobs/a?$CA&token=nobody:bob-secret-0123456789ab" <<<'{"body":"x"}'
  # A certificate from a CA gsmqd does not trust fails the handshake (exit 4, as any
  # certificate that does not verify).
  run -4 gsmq-send "$TLS/jobs/a?$CA&cert=$OTHER/mallory.pem&key=$OTHER/mallory.key" <<<'{"body":"x"}'
  run -6 gsmqd channels "$TLS?$CA"
  # Allowed, for contrast, with the token from the environment.
  GSMQ_TOKEN="$BOB" run -0 gsmq-send "$TLS/jobs/a?$CA" <<<'{"body":"ok"}'
}

@test "every operation: the allowed pass, the refused exit 6 naming operation and channel" {
  access_daemon
  local bob="$CA&token=$BOB"
  # send, receive
  run -0 gsmq-send "$TLS/jobs/a?$bob" <<<'{"body":"job"}'
  run -6 gsmq-send "$TLS/other?$bob" <<<'{"body":"x"}'
  assert_output --partial '"bob" may not send on channel "other"'
  run -0 gsmq-recv --count 1 --wait 5s --raw "$TLS/jobs/a?$bob"
  assert_output job
  run -6 gsmq-recv --count 1 --wait 1s "$TLS/jobs/secret?$bob"
  assert_output --partial '"bob" may not receive on channel "jobs/secret"'
  # publish, subscribe (the events-store, replayed from the first)
  run -0 gsmq-send --store "$TLS/bob/log?$bob" <<<'{"body":"stored"}'
  run -6 gsmq-send --events "$TLS/jobs/a?$bob" <<<'{"body":"x"}'
  assert_output --partial '"bob" may not publish on channel "jobs/a"'
  run -0 gsmq-recv --store --from first --count 1 --wait 5s --raw "$TLS/bob/log?$bob"
  assert_output stored
  run -6 gsmq-recv --store --from first --count 1 --wait 1s "$TLS/jobs/a?$bob"
  assert_output --partial '"bob" may not subscribe on channel "jobs/a"'
  # respond, request
  gsmq-recv --respond --exec 'tr a-z A-Z' "$TLS/bob/upper?$bob" 2>responder.err &
  track_pid $!
  POLL_TRIES=100 poll_until eval "gsmq-send --request --raw '$TLS/bob/upper?$bob&timeout=1s' <<<'hi' >reply.txt 2>/dev/null"
  run cat reply.txt
  assert_output --partial HI
  run -6 gsmq-send --request "$TLS/jobs/a?$bob" <<<'{"body":"x"}'
  assert_output --partial '"bob" may not request on channel "jobs/a"'
  run -6 gsmq-recv --respond --exec cat "$TLS/jobs/a?$bob"
  assert_output --partial '"bob" may not respond on channel "jobs/a"'
  # admin
  run -6 gsmqd channels "$TLS?$bob"
  assert_output --partial '"bob" may not admin'
  run -0 gsmqd channels "$TLS?$CA&token=$ALICE"
  assert_output --partial '"channel":"bob/log"'
  # A certificate's CN is an identity: carol, and {identity} in the ACL.
  local carol="$CA&cert=$PKI/carol.pem&key=$PKI/carol.key"
  run -0 gsmq-send "$TLS/devices/carol/t?$carol" <<<'{"body":"c"}'
  run -6 gsmq-send "$TLS/devices/bob/t?$carol" <<<'{"body":"x"}'
  assert_output --partial '"carol" may not send on channel "devices/bob/t"'
  # mallory: a trusted certificate, an identity with no rights.
  run -6 gsmq-send "$TLS/jobs/a?$CA&cert=$PKI/mallory.pem&key=$PKI/mallory.key" <<<'{"body":"x"}'
  assert_output --partial '"mallory" may not send'
}

@test "anonymous callers only with --allow-anonymous, and only what the ACL gives 'anonymous'" {
  access_files
  gsmqd_start --tokens tokens --acl acl.conf --allow-anonymous
  run -0 gsmq-send "$GSMQ/public?token=$ALICE" <<<'{"body":"for all"}'
  run -0 gsmq-recv --count 1 --wait 5s --raw "$GSMQ/public"
  assert_output 'for all'
  run -6 gsmq-send "$GSMQ/public" <<<'{"body":"x"}'
  assert_output --partial '"anonymous" may not send on channel "public"'
}

@test "an ACL reload takes effect at once and keeps the connections still allowed; a bad file is refused" {
  access_files
  gsmqd_start --tokens tokens --acl acl.conf
  local bob="token=$BOB"
  gsmq-recv --follow --raw "$GSMQ/jobs/a?$bob" >received.txt 2>recv.err &
  local receiver=$!
  track_pid "$receiver"
  run -0 gsmq-send "$GSMQ/jobs/a?$bob" <<<'{"body":"one"}'
  poll_until has_lines received.txt 1
  # bob may no longer send to jobs/ (receive stays); SIGHUP reads the file again.
  sed -i 's/^allow bob  send,receive /allow bob  receive /' acl.conf
  kill -HUP "$GSMQD_PID"
  POLL_TRIES=100 poll_until eval "! gsmq-send '$GSMQ/jobs/a?$bob' <<<'{\"body\":\"refused\"}' 2>/dev/null"
  run -6 gsmq-send "$GSMQ/jobs/a?$bob" <<<'{"body":"refused"}'
  # The receiver still running was not dropped: alice's message reaches it.
  run -0 gsmq-send "$GSMQ/jobs/a?token=$ALICE" <<<'{"body":"two"}'
  poll_until has_lines received.txt 2
  run cat received.txt
  assert_output $'one\ntwo'
  is_running "$receiver"
  # A bad file is refused naming file and line; the ACL in force stays.
  printf 'allow bob send jobs/*\nallow bob fly jobs/*\n' >acl.conf
  run -3 gsmqd acl reload "$GSMQ?token=$ALICE"
  assert_output --partial 'acl.conf:2: "fly" is not an operation'
  run -6 gsmq-send "$GSMQ/jobs/a?$bob" <<<'{"body":"still refused"}'
  run -3 gsmqd acl check acl.conf
  assert_output --partial 'acl.conf:2:'
  kill -TERM "$receiver"
  wait "$receiver" || true
}

@test "a token is never printed: not in errors, not in gsmqd links" {
  access_files
  gsmqd_start --tokens tokens --acl acl.conf
  run -2 gsmq-send "$GSMQ/jobs/a?token=$BOB&bogus=1" <<<'{"body":"x"}'
  refute_output --partial "${BOB#*:}"
  assert_output --partial 'token=***'
}

@test "a federation link authenticates with the token in its upstream URL" {
  access_files
  gsmqd_start --tokens tokens --acl acl.conf --name core --role core
  local core="$GSMQ"
  node_start --name n1 --role node --upstream "core=$core?token=$LINK" --forward 'up sensors/#'
  run -0 gsmq-send "$NODE/sensors/t" <<<'{"body":"reading"}'
  run -0 gsmq-recv --count 1 --wait 10s --raw "$core/sensors/t?token=$ALICE"
  assert_output reading
  run -0 gsmqd links "$NODE"
  assert_output --partial 'token=***'
  refute_output --partial "${LINK#*:}"
  kill -TERM "$NODE_PID"
  wait "$NODE_PID"
}
