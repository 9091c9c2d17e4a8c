// What an adapter declares to the registry (lib/endpoint/<kind>/registration.cpp): its
// URL schemes, the roles it can be opened in, its parameter table and how it opens a
// source and a sink from a URL whose parameters were checked against that table.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "endpoint/endpoint.h"
#include "endpoint/param_spec.h"

namespace gsmq::endpoint {

class Params;

struct Scheme {
  std::string_view name{};    // "mqtts"; "file" for file:PATH, "-" for stdin/stdout
  std::string_view doc{};     // what it is, one line
  bool tls = false;           // takes the adapter's TLS parameters
  uint16_t default_port = 0;  // 0: none
};

struct Adapter {
  std::string_view kind{};// its folder under lib/endpoint/ and its namespace
  std::span<const Scheme> schemes{};
  Roles roles = kSource | kSink;  // what its URLs can be opened as
  std::span<const ParamSpec> params{};
  // In these roles a parameter the adapter does not take is handed on to the peer
  // (Params::passed_on()) instead of being a usage error: the HTTP sink's target query.
  Roles passes_unknown = 0;
  // For a kind that only connects: why ?listen is refused, said instead of "unknown".
  std::string_view connect_only{};
  // Takes several servers in one URL (host:port,host:port: balanced or failed over);
  // otherwise such a URL is a usage error.
  bool several_servers = false;
  std::unique_ptr<Source> (*open_source)(const EndpointUrl&, const Params&, const EndpointOptions&) = nullptr;
  std::unique_ptr<Sink> (*open_sink)(const EndpointUrl&, const Params&, const EndpointOptions&) = nullptr;
};

// The scheme of `adapter` named `name`, or nullptr.
const Scheme* find_scheme(const Adapter& adapter, std::string_view name);

// How a URL of the scheme starts: "-", "file:", "mqtt://".
std::string url_prefix(const Scheme& scheme);

// Error(usage) "URL: what": how an adapter refuses a URL it cannot use.
[[noreturn]] void usage_error(const EndpointUrl& url, const std::string& what);

// The role a URL is opened in: the listen form when the adapter has one and the URL asks
// for it (gsmq(7) "Listening or connecting"), else the connect form of `role`.
Roles opened_as(const Adapter& adapter, const EndpointUrl& url, Role role);

}  // namespace gsmq::endpoint
