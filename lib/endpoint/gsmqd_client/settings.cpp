#include "endpoint/gsmqd_client/settings.h"

#include <cstdlib>

namespace gsmq::endpoint::gsmqd_client {

namespace {
std::string target_of(const std::string& url_host, std::optional<uint16_t> port) {
  const std::string host = url_host.empty() || url_host == "*" ? "127.0.0.1" : url_host;
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port.value_or(kDefaultPort));
}
}  // namespace

std::vector<Settings> settings_per_server(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  std::vector<Settings> out;
  for (const auto& server : url.servers) {
    Settings s = read_settings(url, params, options);
    s.target = target_of(server.host, server.port);
    s.channel.clear();
    s.retry_forever = false;
    s.retry_for = std::min<Duration>(s.retry_for, std::chrono::seconds(2));
    s.connect_timeout = std::min<Duration>(s.connect_timeout, std::chrono::seconds(2));
    out.push_back(std::move(s));
  }
  return out;
}

Settings read_settings(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  Settings s;
  s.target = target_of(url.host, url.port);
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
  s.tls = tls_options(url, params, url.scheme == "gsmqs");
  if (params.given("token")) s.token = params.text("token");
  else if (const char* env = std::getenv("GSMQ_TOKEN"); env && *env) s.token = env;
  if (s.tls.enabled && s.tls.cert_file.empty() != s.tls.key_file.empty())
    throw Error(ErrorKind::usage, url.text + ": ?cert and ?key go together (the client certificate and its key)");
  return s;
}

}  // namespace gsmq::endpoint::gsmqd_client
