// What an mqtt:// mqtts:// ws:// wss:// URL asks for (docs/endpoints/mqtt.md): the broker
// address paho connects to, the topic or filter, and the session and delivery options,
// read from the URL's checked parameters (registration.cpp declares them) so that a bad
// option is a usage error (exit 2) before anything connects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "endpoint/endpoint.h"
#include "endpoint/params.h"
#include "endpoint/tls.h"

namespace gsmq::endpoint::mqtt {

// The listen form, or ?listen: gsmq is a client of brokers, never one.
inline constexpr std::string_view kNoBroker =
    "gsmq does not run an MQTT broker; name the broker to connect to (mqtt://HOST:PORT/TOPIC)";

struct Settings {
  std::string url_text;         // the URL as given, for messages
  std::string server_uri;       // what paho connects to: tcp:// ssl:// ws:// wss://
  std::string topic;            // filter (source) or default topic (sink); may be empty for a sink
  int version = 4;              // MQTT protocol level: 4 = 3.1.1, 5 = 5.0
  int qos = 1;                  // subscription QoS (source) or default publish QoS (sink)
  bool qos_given = false;       // ?qos= was in the URL: it wins over meta mqtt.qos
  std::optional<bool> retain;   // ?retain= (sink): wins over meta mqtt.retain
  bool clean = true;            // clean session (3.1.1) / clean start (5)
  std::string client_id;        // ?client_id=, or a random gsmq-... one
  Duration keepalive = std::chrono::seconds(30);
  std::optional<uint32_t> session_expiry_s;  // v5 Session Expiry Interval
  Duration connect_timeout = std::chrono::seconds(5);
  bool retry_forever = false;   // ?retry, or a source with --follow
  Duration retry_for = std::chrono::seconds(30);  // after a loss, reconnect this long, then give up
  size_t max_inflight = 100;    // sink: publishes awaiting their ack; source: QoS 0 buffer
  std::string user, password;
  TlsOptions tls;
  bool persistent() const { return !clean; }
};

// The settings for a source or a sink; Error(usage) for what the parameters
// cannot say on their own: a bad topic, options that need each other.
Settings read_settings(const EndpointUrl& url, const Params& params, Role role, const EndpointOptions& options);

}  // namespace gsmq::endpoint::mqtt
