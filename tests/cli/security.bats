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
