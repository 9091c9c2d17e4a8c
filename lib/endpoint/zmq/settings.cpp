#include "endpoint/zmq/settings.h"


namespace gsmq::endpoint::zmq {
const char* pattern_name(Pattern pattern) {
  switch (pattern) {
    case Pattern::push: return "push";
    case Pattern::pull: return "pull";
    case Pattern::pub: return "pub";
    case Pattern::sub: return "sub";
  }
  return "?";
}

Settings read_settings(const EndpointUrl& url, const Params& params, Role role) {
  Settings s;
  s.url = url.text;
  if (!url.user.empty() || !url.password.empty()) usage_error(url, "ZeroMQ URLs take no user or password");

  if (url.scheme == "zmq+tcp") {
    if (!url.port) usage_error(url, "a port is needed: zmq+tcp://HOST:PORT");
    s.bind = url.listens();
    std::string host = url.host;
    if (host.empty() || host == "*") host = "*";
    else if (host.find(':') != std::string::npos) {
      host = "[" + host + "]";
      s.ipv6 = true;
    }
    if (!s.bind && host == "*") usage_error(url, "connecting needs a host");
    s.address = "tcp://" + host + ":" + std::to_string(*url.port);
    s.channel = url.path;
  } else if (url.scheme == "zmq+ipc") {
    // zmq+ipc:///PATH binds (empty host: the common rule); zmq+ipc://localhost/PATH connects.
    if (!url.host.empty() && url.host != "localhost" && url.host != "*")
      usage_error(url, "an ipc address is a local path: zmq+ipc:///PATH (bind) or zmq+ipc://localhost/PATH (connect)");
    if (url.path.empty()) usage_error(url, "no socket path: zmq+ipc:///PATH");
    if (url.port) usage_error(url, "an ipc address has no port");
    s.bind = url.listens();
    s.address = "ipc:///" + url.path;
  } else {
    usage_error(url, "not a ZeroMQ URL (zmq+tcp:// or zmq+ipc://)");
  }
  if (params.given("channel")) s.channel = params.text("channel");

  const std::string pattern = params.given("pattern") ? params.text("pattern") : role == Role::source ? "pull" : "push";
  if (pattern == "push") s.pattern = Pattern::push;
  else if (pattern == "pull") s.pattern = Pattern::pull;
  else if (pattern == "pub") s.pattern = Pattern::pub;
  else s.pattern = Pattern::sub;
  const bool receives = s.pattern == Pattern::pull || s.pattern == Pattern::sub;
  if (role == Role::source && !receives)
    usage_error(url, "?pattern=" + pattern + " sends; a source takes ?pattern=pull (default) or ?pattern=sub");
  if (role == Role::sink && receives)
    usage_error(url, "?pattern=" + pattern + " receives; a sink takes ?pattern=push (default) or ?pattern=pub");

  s.topic = params.text("topic");
  if (params.given("topic") && s.pattern != Pattern::sub) usage_error(url, "?topic= is for ?pattern=sub");
  s.envelope = params.flag("envelope");
  s.frames = static_cast<int>(params.number("frames"));
  if (s.envelope && params.given("frames")) usage_error(url, "?envelope always sends one frame; drop ?frames=");
  s.hwm = static_cast<int>(params.number("hwm"));
  s.linger = params.duration("linger");
  if (params.given("timeout")) s.timeout = params.duration("timeout");
  s.retry = params.flag("retry");
  s.connect_timeout = params.duration("connect_timeout");
  return s;
}

}  // namespace gsmq::endpoint::zmq
