// What the subscribers of a PUB sink asked for: the prefixes subscribed to now, kept from
// the subscription messages its XPUB socket receives. libzmq passes on the first
// subscription to a prefix and the unsubscription (or disconnect) of the last subscriber
// to it, so a set of prefixes is the whole state.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace gsmq::endpoint::zmq {

class Subscriptions {
 public:
  // Applies one message received on an XPUB socket: "\x01PREFIX" subscribes, "\x00PREFIX"
  // unsubscribes. False (and no change) for anything else.
  bool apply(std::string_view xpub_message);

  bool any() const { return !prefixes_.empty(); }
  // Some subscribed prefix begins `first_frame` (the empty prefix matches everything).
  bool matches(std::string_view first_frame) const;

 private:
  std::set<std::string, std::less<>> prefixes_;
};

}  // namespace gsmq::endpoint::zmq
