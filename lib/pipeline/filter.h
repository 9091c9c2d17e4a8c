// gsmq-bridge --filter: a predicate over one field of a message, e.g.
//   channel~sensors/*     meta.site==lab     body.temp>30     priority>=5
// Fields: channel, id, priority, ts, meta.KEY, body (the bytes), body.PATH (a dotted path
// into a JSON body). Operators: == != < <= > >= and ~ (glob: * and ?). Numbers compare as
// numbers when both sides are numbers, otherwise as text. A missing field never matches
// (except with !=).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "envelope/message.h"

namespace gsmq {

class MessageFilter {
 public:
  // nullopt and `error` set when the expression is not FIELD OP VALUE.
  static std::optional<MessageFilter> parse(const std::string& text, std::string& error);
  bool matches(const Message& message) const;

 private:
  enum class Op { eq, ne, lt, le, gt, ge, glob };
  std::string field_;
  Op op_ = Op::eq;
  std::string value_;
};

// True when every filter matches (no filters: everything matches).
bool matches_all(const std::vector<MessageFilter>& filters, const Message& message);

// Shell-style glob: * any run of characters (including '/'), ? one character.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace gsmq
