#include "endpoint/coap/settings.h"

#include <charconv>
#include <set>

#include "endpoint/coap/mapping.h"
#include "util/exit_status.h"

namespace gsmq::endpoint::coap {
namespace {

const std::set<std::string> kKnownParameters = {
    "listen", "method", "type", "content_format", "retries", "timeout", "ack_timeout", "max_retransmit",
    "retry", "envelope", "max_pending", "channel", "ca", "cert", "key", "insecure", "sni"};

[[noreturn]] void bad(const EndpointUrl& url, const std::string& what) {
  throw ToolError(kExitUsage, url.text + ": " + what);
}

unsigned number(const EndpointUrl& url, const std::string& key, unsigned fallback, unsigned max) {
  const auto it = url.query.find(key);
  if (it == url.query.end()) return fallback;
  unsigned value = 0;
  const auto& text = it->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty() || value > max)
    bad(url, "?" + key + "=" + text + " is not a number from 0 to " + std::to_string(max));
  return value;
}

Duration duration(const EndpointUrl& url, const std::string& key, Duration fallback) {
  const auto it = url.query.find(key);
  if (it == url.query.end()) return fallback;
  const auto d = parse_duration(it->second);
  if (!d || d->count() <= 0) bad(url, "?" + key + "=" + it->second + " is not a duration (e.g. 500ms, 5s)");
  return *d;
}

}  // namespace

Settings parse_settings(const EndpointUrl& url) {
  Settings s;
  s.url = url.text;
  s.secure = url.scheme == "coaps";
  for (const auto& [key, value] : url.query)
    if (!kKnownParameters.contains(key)) bad(url, "unknown parameter ?" + key + " (see docs/endpoints/coap.md)");
  s.listen = url.listens();
  s.host = url.host == "*" ? "" : url.host;
  s.port = url.port.value_or(s.secure ? kDefaultSecurePort : kDefaultPort);
  s.path = url.path;

  const std::string method = url.param("method", "POST");
  if (method == "POST" || method == "post") s.put = false;
  else if (method == "PUT" || method == "put") s.put = true;
  else bad(url, "?method=" + method + ": expected POST or PUT");

  const std::string type = url.param("type", "con");
  if (type == "con" || type == "CON") s.confirmable = true;
  else if (type == "non" || type == "NON") s.confirmable = false;
  else bad(url, "?type=" + type + ": expected con or non");

  if (url.query.contains("content_format")) {
    s.content_format = parse_content_format(url.param("content_format"));
    if (!s.content_format)
      bad(url, "?content_format=" + url.param("content_format") + ": expected a number or a media type such as application/json");
  }
  s.retries = number(url, "retries", s.retries, 100);
  s.timeout = duration(url, "timeout", s.timeout);
  s.ack_timeout = duration(url, "ack_timeout", s.ack_timeout);
  if (s.ack_timeout < std::chrono::milliseconds(1) || s.ack_timeout > std::chrono::seconds(60))
    bad(url, "?ack_timeout= must be between 1ms and 60s");
  s.max_retransmit = number(url, "max_retransmit", s.max_retransmit, 20);
  s.retry = url.flag("retry");
  s.envelope = url.flag("envelope");
  s.max_pending = number(url, "max_pending", 1024, 1u << 20);
  if (s.max_pending == 0) bad(url, "?max_pending= must be at least 1");
  s.channel = url.param("channel");
  s.psk_identity = url.user;
  s.psk_key = url.password;
  s.tls = tls_options(url, s.secure);
  if (!s.secure && (!url.user.empty() || !url.password.empty()))
    bad(url, "user and password are a DTLS pre-shared key: use coaps://IDENTITY:KEY@HOST/PATH");
  return s;
}

}  // namespace gsmq::endpoint::coap
