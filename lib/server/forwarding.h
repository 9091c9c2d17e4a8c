// How federation (lib/federation) takes part in accepting messages, without the Broker
// knowing about links: it says whether a message that came over a link was kept already,
// where such a message belongs, and which copies of an accepted message the links'
// outboxes get. The Broker stores an accepted message and its copies together: it is
// acknowledged only once all of them are durable.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gsmq/v1/message.pb.h"
#include "server/durable_queue.h"

namespace gsmq::server {

class Forwarding {
 public:
  virtual ~Forwarding() = default;

  enum class Arrival {
    local,      // from a client, not over a link
    fresh,      // over a link, not seen before: keep it, then report with arrived()
    duplicate,  // over a link, kept already: acknowledge, do not store again
    in_flight,  // over a link, its first copy is not durable yet: refuse, the sender retries
  };
  // Looks at a message before it is stored; `to_store` is set when it belongs in the
  // events-store (a forwarded events-store message), and the marks that said so removed.
  // For a fresh arrival, `key` is what recognises it again (its channel and id: a rule's
  // copy on another channel shares the message's id and is a message of its own).
  virtual Arrival arrival(v1::Message& message, bool& to_store, std::string& key) = 0;
  // The fresh arrivals with these keys were stored (ok) or not; `done` runs once what
  // prevents storing them twice is durable.
  virtual void arrived(std::vector<std::string> keys, bool ok, std::function<void()> done) = 0;
  // The copies of an accepted message that links must forward: queue messages for the
  // outbox channels, appended to `out`.
  virtual void copies(const v1::Message& message, bool to_store, std::vector<v1::Message>& out) = 0;
};

// Queue channels whose names begin with this are link outboxes (BrokerOptions::outbox).
inline constexpr std::string_view kOutboxPrefix = "$out/";

}  // namespace gsmq::server
