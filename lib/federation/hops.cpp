#include "federation/hops.h"

#include <algorithm>

namespace gsmq::federation {

std::vector<std::string> hops_of(const std::map<std::string, std::string>& meta) {
  std::vector<std::string> out;
  const auto it = meta.find(std::string(kHopsKey));
  if (it == meta.end() || it->second.empty()) return out;
  std::string_view text = it->second;
  for (;;) {
    const auto comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) return out;
    text.remove_prefix(comma + 1);
  }
}

bool crossed_a_link(const std::map<std::string, std::string>& meta) { return meta.count(std::string(kHopsKey)) > 0; }

bool may_forward(const std::vector<std::string>& hops, std::string_view self, std::string_view neighbour,
                 size_t max_hops) {
  const auto seen = [&](std::string_view name) { return std::find(hops.begin(), hops.end(), name) != hops.end(); };
  // The hop about to be made counts: self is appended when it leaves.
  return !seen(neighbour) && !seen(self) && hops.size() + 1 <= max_hops;
}

void add_hop(std::map<std::string, std::string>& meta, std::string_view self) {
  std::string& hops = meta[std::string(kHopsKey)];
  if (!hops.empty()) hops += ',';
  hops += self;
}

void restore_forwarded_channel(std::string& channel, std::map<std::string, std::string>& meta) {
  const auto it = meta.find(std::string(kChannelKey));
  if (it == meta.end()) return;
  channel = it->second;
  meta.erase(it);
}

}  // namespace gsmq::federation
