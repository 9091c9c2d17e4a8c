#include "endpoint/mqtt/settings.h"

#include <algorithm>
#include <charconv>
#include <random>
#include <set>

#include "endpoint/mqtt/topic.h"

namespace gsmq::endpoint::mqtt {
namespace {

const std::set<std::string> kCommonKeys = {"topic",          "qos",      "clean",     "client_id", "version",
                                           "keepalive",      "session_expiry", "connect_timeout", "retry",
                                           "retry_for",      "max_inflight", "ca", "cert", "key", "insecure", "sni"};
const std::set<std::string> kTlsKeys = {"ca", "cert", "key", "insecure", "sni"};

[[noreturn]] void usage(const Settings& s, const std::string& what) {
  throw ToolError(kExitUsage, s.url_text + ": " + what);
}

bool parse_bool(const Settings& s, const std::string& key, const std::string& value) {
  if (value.empty() || value == "1" || value == "true" || value == "yes") return true;
  if (value == "0" || value == "false" || value == "no") return false;
  usage(s, "?" + key + "=" + value + ": expected 1 or 0 (true/false)");
}

Duration parse_duration_param(const Settings& s, const std::string& key, const std::string& value) {
  auto d = parse_duration(value);
  if (!d || d->count() < 0) usage(s, "?" + key + "=" + value + " is not a duration (e.g. 30s, 500ms, 2m)");
  return *d;
}

uint64_t parse_uint(const Settings& s, const std::string& key, const std::string& value, uint64_t lo, uint64_t hi) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc{} || p != value.data() + value.size() || v < lo || v > hi)
    usage(s, "?" + key + "=" + value + ": expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  return v;
}

std::string random_client_id() {
  std::mt19937_64 rng{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string id = "gsmq-";
  uint64_t r = rng();
  for (int i = 0; i < 12; ++i, r >>= 4) id.push_back(hex[r & 15]);
  return id;
}

}  // namespace

Settings parse_settings(const EndpointUrl& url, Role role, const EndpointOptions& options) {
  Settings s;
  s.url_text = url.text;
  const bool websocket = url.scheme == "ws" || url.scheme == "wss";
  const bool tls = url.scheme == "mqtts" || url.scheme == "wss";

  for (const auto& [key, value] : url.query) {
    const bool known = kCommonKeys.count(key) || (key == "retain" && role == Role::sink);
    if (!known) {
      if (key == "listen") usage(s, "gsmq does not run an MQTT broker; name the broker to connect to (mqtt://HOST:PORT/TOPIC)");
      usage(s, "unknown option ?" + key + (key == "retain" ? " for a source (?retain is for sending)" : "") +
                   " (see docs/endpoints/mqtt.md)");
    }
    if (kTlsKeys.count(key) && !tls) usage(s, "?" + key + " needs a TLS scheme (mqtts:// or wss://)");
  }
  if (url.host.empty() || url.host == "*")
    usage(s, "gsmq does not run an MQTT broker; name the broker to connect to (mqtt://HOST:PORT/TOPIC)");

  // Where paho connects: its own URI schemes, the WebSocket path included.
  const char* transport = url.scheme == "mqtt" ? "tcp" : url.scheme == "mqtts" ? "ssl" : url.scheme.c_str();
  const uint16_t default_port = url.scheme == "mqtt" ? 1883 : url.scheme == "mqtts" ? 8883 : url.scheme == "ws" ? 80 : 443;
  const bool ipv6 = url.host.find(':') != std::string::npos;
  s.server_uri = std::string(transport) + "://" + (ipv6 ? "[" + url.host + "]" : url.host) + ":" +
                 std::to_string(url.port.value_or(default_port));

  // The topic: ?topic= or, for mqtt:// and mqtts://, the URL path. For ws:// and wss:// the
  // path is the WebSocket path (default /mqtt) and the topic is always ?topic=.
  const std::string topic_param = url.param("topic");
  if (websocket) {
    s.server_uri += "/" + (url.path.empty() ? std::string("mqtt") : url.path);
    s.topic = topic_param;
  } else {
    if (!url.path.empty() && url.query.count("topic"))
      usage(s, "the topic is given twice (URL path and ?topic=); give one");
    s.topic = url.path.empty() ? topic_param : url.path;
  }
  if (role == Role::source) {
    if (s.topic.empty())
      usage(s, websocket ? "no topic filter to subscribe to (ws://HOST:PORT/PATH?topic=FILTER)"
                         : "no topic filter to subscribe to (mqtt://HOST:PORT/FILTER)");
    if (!valid_topic_filter(s.topic))
      usage(s, "\"" + s.topic + "\" is not a valid topic filter ('+' and '#' stand for whole levels, '#' only last)");
  } else if (!s.topic.empty() && !valid_topic_name(s.topic)) {
    usage(s, "\"" + s.topic + "\" is not a topic to publish to (no '+' or '#' wildcards)");
  }

  if (auto v = url.param("version", "3"); v == "3" || v == "3.1.1" || v == "4") s.version = 4;
  else if (v == "5" || v == "5.0") s.version = 5;
  else usage(s, "?version=" + v + ": expected 3 (MQTT 3.1.1) or 5");

  if (url.query.count("qos")) {
    s.qos = static_cast<int>(parse_uint(s, "qos", url.param("qos"), 0, 2));
    s.qos_given = true;
  }
  if (url.query.count("retain")) s.retain = parse_bool(s, "retain", url.param("retain"));
  if (url.query.count("clean")) s.clean = parse_bool(s, "clean", url.param("clean"));
  s.client_id = url.param("client_id");
  if (url.query.count("client_id") && s.client_id.empty()) usage(s, "?client_id= is empty");
  if (s.client_id.size() > 65535) usage(s, "?client_id is too long");
  if (!s.clean && s.client_id.empty())
    usage(s, "?clean=0 needs ?client_id=ID (the broker finds a persistent session by its client id)");
  if (s.client_id.empty()) s.client_id = random_client_id();

  if (url.query.count("keepalive")) {
    s.keepalive = parse_duration_param(s, "keepalive", url.param("keepalive"));
    if (s.keepalive > std::chrono::seconds(65535)) usage(s, "?keepalive is at most 65535s");
    if (s.keepalive.count() > 0 && s.keepalive < std::chrono::seconds(1)) usage(s, "?keepalive is at least 1s (or 0: off)");
  }
  if (url.query.count("session_expiry")) {
    if (s.version != 5) usage(s, "?session_expiry needs ?version=5 (MQTT 3.1.1 sessions do not expire)");
    const std::string v = url.param("session_expiry");
    if (v == "never") {
      s.session_expiry_s = 0xFFFFFFFFu;
    } else {
      const auto d = parse_duration_param(s, "session_expiry", v);
      const auto secs = std::chrono::duration_cast<std::chrono::seconds>(d).count();
      if (secs >= 0xFFFFFFFFll) usage(s, "?session_expiry is too long (use never)");
      s.session_expiry_s = static_cast<uint32_t>(secs);
    }
  } else if (s.version == 5) {
    // A persistent session outlives the connection, like MQTT 3.1.1 clean=0; a clean one ends with it.
    s.session_expiry_s = s.clean ? 0u : 0xFFFFFFFFu;
  }

  s.connect_timeout = options.connect_timeout;
  if (url.query.count("connect_timeout")) {
    s.connect_timeout = parse_duration_param(s, "connect_timeout", url.param("connect_timeout"));
    if (s.connect_timeout < std::chrono::seconds(1)) usage(s, "?connect_timeout is at least 1s");
  }
  s.retry_forever = (url.query.count("retry") && parse_bool(s, "retry", url.param("retry"))) ||
                    (role == Role::source && options.follow);
  if (url.query.count("retry_for")) s.retry_for = parse_duration_param(s, "retry_for", url.param("retry_for"));
  if (url.query.count("max_inflight"))
    s.max_inflight = static_cast<size_t>(parse_uint(s, "max_inflight", url.param("max_inflight"), 1, 65535));

  s.user = url.user;
  s.password = url.password;
  if (!s.password.empty() && s.user.empty()) usage(s, "a password needs a user name (mqtt://USER:PASSWORD@HOST/...)");
  s.tls = tls_options(url, tls);
  if (tls) {
    if (url.query.count("insecure")) s.tls.insecure = parse_bool(s, "insecure", url.param("insecure"));
    if (url.query.count("sni") && s.tls.server_name != url.host)
      usage(s, "?sni is not supported for MQTT (paho sends and verifies the URL's host name)");
    if (!s.tls.key_file.empty() && s.tls.cert_file.empty()) usage(s, "?key needs ?cert (the client certificate)");
  }
  return s;
}

}  // namespace gsmq::endpoint::mqtt
