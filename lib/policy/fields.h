// The fields of a message that filters and rules look at, by name: channel, id, priority,
// ts, body (the bytes), body.PATH (a dotted path into a JSON body; array elements by
// index) and meta.KEY. A FieldReader parses a JSON body once, however many fields of it
// an expression reads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "envelope/message.h"

namespace gsmq::policy {

inline constexpr std::string_view kFieldNames = "channel, id, priority, ts, body, body.PATH, meta.KEY";

// True for a name FieldReader::get knows.
bool is_field_name(std::string_view name);

class FieldReader {
 public:
  explicit FieldReader(const Message& message) : message_(message) {}
  // The field's value as text (a JSON body's strings unquoted, other values as compact
  // JSON), or nullopt when the message does not have it (a JSON null counts as missing).
  std::optional<std::string> get(std::string_view field) const;
  // The body changed or was re-read: parse it again on the next body.PATH.
  void forget_body() { parsed_ = false; }

 private:
  const Message& message_;
  mutable bool parsed_ = false;
  mutable nlohmann::json doc_;
};

}  // namespace gsmq::policy
