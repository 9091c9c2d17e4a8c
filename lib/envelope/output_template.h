// --format TEMPLATE: prints a message as text, e.g. "{channel}\t{body}". Placeholders:
// {channel} {body} {body_b64} {id} {ts} {seq} {priority} {receive_count} {meta.KEY}
// {json} (the whole envelope); {{ and }} are literal braces; \n and \t are escapes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "envelope/message.h"

namespace gsmq {

class OutputTemplate {
 public:
  // nullopt and `error` set for an unknown placeholder or an unclosed brace.
  static std::optional<OutputTemplate> parse(const std::string& text, std::string& error);
  std::string render(const Message& message) const;

 private:
  struct Part {
    bool literal;
    std::string text;  // literal text, or the placeholder name
  };
  std::vector<Part> parts_;
};

}  // namespace gsmq
