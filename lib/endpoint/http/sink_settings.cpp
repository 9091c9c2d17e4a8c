#include "endpoint/http/sink_settings.h"

#include <cctype>

namespace gsmq::endpoint::http {
namespace {

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

std::string SinkSettings::host_header() const {
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  const uint16_t default_port = scheme == "https" ? 443 : 80;
  return port == default_port ? h : h + ":" + std::to_string(port);
}

std::string SinkSettings::describe() const { return scheme + "://" + host_header() + "/" + path; }

SinkSettings read_sink_settings(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  SinkSettings c;
  c.scheme = url.scheme;
  if (url.host.empty() || url.host == "*") usage_error(url, "an HTTP sink needs a host");
  c.host = url.host;
  c.port = url.port.value_or(url.scheme == "https" ? 443 : 80);
  c.path = url.path;
  c.user = url.user;
  c.password = url.password;
  c.method = params.text("method");
  c.retries = static_cast<unsigned>(params.number("retries"));
  c.concurrency = static_cast<unsigned>(params.number("concurrency"));
  c.batch = static_cast<size_t>(params.number("batch"));
  c.timeout = params.duration("timeout");
  c.reply = params.flag("reply") || options.kind == "request";
  c.tls = tls_options(url, params, url.scheme == "https");
  if (c.tls.cert_file.empty() != c.tls.key_file.empty()) usage_error(url, "?cert and ?key go together");
  c.max_response_bytes = options.limits.max_body_bytes;
  for (const auto& [key, value] : params.passed_on()) {
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
