#include "endpoint/http/sink_config.h"

#include <cctype>
#include <charconv>
#include <set>

namespace gsmq::endpoint::http {
namespace {

// Query parameters the sink takes for itself; every other one goes on to the target.
const std::set<std::string> kSinkParams = {"method", "retries", "timeout", "concurrency", "batch", "reply",
                                           "ca",     "cert",    "key",     "insecure",    "sni",  "listen"};

unsigned unsigned_param(const EndpointUrl& url, const std::string& key, unsigned fallback, unsigned lo, unsigned hi) {
  const auto it = url.query.find(key);
  if (it == url.query.end()) return fallback;
  unsigned value = 0;
  const std::string& text = it->second;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || p != text.data() + text.size() || value < lo || value > hi)
    throw ToolError(kExitUsage, url.text + ": ?" + key + "=" + text + " is not a number from " + std::to_string(lo) +
                                    " to " + std::to_string(hi));
  return value;
}

std::string query_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/' || c == ':' || c == ',') {
      out.push_back(static_cast<char>(c));
    } else {
      static constexpr char hex[] = "0123456789ABCDEF";
      out += {'%', hex[c >> 4], hex[c & 15]};
    }
  }
  return out;
}

}  // namespace

std::string SinkConfig::host_header() const {
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  const uint16_t default_port = scheme == "https" ? 443 : 80;
  return port == default_port ? h : h + ":" + std::to_string(port);
}

std::string SinkConfig::describe() const { return scheme + "://" + host_header() + "/" + path; }

SinkConfig parse_sink_config(const EndpointUrl& url, const EndpointOptions& options) {
  SinkConfig c;
  c.scheme = url.scheme;
  if (url.host.empty() || url.host == "*") throw ToolError(kExitUsage, url.text + ": an HTTP sink needs a host");
  c.host = url.host;
  c.port = url.port.value_or(url.scheme == "https" ? 443 : 80);
  c.path = url.path;
  c.user = url.user;
  c.password = url.password;
  c.method = url.param("method", "POST");
  for (auto& ch : c.method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (c.method != "POST" && c.method != "PUT" && c.method != "PATCH")
    throw ToolError(kExitUsage, url.text + ": ?method=" + url.param("method") + " (the sink sends POST, PUT or PATCH)");
  c.retries = unsigned_param(url, "retries", 5, 0, 1000);
  c.concurrency = unsigned_param(url, "concurrency", 1, 1, 256);
  c.batch = unsigned_param(url, "batch", 0, 1, 100000);
  if (url.query.count("timeout")) {
    const auto t = parse_duration(url.param("timeout"));
    if (!t || t->count() <= 0)
      throw ToolError(kExitUsage, url.text + ": ?timeout=" + url.param("timeout") + " is not a duration (e.g. 5s)");
    c.timeout = *t;
  }
  c.reply = url.flag("reply") || options.kind == "request";
  c.tls = tls_options(url, url.scheme == "https");
  if (!c.tls.enabled && (url.query.count("ca") || url.query.count("insecure") || url.query.count("sni")))
    throw ToolError(kExitUsage, url.text + ": TLS options need https://");
  if (c.tls.cert_file.empty() != c.tls.key_file.empty())
    throw ToolError(kExitUsage, url.text + ": ?cert and ?key go together");
  c.max_response_bytes = options.limits.max_body_bytes;
  for (const auto& [key, value] : url.query) {
    if (kSinkParams.count(key)) continue;
    if (!c.forward_query.empty()) c.forward_query += '&';
    c.forward_query += query_escape(key);
    if (!value.empty()) c.forward_query += "=" + query_escape(value);
  }
  return c;
}

StatusVerdict judge_status(int status) {
  if (status >= 200 && status < 300) return StatusVerdict::delivered;
  if (status == 408 || status == 429 || status >= 500) return StatusVerdict::retry;
  return StatusVerdict::fail;
}

}  // namespace gsmq::endpoint::http
