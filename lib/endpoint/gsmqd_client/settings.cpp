#include "endpoint/gsmqd_client/settings.h"

namespace gsmq::endpoint::gsmqd_client {

Settings read_settings(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  Settings s;
  const std::string host = url.host.empty() || url.host == "*" ? "127.0.0.1" : url.host;
  const bool ipv6 = host.find(':') != std::string::npos;
  s.target = (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(url.port.value_or(kDefaultPort));
  s.channel = url.path;
  s.options = options;
  auto& o = s.options;
  if (params.given("kind")) o.kind = params.text("kind");
  if (params.given("group")) o.group = params.text("group");
  if (params.given("from")) o.from = params.text("from");
  if (params.given("visibility")) o.visibility = params.duration("visibility");
  if (params.given("prefetch")) o.prefetch = static_cast<uint32_t>(params.number("prefetch"));
  if (params.given("timeout")) o.request_timeout = params.duration("timeout");
  s.connect_timeout = params.duration("connect_timeout");
  s.retry_for = params.duration("retry_for");
  s.retry_forever = params.flag("retry");
  return s;
}

}  // namespace gsmq::endpoint::gsmqd_client
