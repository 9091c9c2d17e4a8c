#include "pipeline/filter.h"

namespace gsmq {

std::optional<MessageFilter> MessageFilter::parse(const std::string& text, std::string& error) {
  auto e = policy::Expression::parse(text, error);
  if (!e) return std::nullopt;
  return MessageFilter(std::move(*e));
}

bool matches_all(const std::vector<MessageFilter>& filters, const Message& m) {
  for (const auto& f : filters)
    if (!f.matches(m)) return false;
  return true;
}

}  // namespace gsmq
