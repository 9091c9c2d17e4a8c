// gsmq-bridge --filter: an expression of the policy language over a message, e.g.
//   channel~sensors/*     meta.site==lab     body.temp>30     priority>=5
//   'channel ~ sensors/* and (body.temp > 30 or meta.alarm exists)'
// The language (fields, operators, and/or/not, in, exists, regular expressions) is
// policy/expression.h's, shared with the rules file of gsmqd --rules.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "envelope/message.h"
#include "policy/expression.h"
#include "policy/glob.h"

namespace gsmq {

class MessageFilter {
 public:
  // nullopt and `error` set when the text is not an expression.
  static std::optional<MessageFilter> parse(const std::string& text, std::string& error);
  bool matches(const Message& message) const { return expression_.matches(message); }

 private:
  explicit MessageFilter(policy::Expression e) : expression_(std::move(e)) {}
  policy::Expression expression_;
};

// True when every filter matches (no filters: everything matches).
bool matches_all(const std::vector<MessageFilter>& filters, const Message& message);

}  // namespace gsmq
