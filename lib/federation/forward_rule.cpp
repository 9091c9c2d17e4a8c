#include "federation/forward_rule.h"

#include <sstream>

namespace gsmq::federation {
namespace {

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    const auto at = text.find(sep);
    out.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return out;
    text.remove_prefix(at + 1);
  }
}

bool valid_filter(std::string_view filter, std::string& error) {
  if (filter.empty()) return error = "an empty channel filter", false;
  const auto levels = split(filter, '/');
  for (size_t i = 0; i < levels.size(); ++i) {
    const auto level = levels[i];
    if (level == "#" && i + 1 != levels.size()) return error = "'#' must be the last level of \"" + std::string(filter) + "\"", false;
    if (level != "#" && level != "+" && (level.find('#') != std::string_view::npos || level.find('+') != std::string_view::npos))
      return error = "'+' and '#' stand for whole levels in \"" + std::string(filter) + "\"", false;
  }
  return true;
}

// {channel}, {rest} and {N} in `text`; an unknown or out-of-range placeholder stays as written.
std::string expand(std::string_view text, std::string_view channel, const std::vector<std::string>& levels,
                   std::string_view rest) {
  std::string out;
  while (!text.empty()) {
    const auto open = text.find('{');
    const auto close = open == std::string_view::npos ? open : text.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(text.substr(0, open));
    const auto name = text.substr(open + 1, close - open - 1);
    if (name == "channel") {
      out.append(channel);
    } else if (name == "rest") {
      out.append(rest);
    } else if (!name.empty() && name.find_first_not_of("0123456789") == std::string_view::npos && name.size() < 4 &&
               std::stoul(std::string(name)) >= 1 && std::stoul(std::string(name)) <= levels.size()) {
      out.append(levels[std::stoul(std::string(name)) - 1]);
    } else {
      out.append(text.substr(open, close - open + 1));
    }
    text.remove_prefix(close + 1);
  }
  return out.append(text);
}

// A {N} that the filter cannot fill (fewer '+' than N), or an unknown {name}.
bool valid_placeholders(std::string_view text, size_t pluses, std::string& error) {
  size_t pos = 0;
  while ((pos = text.find('{', pos)) != std::string_view::npos) {
    const auto close = text.find('}', pos);
    if (close == std::string_view::npos) return error = "unclosed '{' in \"" + std::string(text) + "\"", false;
    const auto name = text.substr(pos + 1, close - pos - 1);
    const bool number = !name.empty() && name.size() < 4 && name.find_first_not_of("0123456789") == std::string_view::npos;
    if (!(name == "channel" || name == "rest" || (number && std::stoul(std::string(name)) >= 1 && std::stoul(std::string(name)) <= pluses)))
      return error = "{" + std::string(name) + "} in \"" + std::string(text) +
                     "\": expected {channel}, {rest} or {N} for one of the filter's " + std::to_string(pluses) + " '+'",
             false;
    pos = close + 1;
  }
  return true;
}

}  // namespace

std::string_view to_string(Direction d) {
  switch (d) {
    case Direction::up: return "up";
    case Direction::down: return "down";
    case Direction::peer: return "peer";
  }
  return "?";
}

bool filter_matches(std::string_view filter, std::string_view channel, std::vector<std::string>* levels,
                    std::string* rest) {
  const auto f = split(filter, '/');
  const auto c = split(channel, '/');
  if (levels) levels->clear();
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] == "#") {
      if (rest) {
        rest->clear();
        for (size_t k = i; k < c.size(); ++k) *rest += (k > i ? "/" : "") + std::string(c[k]);
      }
      return true;  // also when nothing is left: "a/#" matches "a", as in MQTT
    }
    if (i >= c.size()) return false;
    if (f[i] == "+") {
      if (levels) levels->emplace_back(c[i]);
      continue;
    }
    if (f[i] != c[i]) return false;
  }
  if (rest) rest->clear();
  return f.size() == c.size();
}

std::optional<ForwardRule> parse_forward_rule(std::string_view text, std::string& error) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  ForwardRule rule;
  rule.text = std::string(text);
  if (words.size() < 2) return error = "expected DIRECTION FILTER [to NAME] [as TEMPLATE]", std::nullopt;
  std::string_view head = words[0];
  std::string_view kind = "queue";
  if (const auto colon = head.find(':'); colon != std::string_view::npos) {
    kind = head.substr(colon + 1);
    head = head.substr(0, colon);
  }
  if (head == "up") rule.direction = Direction::up;
  else if (head == "down") rule.direction = Direction::down;
  else if (head == "peer") rule.direction = Direction::peer;
  else return error = "\"" + std::string(head) + "\": expected up, down or peer", std::nullopt;
  if (kind == "queue") rule.kind = Kind::queue;
  else if (kind == "store") rule.kind = Kind::store;
  else return error = "\"" + std::string(kind) + "\": expected the kind queue or store", std::nullopt;
  rule.filter = words[1];
  if (!valid_filter(rule.filter, error)) return std::nullopt;
  size_t pluses = 0;
  for (auto level : split(rule.filter, '/')) pluses += level == "+";
  for (size_t i = 2; i < words.size(); i += 2) {
    if (i + 1 >= words.size()) return error = "\"" + words[i] + "\" needs a value", std::nullopt;
    std::string* field = words[i] == "to" ? &rule.to : words[i] == "as" ? &rule.as : nullptr;
    if (!field) return error = "\"" + words[i] + "\": expected to NAME or as TEMPLATE", std::nullopt;
    if (!field->empty()) return error = "\"" + words[i] + "\" is given twice", std::nullopt;
    *field = words[i + 1];
    if (!valid_placeholders(*field, pluses, error)) return std::nullopt;
  }
  if (rule.direction == Direction::up && !rule.to.empty())
    return error = "an up rule goes to the one upstream: no \"to\"", std::nullopt;
  return rule;
}

std::optional<Forwarding> apply(const ForwardRule& rule, Kind kind, std::string_view channel) {
  if (kind != rule.kind) return std::nullopt;
  std::vector<std::string> levels;
  std::string rest;
  if (!filter_matches(rule.filter, channel, &levels, &rest)) return std::nullopt;
  Forwarding f;
  f.to = expand(rule.to, channel, levels, rest);
  f.channel = rule.as.empty() ? std::string(channel) : expand(rule.as, channel, levels, rest);
  return f;
}

}  // namespace gsmq::federation
