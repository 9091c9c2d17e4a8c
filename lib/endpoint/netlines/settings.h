// What a tcp:// or udp:// URL asks for (docs/endpoints/netlines.md): the address, listen
// or connect, bare lines or JSON envelopes, and the channel, read once from the URL's
// checked parameters (registration.cpp declares them).
#pragma once

#include <cstdint>
#include <string>

#include "endpoint/endpoint.h"
#include "endpoint/params.h"

namespace gsmq::endpoint::netlines {

struct Settings {
  std::string url_text;
  bool udp = false;
  bool listen = false;
  std::string host;             // to connect to, or to listen on ("" = every interface)
  uint16_t port = 0;
  bool envelope = false;        // JSON envelope lines, instead of bare lines as bodies
  std::string channel;          // source: of messages that name none; sink: not used
  Duration connect_timeout = std::chrono::seconds(5);
  bool retry = false;
};

Settings read_settings(const EndpointUrl& url, const Params& params, Role role);

}  // namespace gsmq::endpoint::netlines
