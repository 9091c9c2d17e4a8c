// Loop prevention across federated daemons (docs/federation.md, "Loops"): a message that
// crosses a link carries, in its meta, the daemons it has passed through. A daemon does
// not send a message to a neighbour it has already been through (no echo back over the
// link it came from, no ring), and refuses one that has made too many hops.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gsmq::federation {

inline constexpr std::string_view kHopsKey = "gsmq.hops";  // "node1,cluster1": daemons passed, in order
// On a message that crosses a link for the far side's events-store rather than its queue.
inline constexpr std::string_view kKindKey = "gsmq.kind";  // "store"
// On a message in a link's outbox: the channel it goes to on the far side.
inline constexpr std::string_view kChannelKey = "gsmq.channel";

// The daemons `meta` says the message passed through (empty: it never crossed a link).
std::vector<std::string> hops_of(const std::map<std::string, std::string>& meta);
// Whether the message came over a link (has been through any daemon).
bool crossed_a_link(const std::map<std::string, std::string>& meta);
// Whether it may go to `neighbour` from `self`: neither has seen it yet, and the hop
// count would stay within `max_hops`.
bool may_forward(const std::vector<std::string>& hops, std::string_view self, std::string_view neighbour,
                 size_t max_hops);
// `self` appended to the hops in `meta` (done by the sending daemon, once per hop).
void add_hop(std::map<std::string, std::string>& meta, std::string_view self);
// A message taken from an outbox gets the channel it goes to on the far side back.
void restore_forwarded_channel(std::string& channel, std::map<std::string, std::string>& meta);

}  // namespace gsmq::federation
