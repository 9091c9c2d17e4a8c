// Text with message fields in it, for the values rules write: "alarms/{channel}",
// "{body.kind}", "{meta.site}-{priority}". A placeholder is any field of policy/fields.h;
// a missing field renders empty; {{ and }} are literal braces.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policy/fields.h"

namespace gsmq::policy {

class FieldTemplate {
 public:
  // nullopt and `error` set for an unknown field or an unclosed brace.
  static std::optional<FieldTemplate> parse(const std::string& text, std::string& error);
  std::string render(const FieldReader& fields) const;
  const std::string& text() const { return text_; }

 private:
  struct Part {
    bool literal;
    std::string text;  // literal text, or the field name
  };
  std::string text_;
  std::vector<Part> parts_;
};

}  // namespace gsmq::policy
