#include "endpoint/http/ingest_config.h"

#include <cctype>
#include <charconv>
#include <set>

namespace gsmq::endpoint::http {
namespace {

const std::set<std::string> kIngestParams = {"listen",  "channel", "envelope", "max-connections", "headers",
                                             "timeout", "ca",      "cert",     "key"};

std::string trim_slashes(std::string path) {
  while (!path.empty() && path.front() == '/') path.erase(path.begin());
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace

std::string IngestConfig::describe() const {
  const std::string h = bind_host.find(':') != std::string::npos ? "[" + bind_host + "]" : bind_host;
  return scheme + "://" + h + ":" + std::to_string(port) + "/" + path;
}

IngestConfig parse_ingest_config(const EndpointUrl& url, const EndpointOptions& options) {
  IngestConfig c;
  c.scheme = url.scheme;
  for (const auto& [key, value] : url.query)
    if (!kIngestParams.count(key))
      throw ToolError(kExitUsage, url.text + ": unknown parameter ?" + key + " for an HTTP ingest server (see gsmq(7))");
  if (!url.host.empty() && url.host != "*") c.bind_host = url.host;
  c.port = url.port.value_or(url.scheme == "https" ? 443 : 80);
  c.path = trim_slashes(url.path);
  c.channel = url.param("channel");
  c.envelope = url.flag("envelope");
  if (url.query.count("max-connections")) {
    const std::string text = url.param("max-connections");
    unsigned value = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || p != text.data() + text.size() || value == 0 || value > 100000)
      throw ToolError(kExitUsage, url.text + ": ?max-connections=" + text + " is not a number from 1 to 100000");
    c.max_connections = value;
  }
  std::string headers = url.param("headers");
  for (size_t start = 0; start < headers.size();) {
    size_t comma = headers.find(',', start);
    if (comma == std::string::npos) comma = headers.size();
    std::string name = headers.substr(start, comma - start);
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!name.empty()) c.copy_headers.push_back(name);
    start = comma + 1;
  }
  if (url.query.count("timeout")) {
    const auto t = parse_duration(url.param("timeout"));
    if (!t || t->count() <= 0)
      throw ToolError(kExitUsage, url.text + ": ?timeout=" + url.param("timeout") + " is not a duration (e.g. 30s)");
    c.timeout = *t;
  }
  c.max_body_bytes = options.limits.max_body_bytes;
  c.limits = options.limits;
  c.user = url.user;
  c.password = url.password;
  c.tls = tls_options(url, url.scheme == "https");
  if (c.tls.enabled && (c.tls.cert_file.empty() || c.tls.key_file.empty()))
    throw ToolError(kExitUsage, url.text + ": an HTTPS ingest server needs ?cert=FILE&key=FILE");
  if (!c.tls.enabled && (url.query.count("cert") || url.query.count("key") || url.query.count("ca")))
    throw ToolError(kExitUsage, url.text + ": TLS options need https://");
  return c;
}

}  // namespace gsmq::endpoint::http
