#include "endpoint/param_text.h"

#include "util/size.h"

namespace gsmq::endpoint {
namespace {

bool ranged(const ParamSpec& p) {
  return p.type == ParamType::unsigned_number || p.type == ParamType::size || p.type == ParamType::duration;
}

// A duration above 0 is declared as at least 1µs; said so, not as "1us".
bool positive_duration(const ParamSpec& p) { return p.type == ParamType::duration && p.min == 1; }

}  // namespace

std::string join_words(const std::vector<std::string>& words, std::string_view conjunction) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += (i + 1 == words.size() && !conjunction.empty()) ? " " + std::string(conjunction) + " " : ", ";
    out += words[i];
  }
  return out;
}

bool has_lower_bound(const ParamSpec& p) { return ranged(p) && p.min > 0; }
bool has_upper_bound(const ParamSpec& p) {
  return ranged(p) && p.max != ParamSpec{}.max;
}

std::string bound_text(const ParamSpec& p, uint64_t value) {
  if (p.type == ParamType::duration) return format_duration(Duration(static_cast<int64_t>(value)));
  if (p.type == ParamType::size) return format_size(static_cast<size_t>(value));
  return std::to_string(value);
}

std::string accepted_form(const ParamSpec& p) {
  std::string range;
  if (has_upper_bound(p)) range = " from " + bound_text(p, p.min) + " to " + bound_text(p, p.max);
  else if (positive_duration(p)) range = " above 0";
  else if (has_lower_bound(p)) range = " of at least " + bound_text(p, p.min);
  switch (p.type) {
    case ParamType::boolean: return "1 or 0 (true/false)";
    case ParamType::unsigned_number: return "a whole number" + range;
    case ParamType::size: return "a size (e.g. 64MiB)" + range;
    case ParamType::duration:
      return "a duration (e.g. 500ms, 5s, 2m)" + range + (p.keyword.empty() ? "" : " or " + std::string(p.keyword));
    case ParamType::enumeration: return join_words(std::vector<std::string>(p.choices.begin(), p.choices.end()), "or");
    case ParamType::path: return "a file path";
    case ParamType::string: return "text";
  }
  return "?";
}

std::string range_text(const ParamSpec& p) {
  std::string out;
  if (p.type == ParamType::enumeration) {
    for (std::string_view c : p.choices) out += (out.empty() ? "" : "|") + std::string(c);
    return out;
  }
  if (has_upper_bound(p)) out = bound_text(p, p.min) + "-" + bound_text(p, p.max);
  else if (positive_duration(p)) out = ">0";
  else if (has_lower_bound(p)) out = ">=" + bound_text(p, p.min);
  if (!p.keyword.empty()) out += (out.empty() ? "" : "|") + std::string(p.keyword);
  return out;
}

}  // namespace gsmq::endpoint
