// TLS settings of an endpoint, from the same query parameters for every kind (gsmq(7)):
// ?ca=FILE (trusted CAs), ?cert=FILE and ?key=FILE (client or server certificate),
// ?insecure (do not verify the peer), ?sni=NAME (server name to verify and send).
#pragma once

#include <string>

#include "endpoint/url.h"

namespace gsmq {

struct TlsOptions {
  bool enabled = false;      // the scheme says TLS (mqtts, wss, https, coaps, gsmqs)
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool insecure = false;
  std::string server_name;   // defaults to the URL's host
};

inline TlsOptions tls_options(const EndpointUrl& url, bool scheme_is_tls) {
  TlsOptions t;
  t.enabled = scheme_is_tls;
  t.ca_file = url.param("ca");
  t.cert_file = url.param("cert");
  t.key_file = url.param("key");
  t.insecure = url.flag("insecure");
  t.server_name = url.param("sni", url.host);
  return t;
}

}  // namespace gsmq
