// The MQ balancer's choice (gsmq(7) gsmq://, "Several daemons"): which of several gsmqd
// a message goes to. By hash, each channel has one daemon while it is up (its order is
// kept) and moves to the next only when that one is down (rendezvous hashing: a daemon's
// failure moves only its own channels); round robin spreads messages, order aside.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace gsmq::endpoint::gsmqd_client {

enum class Balance { hash, round_robin };

// The daemons by preference for `channel` (hash): the first that is up is the one.
std::vector<size_t> preference(std::string_view channel, const std::vector<std::string>& targets);

}  // namespace gsmq::endpoint::gsmqd_client
