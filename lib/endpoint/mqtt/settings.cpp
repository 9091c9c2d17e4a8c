#include "endpoint/mqtt/settings.h"

#include <random>

#include "endpoint/mqtt/topic.h"

namespace gsmq::endpoint::mqtt {
namespace {

std::string random_client_id() {
  std::mt19937_64 rng{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string id = "gsmq-";
  uint64_t r = rng();
  for (int i = 0; i < 12; ++i, r >>= 4) id.push_back(hex[r & 15]);
  return id;
}

// The topic: ?topic= or, for mqtt:// and mqtts://, the URL path. For ws:// and wss:// the
// path is the WebSocket path (default /mqtt) and the topic is always ?topic=.
void read_topic(Settings& s, const EndpointUrl& url, const Params& params, bool websocket, Role role) {
  if (websocket) {
    s.server_uri += "/" + (url.path.empty() ? std::string("mqtt") : url.path);
    s.topic = params.text("topic");
  } else {
    if (!url.path.empty() && params.given("topic"))
      usage_error(url, "the topic is given twice (URL path and ?topic=); give one");
    s.topic = url.path.empty() ? params.text("topic") : url.path;
  }
  if (role == Role::source) {
    if (s.topic.empty())
      usage_error(url, websocket ? "no topic filter to subscribe to (ws://HOST:PORT/PATH?topic=FILTER)"
                         : "no topic filter to subscribe to (mqtt://HOST:PORT/FILTER)");
    if (!valid_topic_filter(s.topic))
      usage_error(url, "\"" + s.topic + "\" is not a valid topic filter ('+' and '#' stand for whole levels, '#' only last)");
  } else if (!s.topic.empty() && !valid_topic_name(s.topic)) {
    usage_error(url, "\"" + s.topic + "\" is not a topic to publish to (no '+' or '#' wildcards)");
  }
}

void read_session(Settings& s, const EndpointUrl& url, const Params& params) {
  s.version = params.text("version").starts_with('5') ? 5 : 4;
  s.clean = params.flag("clean");
  s.client_id = params.text("client_id");
  if (params.given("client_id") && s.client_id.empty()) usage_error(url, "?client_id= is empty");
  if (s.client_id.size() > 65535) usage_error(url, "?client_id is too long");
  if (!s.clean && s.client_id.empty())
    usage_error(url, "?clean=0 needs ?client_id=ID (the broker finds a persistent session by its client id)");
  if (s.client_id.empty()) s.client_id = random_client_id();

  s.keepalive = params.duration("keepalive");
  if (s.keepalive.count() > 0 && s.keepalive < std::chrono::seconds(1))
    usage_error(url, "?keepalive is at least 1s (or 0: off)");
  if (params.given("session_expiry")) {
    if (s.version != 5) usage_error(url, "?session_expiry needs ?version=5 (MQTT 3.1.1 sessions do not expire)");
    const Duration d = params.duration("session_expiry");
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(d).count();
    if (d == Duration::max()) s.session_expiry_s = 0xFFFFFFFFu;  // never
    else if (secs >= 0xFFFFFFFFll) usage_error(url, "?session_expiry is too long (use never)");
    else s.session_expiry_s = static_cast<uint32_t>(secs);
  } else if (s.version == 5) {
    // A persistent session outlives the connection, like MQTT 3.1.1 clean=0; a clean one ends with it.
    s.session_expiry_s = s.clean ? 0u : 0xFFFFFFFFu;
  }
}

}  // namespace

Settings read_settings(const EndpointUrl& url, const Params& params, Role role, const EndpointOptions& options) {
  Settings s;
  s.url_text = url.text;
  const bool websocket = url.scheme == "ws" || url.scheme == "wss";
  const bool tls = url.scheme == "mqtts" || url.scheme == "wss";
  if (url.host.empty() || url.host == "*") usage_error(url, std::string(kNoBroker));

  // Where paho connects: its own URI schemes, the WebSocket path included.
  const char* transport = url.scheme == "mqtt" ? "tcp" : url.scheme == "mqtts" ? "ssl" : url.scheme.c_str();
  const uint16_t default_port = url.scheme == "mqtt" ? 1883 : url.scheme == "mqtts" ? 8883 : url.scheme == "ws" ? 80 : 443;
  const bool ipv6 = url.host.find(':') != std::string::npos;
  s.server_uri = std::string(transport) + "://" + (ipv6 ? "[" + url.host + "]" : url.host) + ":" +
                 std::to_string(url.port.value_or(default_port));
  read_topic(s, url, params, websocket, role);
  read_session(s, url, params);

  s.qos = static_cast<int>(params.number("qos"));
  s.qos_given = params.given("qos");
  if (params.given("retain")) s.retain = params.flag("retain");
  s.connect_timeout = params.duration("connect_timeout");
  s.retry_forever = params.flag("retry") || (role == Role::source && options.follow);
  s.retry_for = params.duration("retry_for");
  s.max_inflight = static_cast<size_t>(params.number("max_inflight"));

  s.user = url.user;
  s.password = url.password;
  if (!s.password.empty() && s.user.empty())
    usage_error(url, "a password needs a user name (mqtt://USER:PASSWORD@HOST/...)");
  s.tls = tls_options(url, params, tls);
  if (params.given("sni") && s.tls.server_name != url.host)
    usage_error(url, "?sni is not supported for MQTT (paho sends and verifies the URL's host name)");
  if (!s.tls.key_file.empty() && s.tls.cert_file.empty()) usage_error(url, "?key needs ?cert (the client certificate)");
  return s;
}

}  // namespace gsmq::endpoint::mqtt
