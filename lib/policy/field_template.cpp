#include "policy/field_template.h"

namespace gsmq::policy {

std::optional<FieldTemplate> FieldTemplate::parse(const std::string& text, std::string& error) {
  FieldTemplate t;
  t.text_ = text;
  std::string literal;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      literal.push_back(c);
      ++i;
    } else if (c == '{') {
      const auto close = text.find('}', i);
      if (close == std::string::npos) {
        error = "unclosed { in \"" + text + "\"";
        return std::nullopt;
      }
      std::string name = text.substr(i + 1, close - i - 1);
      if (!is_field_name(name)) {
        error = "unknown field {" + name + "} in \"" + text + "\" (" + std::string(kFieldNames) + ")";
        return std::nullopt;
      }
      if (!literal.empty()) t.parts_.push_back({true, std::move(literal)});
      literal.clear();
      t.parts_.push_back({false, std::move(name)});
      i = close;
    } else {
      literal.push_back(c);
    }
  }
  if (!literal.empty()) t.parts_.push_back({true, std::move(literal)});
  return t;
}

std::string FieldTemplate::render(const FieldReader& fields) const {
  std::string out;
  for (const auto& p : parts_) {
    if (p.literal) out += p.text;
    else if (auto v = fields.get(p.text)) out += *v;
  }
  return out;
}

}  // namespace gsmq::policy
