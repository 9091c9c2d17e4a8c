#include "endpoint/coap/settings.h"

#include "endpoint/coap/mapping.h"

namespace gsmq::endpoint::coap {

Settings read_settings(const EndpointUrl& url, const Params& params) {
  Settings s;
  s.url = url.text;
  s.secure = url.scheme == "coaps";
  s.listen = url.listens();
  s.host = url.host == "*" ? "" : url.host;
  s.port = url.port.value_or(s.secure ? kDefaultSecurePort : kDefaultPort);
  s.path = url.path;
  s.put = params.text("method") == "PUT";
  s.confirmable = params.text("type") == "con";
  if (params.given("content_format")) {
    s.content_format = parse_content_format(params.text("content_format"));
    if (!s.content_format)
      usage_error(url, "?content_format=" + params.text("content_format") +
                           ": expected a number or a media type such as application/json");
  }
  s.retries = static_cast<unsigned>(params.number("retries"));
  s.timeout = params.duration("timeout");
  s.ack_timeout = params.duration("ack_timeout");
  s.max_retransmit = static_cast<unsigned>(params.number("max_retransmit"));
  s.retry = params.flag("retry");
  s.connect_timeout = params.duration("connect_timeout");
  s.envelope = params.flag("envelope");
  s.max_pending = static_cast<size_t>(params.number("max_pending"));
  s.channel = params.text("channel");
  s.psk_identity = url.user;
  s.psk_key = url.password;
  s.tls = tls_options(url, params, s.secure);
  if (!s.secure && (!url.user.empty() || !url.password.empty()))
    usage_error(url, "user and password are a DTLS pre-shared key: use coaps://IDENTITY:KEY@HOST/PATH");
  return s;
}

}  // namespace gsmq::endpoint::coap
