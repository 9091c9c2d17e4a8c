#include "endpoint/stomp/settings.h"

namespace gsmq::endpoint::stomp {

Settings read_settings(const EndpointUrl& url, const Params& params, Role role, const EndpointOptions& options) {
  Settings s;
  s.url_text = url.text;
  if (url.host.empty() || url.host == "*") usage_error(url, std::string(kNoServer));
  s.host = url.host;
  const bool tls = url.scheme == "stomps" || url.scheme == "stomp+wss";
  s.websocket = url.scheme == "stomp+ws" || url.scheme == "stomp+wss";
  s.port = url.port.value_or(s.websocket ? (tls ? 15673 : 15674) : (tls ? 61614 : 61613));
  if (s.websocket) {
    s.ws_path = params.text("path");
    if (s.ws_path.empty() || s.ws_path[0] != '/') usage_error(url, "?path must start with / (the WebSocket's HTTP path)");
  } else if (params.given("path")) {
    usage_error(url, "?path is the WebSocket's path: for stomp+ws:// and stomp+wss:// only");
  }
  s.tls = tls_options(url, params, tls);
  if (!s.tls.key_file.empty() && s.tls.cert_file.empty()) usage_error(url, "?key needs ?cert (the client certificate)");
  if (!s.tls.cert_file.empty() && s.tls.key_file.empty()) usage_error(url, "?cert needs ?key (its private key)");
  s.vhost = params.text("vhost");
  s.login = url.user;
  s.passcode = url.password;
  if (!url.password.empty() && url.user.empty())
    usage_error(url, "a password needs a user name (stomp://USER:PASSWORD@HOST/...)");
  if (!url.path.empty() && params.given("destination"))
    usage_error(url, "the destination is given twice (URL path and ?destination=); give one");
  s.destination = url.path.empty() ? params.text("destination") : "/" + url.path;
  if (role == Role::source && s.destination.empty())
    usage_error(url, "no destination to subscribe to (stomp://HOST:PORT/queue/NAME)");
  if (role == Role::sink) s.persistent = params.flag("persistent");
  s.heartbeat = params.duration("heartbeat");
  s.connect_timeout = params.duration("connect_timeout");
  s.retry = RetryPolicy::from(params);
  if (role == Role::source && options.follow) s.retry.forever = true;
  s.max_inflight = static_cast<size_t>(params.number("max_inflight"));
  s.reject_to_dead_letter = options.reject_to_dead_letter;
  return s;
}

}  // namespace gsmq::endpoint::stomp
