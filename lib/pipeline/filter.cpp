#include "pipeline/filter.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <cmath>

#include "envelope/codec.h"
#include "envelope/json_depth.h"

namespace gsmq {
namespace {

std::optional<double> as_number(const std::string& text) {
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

// The field's value as text, or nullopt when the message does not have it.
std::optional<std::string> field_value(const Message& m, const std::string& field) {
  if (field == "channel") return m.channel;
  if (field == "id") return m.id;
  if (field == "priority") return std::to_string(m.priority);
  if (field == "ts") return std::to_string(m.ts);
  if (field == "body") return m.body;
  if (field.starts_with("meta.")) {
    auto it = m.meta.find(field.substr(5));
    if (it == m.meta.end()) return std::nullopt;
    return it->second;
  }
  if (field.starts_with("body.")) {
    // A body nested deeper than a line may be is not looked into: dump() recurses.
    if (!json_depth_within(m.body, kMaxBodyDepth)) return std::nullopt;
    const auto doc = nlohmann::json::parse(m.body, nullptr, false);
    if (doc.is_discarded()) return std::nullopt;
    const nlohmann::json* node = &doc;
    std::string_view path = std::string_view(field).substr(5);
    while (!path.empty()) {
      const auto dot = path.find('.');
      const std::string key(path.substr(0, dot));
      if (node->is_object() && node->contains(key)) node = &(*node)[key];
      else if (node->is_array() && !key.empty() && std::all_of(key.begin(), key.end(), ::isdigit) &&
               std::stoul(key) < node->size())
        node = &(*node)[std::stoul(key)];
      else return std::nullopt;
      if (dot == std::string_view::npos) break;
      path.remove_prefix(dot + 1);
    }
    if (node->is_string()) return node->get<std::string>();
    if (node->is_null()) return std::nullopt;
    return node->dump();
  }
  return std::nullopt;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::optional<MessageFilter> MessageFilter::parse(const std::string& text, std::string& error) {
  static const std::pair<const char*, Op> ops[] = {{"==", Op::eq}, {"!=", Op::ne}, {"<=", Op::le},
                                                   {">=", Op::ge}, {"<", Op::lt},  {">", Op::gt},
                                                   {"~", Op::glob}, {"=", Op::eq}};
  size_t best = std::string::npos;
  const char* best_op = nullptr;
  Op op = Op::eq;
  for (const auto& [symbol, o] : ops) {
    const auto at = text.find(symbol);
    if (at != std::string::npos && (at < best || (at == best && std::strlen(symbol) > std::strlen(best_op)))) {
      best = at;
      best_op = symbol;
      op = o;
    }
  }
  if (best == std::string::npos || best == 0) {
    error = "\"" + text + "\": expected FIELD OP VALUE, e.g. channel~sensors/* or body.temp>30";
    return std::nullopt;
  }
  MessageFilter f;
  f.field_ = text.substr(0, best);
  f.op_ = op;
  f.value_ = text.substr(best + std::strlen(best_op));
  const bool known = f.field_ == "channel" || f.field_ == "id" || f.field_ == "priority" || f.field_ == "ts" ||
                     f.field_ == "body" || (f.field_.starts_with("meta.") && f.field_.size() > 5) ||
                     (f.field_.starts_with("body.") && f.field_.size() > 5);
  if (!known) {
    error = "\"" + text + "\": unknown field " + f.field_ + " (channel, id, priority, ts, body, body.PATH, meta.KEY)";
    return std::nullopt;
  }
  return f;
}

bool MessageFilter::matches(const Message& m) const {
  const auto actual = field_value(m, field_);
  if (!actual) return op_ == Op::ne;
  if (op_ == Op::glob) return glob_match(value_, *actual);
  const auto a = as_number(*actual), b = as_number(value_);
  int cmp;
  if (a && b) cmp = *a < *b ? -1 : (*a > *b ? 1 : 0);
  else cmp = actual->compare(value_) < 0 ? -1 : (actual->compare(value_) > 0 ? 1 : 0);
  switch (op_) {
    case Op::eq: return cmp == 0;
    case Op::ne: return cmp != 0;
    case Op::lt: return cmp < 0;
    case Op::le: return cmp <= 0;
    case Op::gt: return cmp > 0;
    case Op::ge: return cmp >= 0;
    case Op::glob: break;
  }
  return false;
}

bool matches_all(const std::vector<MessageFilter>& filters, const Message& m) {
  for (const auto& f : filters)
    if (!f.matches(m)) return false;
  return true;
}

}  // namespace gsmq
