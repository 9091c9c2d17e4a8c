#include "endpoint/gsmqd_client/balance.h"

#include <algorithm>
#include <string>

namespace gsmq::endpoint::gsmqd_client {
namespace {
// FNV-1a, then a final mix: stable across runs and builds (unlike std::hash).
uint64_t score(std::string_view channel, std::string_view target) {
  uint64_t h = 14695981039346656037ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;  // a separator, so "ab"+"c" differs from "a"+"bc"
  };
  mix(channel);
  mix(target);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}
}  // namespace

std::vector<size_t> preference(std::string_view channel, const std::vector<std::string>& targets) {
  std::vector<size_t> order(targets.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::vector<uint64_t> scores(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) scores[i] = score(channel, targets[i]);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  return order;
}

}  // namespace gsmq::endpoint::gsmqd_client
