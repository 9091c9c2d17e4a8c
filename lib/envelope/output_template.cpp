#include "envelope/output_template.h"

#include "envelope/base64.h"
#include "envelope/codec.h"

namespace gsmq {
namespace {
bool known_placeholder(const std::string& name) {
  static const char* names[] = {"channel", "body", "body_b64", "id", "ts", "seq", "priority", "receive_count", "json"};
  for (const char* n : names)
    if (name == n) return true;
  return name.starts_with("meta.") && name.size() > 5;
}
}  // namespace

std::optional<OutputTemplate> OutputTemplate::parse(const std::string& text, std::string& error) {
  OutputTemplate t;
  std::string literal;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size() && (text[i + 1] == 'n' || text[i + 1] == 't' || text[i + 1] == '\\')) {
      literal.push_back(text[i + 1] == 'n' ? '\n' : text[i + 1] == 't' ? '\t' : '\\');
      ++i;
    } else if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      literal.push_back(c);
      ++i;
    } else if (c == '{') {
      const auto close = text.find('}', i);
      if (close == std::string::npos) {
        error = "unclosed '{' at position " + std::to_string(i + 1);
        return std::nullopt;
      }
      const std::string name = text.substr(i + 1, close - i - 1);
      if (!known_placeholder(name)) {
        error = "unknown placeholder {" + name + "}";
        return std::nullopt;
      }
      if (!literal.empty()) t.parts_.push_back({true, std::move(literal)});
      literal.clear();
      t.parts_.push_back({false, name});
      i = close;
    } else {
      literal.push_back(c);
    }
  }
  if (!literal.empty()) t.parts_.push_back({true, std::move(literal)});
  return t;
}

std::string OutputTemplate::render(const Message& m) const {
  std::string out;
  for (const auto& p : parts_) {
    if (p.literal) out += p.text;
    else if (p.text == "channel") out += m.channel;
    else if (p.text == "body") out += m.body;
    else if (p.text == "body_b64") out += base64_encode(m.body);
    else if (p.text == "id") out += m.id;
    else if (p.text == "ts") out += std::to_string(m.ts);
    else if (p.text == "seq") out += m.seq ? std::to_string(*m.seq) : "";
    else if (p.text == "priority") out += std::to_string(m.priority);
    else if (p.text == "receive_count") out += m.receive_count ? std::to_string(*m.receive_count) : "0";
    else if (p.text == "json") out += format_envelope(m);
    else {
      const auto it = m.meta.find(p.text.substr(5));
      if (it != m.meta.end()) out += it->second;
    }
  }
  return out;
}

}  // namespace gsmq
