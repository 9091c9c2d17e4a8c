// What an amqp:// or amqps:// URL asks for (docs/endpoints/amqp.md): the brokers to try in
// turn, the login and virtual host, where messages go (exchange, routing key) or come
// from (queue, binding), what to declare, and the delivery options, read from the URL's
// checked parameters (registration.cpp declares them) so that a bad option is a usage
// error (exit 2) before anything connects.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "endpoint/endpoint.h"
#include "endpoint/params.h"
#include "endpoint/reconnect.h"
#include "endpoint/tls.h"

namespace gsmq::endpoint::amqp {

inline constexpr std::string_view kNoServer =
    "gsmq does not run an AMQP broker; name the broker to connect to (amqp://HOST:PORT/QUEUE)";

struct Broker {
  std::string host;
  uint16_t port = 5672;
  std::string text() const;  // host:port ([host]:port for IPv6)
};

// Where a stream queue consumer starts (x-stream-offset): first, last, next, an offset
// number, or a time (seconds since the epoch).
struct StreamOffset {
  enum class Kind { none, first, last, next, offset, time };
  Kind kind = Kind::none;
  int64_t value = 0;
  bool operator==(const StreamOffset&) const = default;
};

// "first", "last", "next", a number (the offset), or a time 2026-12-01T08:00:00Z; nullopt
// when it is none of these.
std::optional<StreamOffset> parse_stream_offset(std::string_view text);

// The host part of a URL as a broker list: "h1:5673,h2" with the URL's last port (which
// the URL parser took off the end) given to the last host. Empty when a host is empty.
std::vector<Broker> parse_brokers(const std::string& host_text, std::optional<uint16_t> last_port, uint16_t default_port);

struct Settings {
  std::string url_text;            // the URL as given, for messages
  std::vector<Broker> brokers;     // tried in turn: the first that answers
  std::string vhost = "/";
  std::string user = "guest", password = "guest";
  TlsOptions tls;
  std::string exchange;            // "" = the default exchange
  std::string exchange_type = "topic";
  std::string routing_key;         // sink: the URL's routing key (may be empty); source: the binding key
  std::string queue;               // source: the queue consumed ("" = a server-named one bound to exchange)
  bool declare = false;            // declare what the URL names (else it must exist)
  std::string queue_type = "classic";
  StreamOffset offset;             // source of a stream queue
  bool mandatory = true;           // sink: an unroutable message is returned, a failure
  bool persistent = true;          // sink: delivery mode 2
  Duration heartbeat = std::chrono::seconds(30);
  Duration connect_timeout = std::chrono::seconds(5);
  RetryPolicy retry;               // after a loss; retry.forever also waits at the start
  size_t max_inflight = 100;       // sink: publishes not confirmed yet; source: the prefetch
  bool reject_to_dead_letter = false;  // source: a refused message is rejected (no requeue)
  bool exclusive_queue() const { return queue.empty(); }
};

// The settings for a source or a sink; Error(usage) for what the parameters cannot say
// on their own: no queue to consume, a bad broker list, a bad stream offset.
Settings read_settings(const EndpointUrl& url, const Params& params, Role role, const EndpointOptions& options);

}  // namespace gsmq::endpoint::amqp
