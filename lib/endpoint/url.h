// Endpoint URLs (gsmq(7) "ENDPOINTS"): scheme://[user[:password]@]host[:port][/path][?query],
// plus the two short forms "-" (stdin/stdout) and "file:PATH". The authority may name
// several servers, host[:port],host[:port],... (a balanced or failing-over endpoint).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gsmq {

struct EndpointUrl {
  std::string text;                          // as given, with ?token='s value shown as ***
  std::string scheme;                        // lower case: "-", "file", "gsmq", "mqtt", ...
  std::string user, password;                // percent-decoded
  std::string host;                          // without [] for IPv6; empty or "*" = listen on all
  std::optional<uint16_t> port;
  // Every server the authority names, in order; the first is also host and port.
  struct Server {
    std::string host;
    std::optional<uint16_t> port;
  };
  std::vector<Server> servers;
  std::string path;                          // percent-decoded, without the leading '/'
  std::map<std::string, std::string> query;  // percent-decoded; a bare key maps to ""

  // True when the endpoint listens rather than connects: empty or "*" host, or ?listen.
  bool listens() const;
  // The query value for `key`, or `fallback`.
  std::string param(const std::string& key, const std::string& fallback = "") const;
  bool flag(const std::string& key) const;   // present and not "0"/"false"/"no"
};

// Parses an endpoint URL; on failure returns nullopt and sets `error`.
std::optional<EndpointUrl> parse_endpoint_url(std::string_view text, std::string& error);

std::string percent_decode(std::string_view text);

// The URL as it may be shown: the value of ?token= replaced by "***" (EndpointUrl::text is
// already so; gsmq(7) gsmq://).
std::string redact_secrets(std::string_view text);

}  // namespace gsmq
