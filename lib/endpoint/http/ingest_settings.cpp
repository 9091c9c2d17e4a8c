#include "endpoint/http/ingest_settings.h"

#include <cctype>

namespace gsmq::endpoint::http {
namespace {

std::string trim_slashes(std::string path) {
  while (!path.empty() && path.front() == '/') path.erase(path.begin());
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace

std::string IngestSettings::describe() const {
  const std::string h = bind_host.find(':') != std::string::npos ? "[" + bind_host + "]" : bind_host;
  return scheme + "://" + h + ":" + std::to_string(port) + "/" + path;
}

IngestSettings read_ingest_settings(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  IngestSettings c;
  c.scheme = url.scheme;
  if (!url.host.empty() && url.host != "*") c.bind_host = url.host;
  c.port = url.port.value_or(url.scheme == "https" ? 443 : 80);
  c.path = trim_slashes(url.path);
  c.channel = params.text("channel");
  c.envelope = params.flag("envelope");
  c.max_connections = static_cast<size_t>(params.number("max_connections"));
  const std::string headers = params.text("headers");
  for (size_t start = 0; start < headers.size();) {
    size_t comma = headers.find(',', start);
    if (comma == std::string::npos) comma = headers.size();
    std::string name = headers.substr(start, comma - start);
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!name.empty()) c.copy_headers.push_back(name);
    start = comma + 1;
  }
  c.timeout = params.duration("timeout");
  c.max_body_bytes = options.limits.max_body_bytes;
  c.limits = options.limits;
  c.user = url.user;
  c.password = url.password;
  c.tls = tls_options(url, params, url.scheme == "https");
  if (c.tls.enabled && (c.tls.cert_file.empty() || c.tls.key_file.empty()))
    usage_error(url, "an HTTPS ingest server needs ?cert=FILE&key=FILE");
  return c;
}

}  // namespace gsmq::endpoint::http
