#include "endpoint/zmq/subscriptions.h"

#include <algorithm>

namespace gsmq::endpoint::zmq {

bool Subscriptions::apply(std::string_view xpub_message) {
  if (xpub_message.empty()) return false;
  const std::string_view prefix = xpub_message.substr(1);
  switch (xpub_message[0]) {
    case 1: prefixes_.emplace(prefix); return true;
    case 0: {
      const auto it = prefixes_.find(prefix);
      if (it != prefixes_.end()) prefixes_.erase(it);
      return true;
    }
    default: return false;
  }
}

bool Subscriptions::matches(std::string_view first_frame) const {
  // Few prefixes, possibly long frames (?envelope): test each prefix, not each frame prefix.
  return std::ranges::any_of(prefixes_, [&](const std::string& p) { return first_frame.starts_with(p); });
}

}  // namespace gsmq::endpoint::zmq
