// TLS settings of an endpoint, from the same parameters for every kind (gsmq(7) TLS;
// declared once in shared_params.h): ?ca=FILE (trusted CAs), ?cert=FILE and ?key=FILE
// (client or server certificate), ?insecure (do not verify the peer), ?sni=NAME (server
// name to verify and send).
#pragma once

#include <string>

#include "endpoint/params.h"

namespace gsmq::endpoint {

struct TlsOptions {
  bool enabled = false;      // the scheme says TLS (mqtts, wss, https, coaps)
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool insecure = false;
  std::string server_name;   // defaults to the URL's host
};

// For an adapter whose table has the TLS parameters (kTlsParams, perhaps narrowed).
inline TlsOptions tls_options(const EndpointUrl& url, const Params& params, bool scheme_is_tls) {
  TlsOptions t;
  t.enabled = scheme_is_tls;
  t.ca_file = params.text("ca");
  t.cert_file = params.text("cert");
  t.key_file = params.text("key");
  t.insecure = params.flag("insecure");
  t.server_name = params.given("sni") ? params.text("sni") : url.host;
  return t;
}

}  // namespace gsmq::endpoint
