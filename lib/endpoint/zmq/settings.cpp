#include "endpoint/zmq/settings.h"

#include <charconv>
#include <set>

#include "util/exit_status.h"

namespace gsmq::endpoint::zmq {
namespace {

const std::set<std::string> kKnownParameters = {"listen", "pattern", "topic", "channel", "envelope",
                                                "frames", "hwm", "linger", "timeout", "retry"};

[[noreturn]] void bad(const EndpointUrl& url, const std::string& what) {
  throw ToolError(kExitUsage, url.text + ": " + what);
}

int number(const EndpointUrl& url, const std::string& key, int fallback, int min, int max) {
  const auto it = url.query.find(key);
  if (it == url.query.end()) return fallback;
  int value = 0;
  const auto& text = it->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty() || value < min || value > max)
    bad(url, "?" + key + "=" + text + " is not a number from " + std::to_string(min) + " to " + std::to_string(max));
  return value;
}

std::optional<Duration> duration(const EndpointUrl& url, const std::string& key) {
  const auto it = url.query.find(key);
  if (it == url.query.end()) return std::nullopt;
  const auto d = parse_duration(it->second);
  if (!d || d->count() < 0) bad(url, "?" + key + "=" + it->second + " is not a duration (e.g. 500ms, 5s)");
  return d;
}

}  // namespace

const char* pattern_name(Pattern pattern) {
  switch (pattern) {
    case Pattern::push: return "push";
    case Pattern::pull: return "pull";
    case Pattern::pub: return "pub";
    case Pattern::sub: return "sub";
  }
  return "?";
}

Settings parse_settings(const EndpointUrl& url, Role role) {
  Settings s;
  s.url = url.text;
  for (const auto& [key, value] : url.query)
    if (!kKnownParameters.contains(key)) bad(url, "unknown parameter ?" + key + " (see docs/endpoints/zmq.md)");
  if (!url.user.empty() || !url.password.empty()) bad(url, "ZeroMQ URLs take no user or password");

  if (url.scheme == "zmq+tcp") {
    if (!url.port) bad(url, "a port is needed: zmq+tcp://HOST:PORT");
    s.bind = url.listens();
    std::string host = url.host;
    if (host.empty() || host == "*") host = "*";
    else if (host.find(':') != std::string::npos) {
      host = "[" + host + "]";
      s.ipv6 = true;
    }
    if (!s.bind && host == "*") bad(url, "connecting needs a host");
    s.address = "tcp://" + host + ":" + std::to_string(*url.port);
    s.channel = url.path;
  } else if (url.scheme == "zmq+ipc") {
    // zmq+ipc:///PATH binds (empty host: the common rule); zmq+ipc://localhost/PATH connects.
    if (!url.host.empty() && url.host != "localhost" && url.host != "*")
      bad(url, "an ipc address is a local path: zmq+ipc:///PATH (bind) or zmq+ipc://localhost/PATH (connect)");
    if (url.path.empty()) bad(url, "no socket path: zmq+ipc:///PATH");
    if (url.port) bad(url, "an ipc address has no port");
    s.bind = url.listens();
    s.address = "ipc:///" + url.path;
  } else {
    bad(url, "not a ZeroMQ URL (zmq+tcp:// or zmq+ipc://)");
  }
  s.channel = url.param("channel", s.channel);

  const std::string pattern = url.param("pattern", role == Role::source ? "pull" : "push");
  if (pattern == "push") s.pattern = Pattern::push;
  else if (pattern == "pull") s.pattern = Pattern::pull;
  else if (pattern == "pub") s.pattern = Pattern::pub;
  else if (pattern == "sub") s.pattern = Pattern::sub;
  else bad(url, "?pattern=" + pattern + ": expected push, pull, pub or sub");
  const bool receives = s.pattern == Pattern::pull || s.pattern == Pattern::sub;
  if (role == Role::source && !receives)
    bad(url, "?pattern=" + pattern + " sends; a source takes ?pattern=pull (default) or ?pattern=sub");
  if (role == Role::sink && receives)
    bad(url, "?pattern=" + pattern + " receives; a sink takes ?pattern=push (default) or ?pattern=pub");

  s.topic = url.param("topic");
  if (url.query.contains("topic") && s.pattern != Pattern::sub) bad(url, "?topic= is for ?pattern=sub");
  s.envelope = url.flag("envelope");
  s.frames = number(url, "frames", 2, 1, 2);
  if (s.envelope && url.query.contains("frames")) bad(url, "?envelope always sends one frame; drop ?frames=");
  s.hwm = number(url, "hwm", 1000, 0, 10'000'000);
  if (const auto d = duration(url, "linger")) s.linger = *d;
  s.timeout = duration(url, "timeout");
  s.retry = url.flag("retry");
  return s;
}

}  // namespace gsmq::endpoint::zmq
