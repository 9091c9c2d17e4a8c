#include "endpoint/coap/security.h"

#include <sys/stat.h>

#include "util/error.h"

namespace gsmq::endpoint::coap {
namespace {

coap_bin_const_t bytes(const std::string& s) {
  return coap_bin_const_t{s.size(), reinterpret_cast<const uint8_t*>(s.data())};
}

const char* or_null(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

void require_dtls(const Settings& s) {
  if (!coap_dtls_is_supported()) throw Error(ErrorKind::usage, s.url + ": this libcoap has no DTLS support");
}

// Certificate checks: against ?ca when given, not at all with ?insecure.
void set_checks(coap_dtls_pki_t& pki, const TlsOptions& tls, bool verify) {
  pki.verify_peer_cert = verify ? 1 : 0;
  pki.check_common_ca = verify && !tls.ca_file.empty() ? 1 : 0;
  pki.allow_self_signed = tls.insecure ? 1 : 0;
  pki.allow_expired_certs = tls.insecure ? 1 : 0;
  pki.cert_chain_validation = verify ? 1 : 0;
  pki.cert_chain_verify_depth = 3;
  pki.check_cert_revocation = 0;
}

}  // namespace

coap_proto_t setup_server_security(coap_context_t* ctx, const Settings& s) {
  if (!s.secure) return COAP_PROTO_UDP;
  require_dtls(s);
  bool any = false;
  if (!s.psk_key.empty()) {
    coap_dtls_spsk_t psk{};
    psk.version = COAP_DTLS_SPSK_SETUP_VERSION;
    psk.psk_info.hint = bytes(s.psk_identity);
    psk.psk_info.key = bytes(s.psk_key);
    if (!coap_context_set_psk2(ctx, &psk)) throw Error(ErrorKind::usage, s.url + ": libcoap refused the pre-shared key");
    any = true;
  }
  if (!s.tls.cert_file.empty()) {
    coap_dtls_pki_t pki{};
    pki.version = COAP_DTLS_PKI_SETUP_VERSION;
    // Client certificates are checked only when ?ca names who may sign them.
    set_checks(pki, s.tls, !s.tls.ca_file.empty() && !s.tls.insecure);
    pki.pki_key.key_type = COAP_PKI_KEY_PEM;
    pki.pki_key.key.pem.public_cert = s.tls.cert_file.c_str();
    pki.pki_key.key.pem.private_key = s.tls.key_file.empty() ? s.tls.cert_file.c_str() : s.tls.key_file.c_str();
    pki.pki_key.key.pem.ca_file = or_null(s.tls.ca_file);
    if (!coap_context_set_pki(ctx, &pki))
      throw Error(ErrorKind::usage, s.url + ": cannot use ?cert=" + s.tls.cert_file + " / ?key=" + s.tls.key_file);
    any = true;
  }
  if (!any)
    throw Error(ErrorKind::usage, s.url + ": a coaps:// listener needs a pre-shared key (coaps://IDENTITY:KEY@:PORT/PATH) "
                                        "or a certificate (?cert=FILE&key=FILE)");
  return COAP_PROTO_DTLS;
}

coap_session_t* open_client_session(coap_context_t* ctx, const coap_address_t& address, const Settings& s) {
  if (!s.secure) return coap_new_client_session(ctx, nullptr, &address, COAP_PROTO_UDP);
  require_dtls(s);
  if (!s.psk_key.empty()) {
    coap_dtls_cpsk_t psk{};
    psk.version = COAP_DTLS_CPSK_SETUP_VERSION;
    psk.client_sni = const_cast<char*>(or_null(s.tls.server_name));
    psk.psk_info.identity = bytes(s.psk_identity);
    psk.psk_info.key = bytes(s.psk_key);
    return coap_new_client_session_psk2(ctx, nullptr, &address, COAP_PROTO_DTLS, &psk);
  }
  coap_dtls_pki_t pki{};
  pki.version = COAP_DTLS_PKI_SETUP_VERSION;
  set_checks(pki, s.tls, !s.tls.insecure);
  if (!s.tls.insecure && s.tls.ca_file.empty()) {
    // No ?ca: the system's trusted CAs.
    struct stat st {};
    if (::stat("/etc/ssl/certs", &st) == 0) coap_context_set_pki_root_cas(ctx, nullptr, "/etc/ssl/certs");
  }
  pki.client_sni = const_cast<char*>(or_null(s.tls.server_name));
  pki.pki_key.key_type = COAP_PKI_KEY_PEM;
  pki.pki_key.key.pem.public_cert = or_null(s.tls.cert_file);
  pki.pki_key.key.pem.private_key = s.tls.key_file.empty() ? or_null(s.tls.cert_file) : s.tls.key_file.c_str();
  pki.pki_key.key.pem.ca_file = or_null(s.tls.ca_file);
  return coap_new_client_session_pki(ctx, nullptr, &address, COAP_PROTO_DTLS, &pki);
}

}  // namespace gsmq::endpoint::coap
