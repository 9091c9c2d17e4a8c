#include "endpoint/netlines/settings.h"

namespace gsmq::endpoint::netlines {

Settings read_settings(const EndpointUrl& url, const Params& params, Role role) {
  Settings s;
  s.url_text = url.text;
  s.udp = url.scheme == "udp";
  s.websocket = url.scheme == "lines+ws" || url.scheme == "lines+wss";
  s.tls = tls_options(url, params, url.scheme == "lines+wss");
  s.listen = url.listens();
  s.host = url.host == "*" ? "" : url.host;
  if (s.websocket && !s.listen && !url.port) s.port = s.tls.enabled ? 443 : 80;
  else if (!url.port || *url.port == 0) usage_error(url, "the port is required (" + url.scheme + "://HOST:PORT)");
  else s.port = *url.port;
  if (!url.user.empty() || !url.password.empty()) usage_error(url, "user information is not taken");
  s.envelope = params.flag("envelope");
  if (s.websocket) {  // the path is the WebSocket's
    s.ws_path = url.path.empty() ? (s.listen ? "" : "/") : "/" + url.path;
    s.channel = params.text("channel");
    if (s.tls.enabled && s.listen && (s.tls.cert_file.empty() || s.tls.key_file.empty()))
      usage_error(url, "a lines+wss:// listener needs ?cert and ?key (its certificate)");
    if (s.tls.enabled && !s.listen && s.tls.cert_file.empty() != s.tls.key_file.empty())
      usage_error(url, "?cert and ?key go together (the client certificate and its key)");
  } else {
    if (!url.path.empty() && params.given("channel")) usage_error(url, "the channel is given twice (URL path and ?channel=)");
    s.channel = url.path.empty() ? params.text("channel") : url.path;
  }
  if (role == Role::sink && s.listen)
    usage_error(url, "a sink connects (" + url.scheme + "://HOST:PORT); listening is for a source");
  if (role == Role::source && s.udp && !s.listen)
    usage_error(url, "a udp:// source listens (udp://:PORT, or udp://ADDRESS:PORT?listen)");
  if (!s.listen) {
    if (s.host.empty()) usage_error(url, "no host to connect to");
    s.connect_timeout = params.duration("connect_timeout");
    s.retry = params.flag("retry");
  }
  return s;
}

}  // namespace gsmq::endpoint::netlines
