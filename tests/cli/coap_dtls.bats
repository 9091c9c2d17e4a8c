#!/usr/bin/env bats
# coaps:// (DTLS) against libcoap's OpenSSL coap-client and coap-server: a pre-shared key
# from IDENTITY:KEY@ both ways, certificates (?cert ?key ?ca ?insecure) both ways, and a
# wrong key or an unknown CA ending with exit 4.

load coap_helpers

setup() {
  gsmq_setup
  COAP_CLIENT="$(command -v coap-client-openssl)"
  COAP_SERVER="$(command -v coap-server-openssl)"
  [[ -n "$COAP_CLIENT" && -n "$COAP_SERVER" ]] || skip "libcoap's OpenSSL client and server are not installed"
}

# A throw-away CA and a server certificate for localhost / 127.0.0.1.
make_certificates() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem \
    -days 2 -subj "/CN=gsmq test CA" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr \
    -subj "/CN=localhost" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >ext.cnf
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
    -extfile ext.cnf 2>/dev/null
}

# coap-server serves DTLS on its port + 1.
dtls_port() { echo $((COAP_SERVER_PORT + 1)); }

@test "PSK: a device posts to the coaps:// ingest" {
  INGEST_PORT="$(free_udp_port)"
  gsmq-recv --count 1 --wait 20s "coaps://dev1:s3cret@127.0.0.1:$INGEST_PORT/in?listen" >in.out 2>in.err &
  pid=$!
  track_pid "$pid"
  # readiness: the DTLS handshake succeeds and the request is taken
  for ((i = 0; i < 100; i++)); do
    "$COAP_CLIENT" -B 2 -u dev1 -k s3cret -m post -e 'over dtls' "coaps://127.0.0.1:$INGEST_PORT/in/x" >client.out 2>&1 &&
      grep -q . in.out 2>/dev/null && break
    sleep 0.1
  done
  wait_for_exit "$pid"
  assert_equal "$status" 0
  run jq -r '.channel + " " + .body' in.out
  assert_output 'x over dtls'
}

@test "PSK: gsmq-send puts to coap-server over DTLS; a wrong key is exit 4" {
  coap_server_start -k s3cret
  run --separate-stderr gsmq-send -m 'psk put' "coaps://dev1:s3cret@127.0.0.1:$(dtls_port)/example_data?method=PUT"
  assert_success
  run "$COAP_CLIENT" -B 5 -u dev1 -k s3cret -m get "coaps://127.0.0.1:$(dtls_port)/example_data"
  assert_output 'psk put'
  run --separate-stderr gsmq-send -m x "coaps://dev1:wrong@127.0.0.1:$(dtls_port)/example_data?method=PUT"
  assert_equal "$status" 4
  [[ "$stderr" == *"DTLS"* ]]
}

@test "certificates: the ingest with ?cert&key, a device trusting the CA" {
  make_certificates
  INGEST_PORT="$(free_udp_port)"
  gsmq-recv --count 1 --wait 20s "coaps://127.0.0.1:$INGEST_PORT/in?listen&cert=server.pem&key=server.key" >in.out 2>in.err &
  pid=$!
  track_pid "$pid"
  for ((i = 0; i < 100; i++)); do
    "$COAP_CLIENT" -B 2 -R ca.pem -m post -e 'pki' "coaps://127.0.0.1:$INGEST_PORT/in" >client.out 2>&1 &&
      grep -q . in.out 2>/dev/null && break
    sleep 0.1
  done
  wait_for_exit "$pid"
  assert_equal "$status" 0
  run jq -r .body in.out
  assert_output pki
}

@test "certificates: an ingest with ?ca requires a client certificate signed by that CA" {
  make_certificates
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout client.key -out client.csr \
    -subj "/CN=device-1" 2>/dev/null
  openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2 2>/dev/null
  INGEST_PORT="$(free_udp_port)"
  gsmq-recv --count 1 --wait 20s "coaps://127.0.0.1:$INGEST_PORT/in?listen&cert=server.pem&key=server.key&ca=ca.pem" \
    >in.out 2>in.err &
  pid=$!
  track_pid "$pid"
  poll_until udp_port_bound "$INGEST_PORT" || { cat in.err; false; }
  # without a certificate: refused in the handshake
  "$COAP_CLIENT" -B 2 -R ca.pem -m post -e 'no cert' "coaps://127.0.0.1:$INGEST_PORT/in" >nocert.out 2>&1 || true
  [[ ! -s in.out ]]
  # with one signed by the CA: taken
  for ((i = 0; i < 100; i++)); do
    "$COAP_CLIENT" -B 2 -R ca.pem -c client.pem -j client.key -m post -e 'with cert' \
      "coaps://127.0.0.1:$INGEST_PORT/in" >client.out 2>&1 && grep -q . in.out 2>/dev/null && break
    sleep 0.1
  done
  wait_for_exit "$pid"
  assert_equal "$status" 0
  run jq -r .body in.out
  assert_output 'with cert'
}

@test "certificates: the sink verifies the server against ?ca, refuses an unknown CA, ?insecure skips the check" {
  make_certificates
  coap_server_start -c server.pem -j server.key -n
  run --separate-stderr gsmq-send -m 'with ca' "coaps://127.0.0.1:$(dtls_port)/example_data?method=PUT&ca=ca.pem"
  assert_success
  run "$COAP_CLIENT" -B 5 -m get "coaps://127.0.0.1:$(dtls_port)/example_data"
  assert_output 'with ca'
  run --separate-stderr gsmq-send -m 'no ca' "coaps://127.0.0.1:$(dtls_port)/example_data?method=PUT"
  assert_equal "$status" 4
  [[ "$stderr" == *"DTLS"* ]]
  run --separate-stderr gsmq-send -m 'insecure' "coaps://127.0.0.1:$(dtls_port)/example_data?method=PUT&insecure"
  assert_success
}

@test "a coaps:// listener without a key or certificate is a usage error" {
  run --separate-stderr gsmq-recv --count 1 "coaps://:$(free_udp_port)/in"
  assert_equal "$status" 2
  [[ "$stderr" == *"needs a pre-shared key"* ]]
}
