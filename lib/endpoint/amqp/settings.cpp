#include "endpoint/amqp/settings.h"

#include <charconv>
#include <ctime>

namespace gsmq::endpoint::amqp {

std::string Broker::text() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<StreamOffset> parse_stream_offset(std::string_view text) {
  using K = StreamOffset::Kind;
  if (text == "first") return StreamOffset{K::first, 0};
  if (text == "last") return StreamOffset{K::last, 0};
  if (text == "next") return StreamOffset{K::next, 0};
  if (text.empty()) return std::nullopt;
  int64_t n = 0;
  if (auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      ec == std::errc{} && p == text.data() + text.size() && n >= 0)
    return StreamOffset{K::offset, n};
  std::tm tm{};
  const std::string t(text);
  if (const char* end = strptime(t.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm); end && *end == '\0')
    return StreamOffset{K::time, static_cast<int64_t>(timegm(&tm))};
  return std::nullopt;
}

std::vector<Broker> parse_brokers(const std::string& host_text, std::optional<uint16_t> last_port, uint16_t default_port) {
  std::vector<Broker> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = host_text.find(',', start);
    const std::string item = host_text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    Broker b;
    b.port = default_port;
    const bool last = comma == std::string::npos;
    const size_t colon = item.rfind(':');
    if (!last && colon != std::string::npos) {
      b.host = item.substr(0, colon);
      const std::string_view port = std::string_view(item).substr(colon + 1);
      unsigned v = 0;
      auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
      if (ec != std::errc{} || p != port.data() + port.size() || v == 0 || v > 65535) return {};
      b.port = static_cast<uint16_t>(v);
    } else {
      b.host = item;
      if (last && last_port) b.port = *last_port;
    }
    if (b.host.empty() || b.host == "*") return {};
    out.push_back(std::move(b));
    if (last) break;
    start = comma + 1;
  }
  return out;
}

Settings read_settings(const EndpointUrl& url, const Params& params, Role role, const EndpointOptions& options) {
  Settings s;
  s.url_text = url.text;
  const bool tls = url.scheme == "amqps";
  if (url.host.empty() || url.host == "*") usage_error(url, std::string(kNoServer));
  // The URL's servers as "h1:5673,h2" (the last one's port apart), the form parse_brokers reads.
  std::string hosts;
  for (size_t i = 0; i < url.servers.size(); ++i) {
    const auto& server = url.servers[i];
    hosts += (i ? "," : "") + server.host;
    if (i + 1 < url.servers.size() && server.port) hosts += ":" + std::to_string(*server.port);
  }
  s.brokers = parse_brokers(hosts, url.servers.back().port, tls ? 5671 : 5672);
  if (s.brokers.empty()) usage_error(url, "bad broker list (HOST[:PORT],HOST[:PORT]...)");
  s.vhost = params.text("vhost");
  if (!url.user.empty()) s.user = url.user;
  if (!url.password.empty()) s.password = url.password;
  if (!url.password.empty() && url.user.empty())
    usage_error(url, "a password needs a user name (amqp://USER:PASSWORD@HOST/...)");
  s.tls = tls_options(url, params, tls);
  if (params.given("sni") && s.tls.server_name != url.host)
    usage_error(url, "?sni is not supported for AMQP (rabbitmq-c sends and verifies the URL's host name)");
  if (!s.tls.key_file.empty() && s.tls.cert_file.empty()) usage_error(url, "?key needs ?cert (the client certificate)");
  if (!s.tls.cert_file.empty() && s.tls.key_file.empty()) usage_error(url, "?cert needs ?key (its private key)");

  s.exchange = params.text("exchange");
  s.exchange_type = params.text("exchange_type");
  s.declare = params.flag("declare");
  s.queue_type = params.text("queue_type");
  if (role == Role::sink) {
    if (!url.path.empty() && params.given("routing_key"))
      usage_error(url, "the routing key is given twice (URL path and ?routing_key=); give one");
    s.routing_key = url.path.empty() ? params.text("routing_key") : url.path;
    s.mandatory = params.flag("mandatory");
    s.persistent = params.flag("persistent");
  } else {
    if (!url.path.empty() && params.given("queue"))
      usage_error(url, "the queue is given twice (URL path and ?queue=); give one");
    s.queue = url.path.empty() ? params.text("queue") : url.path;
    s.routing_key = params.text("routing_key");
    if (s.queue.empty() && s.exchange.empty())
      usage_error(url, "no queue to consume (amqp://HOST/QUEUE), and no ?exchange= to bind a queue of its own to");
    if (params.given("routing_key") && s.exchange.empty())
      usage_error(url, "?routing_key binds the queue to an exchange: it needs ?exchange=");
    if (s.queue.empty() && s.routing_key.empty()) s.routing_key = "#";
    if (params.given("offset")) {
      const auto offset = parse_stream_offset(params.text("offset"));
      if (!offset)
        usage_error(url, "?offset=" + params.text("offset") + ": expected first, last, next, a number or a time "
                                                               "(2026-12-01T08:00:00Z)");
      s.offset = *offset;
    }
    if (s.queue.empty() && s.queue_type != "classic")
      usage_error(url, "?queue_type needs a named queue (amqp://HOST/QUEUE)");
    s.reject_to_dead_letter = options.reject_to_dead_letter;
  }
  if (params.given("queue_type") && !s.declare)
    usage_error(url, "?queue_type is used when declaring: it needs ?declare=1");
  s.heartbeat = params.duration("heartbeat");
  if (s.heartbeat.count() > 0 && s.heartbeat < std::chrono::seconds(1))
    usage_error(url, "?heartbeat is at least 1s (or 0: off)");
  s.connect_timeout = params.duration("connect_timeout");
  s.retry = RetryPolicy::from(params);
  if (role == Role::source && options.follow) s.retry.forever = true;
  s.max_inflight = static_cast<size_t>(params.number("max_inflight"));
  return s;
}

}  // namespace gsmq::endpoint::amqp
