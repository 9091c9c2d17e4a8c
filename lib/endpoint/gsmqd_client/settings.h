// What a gsmq:// URL asks for (gsmq(7) gsmq://): the daemon's address, the URL's channel,
// and the tools' options with the URL's parameters applied: a parameter given in the
// URL wins over the flag of the same meaning (--events, --group, --prefetch, ...).
#pragma once

#include <string>
#include <vector>

#include "endpoint/endpoint.h"
#include "endpoint/params.h"
#include "endpoint/tls.h"

namespace gsmq::endpoint::gsmqd_client {

constexpr uint16_t kDefaultPort = 7878;

struct Settings {
  std::string target;        // host:port; an empty host or "*" is 127.0.0.1
  std::string channel;       // the URL's path: the default channel
  EndpointOptions options;   // kind, group, from, visibility, prefetch, request_timeout applied
  Duration connect_timeout = std::chrono::seconds(5);
  // After a lost connection: keep trying to reconnect for this long, or for ever (?retry,
  // which the first connect honours too).
  Duration retry_for = std::chrono::seconds(30);
  bool retry_forever = false;
  TlsOptions tls;            // gsmqs://: TLS with ?ca ?cert ?key ?insecure ?sni
  std::string token;         // ?token=, else $GSMQ_TOKEN: "IDENTITY:SECRET", sent as a bearer token
};

Settings read_settings(const EndpointUrl& url, const Params& params, const EndpointOptions& options);

// One Settings per server a URL names (gsmq://a:7878,b:7878/...), for the balancer: each
// names no channel (the balancer applies the URL's) and waits for its daemon only briefly
// after a loss, since the others take its share meanwhile.
std::vector<Settings> settings_per_server(const EndpointUrl& url, const Params& params, const EndpointOptions& options);

}  // namespace gsmq::endpoint::gsmqd_client
