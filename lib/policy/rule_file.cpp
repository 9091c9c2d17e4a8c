#include "policy/rule_file.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "policy/scanner.h"
#include "util/duration.h"

namespace gsmq::policy {
namespace {

// Thrown inside the parser, caught at the line: "reason" (the line is added there).
struct LineError {
  std::string why;
};

[[noreturn]] void fail(std::string why) { throw LineError{std::move(why)}; }

std::string at(Scanner& s) { return "at column " + std::to_string(s.column()) + ": "; }

std::optional<long> integer(std::string_view text) {
  long v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || p != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string required_value(Scanner& s, const std::string& what) {
  std::string error;
  const std::string where = at(s);
  auto v = s.value(error);
  if (!v) fail(error.empty() ? where + "expected " + what : error);
  return *v;
}

FieldTemplate template_of(const std::string& text, const std::string& what) {
  if (text.empty()) fail(what + " is empty");
  std::string error;
  auto t = FieldTemplate::parse(text, error);
  if (!t) fail(error);
  return *t;
}

std::string meta_key(Scanner& s) {
  const std::string where = at(s);
  const std::string name = s.name();
  if (!name.starts_with("meta.") || name.size() <= 5) fail(where + "expected meta.KEY, not \"" + name + "\"");
  return name.substr(5);
}

// RATE: a number of messages per second, minute or hour, "100/s", "5/m", "0.5/s";
// `count` gets the number as written (the default burst: one period's worth).
double rate_per_second(const std::string& text, double& count) {
  const auto slash = text.find('/');
  double n = 0;
  const char* end = text.data() + (slash == std::string::npos ? text.size() : slash);
  auto [p, ec] = std::from_chars(text.data(), end, n);
  const std::string unit = slash == std::string::npos ? "" : text.substr(slash + 1);
  const double seconds = unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 0;
  if (ec != std::errc{} || p != end || !(n > 0) || seconds == 0)
    fail("\"" + text + "\" is not a rate (a positive number per s, m or h, e.g. 100/s)");
  count = n;
  return n / seconds;
}

Action action(Scanner& s, bool nested) {
  Action a;
  const std::string where = at(s);
  const std::string word = s.name();
  if (word == "priority") {
    a.kind = Action::Kind::priority;
    const std::string text = required_value(s, "a priority 0-9");
    const auto n = integer(text);
    if (!n || *n < 0 || *n > 9) fail("priority \"" + text + "\": expected an integer 0-9");
    a.number = static_cast<int>(*n);
  } else if (word == "set") {
    a.kind = Action::Kind::set_meta;
    a.key = meta_key(s);
    if (!s.take("=")) fail(at(s) + "expected = after set meta." + a.key);
    a.value = template_of(required_value(s, "a value after ="), "the value");
  } else if (word == "unset") {
    a.kind = Action::Kind::unset_meta;
    a.key = meta_key(s);
  } else if (word == "route" || word == "copy") {
    a.kind = word == "route" ? Action::Kind::route : Action::Kind::copy;
    a.value = template_of(required_value(s, "a channel after " + word), "the channel");
  } else if (word == "deadline") {
    a.kind = Action::Kind::deadline;
    const std::string text = required_value(s, "a duration, e.g. 10ms");
    const auto d = parse_duration(text);
    if (!d || d->count() < 1000) fail("deadline \"" + text + "\": expected a duration of at least 1ms, e.g. 10ms or 2s");
    a.milliseconds = d->count() / 1000;
  } else if (word == "late") {
    a.kind = Action::Kind::late;
    const std::string how = required_value(s, "deliver, dead-letter or to CHANNEL");
    if (how == "deliver") a.number = 1;
    else if (how == "to") a.value = template_of(required_value(s, "a channel after late to"), "the channel");
    else if (how != "dead-letter") fail("late \"" + how + "\": expected deliver, dead-letter or to CHANNEL");
  } else if (word == "drop") {
    a.kind = Action::Kind::drop;
  } else if (word == "sample") {
    a.kind = Action::Kind::sample;
    const std::string text = required_value(s, "N (keep 1 in N)");
    const auto n = integer(text);
    if (!n || *n < 1 || *n > 1000000000) fail("sample \"" + text + "\": expected an integer N >= 1 (keep 1 in N)");
    a.number = static_cast<int>(*n);
  } else if (word == "limit") {
    if (nested) fail(where + "a limit's else action cannot be another limit");
    a.kind = Action::Kind::limit;
    double count = 0;
    a.per_second = rate_per_second(required_value(s, "a rate, e.g. 100/s"), count);
    a.burst = std::max(1.0, std::floor(count));
    if (s.take_keyword("burst")) {
      const std::string text = required_value(s, "a burst size");
      const auto n = integer(text);
      if (!n || *n < 1) fail("burst \"" + text + "\": expected an integer >= 1");
      a.burst = static_cast<double>(*n);
    }
    if (!s.take_keyword("else")) fail(at(s) + "expected else ACTION after the limit (what happens over it, e.g. else drop)");
    a.over_limit = std::make_shared<const Action>(action(s, true));
  } else {
    fail(where + (word.empty() ? "expected an action" : "unknown action \"" + word + "\"") +
         " (priority, set, unset, route, copy, drop, sample, limit, deadline, late)");
  }
  return a;
}

Rule rule(Scanner& s, size_t line) {
  Rule r;
  r.line = line;
  r.name = s.name();
  if (r.name.empty()) fail(at(s) + "expected the rule's name after rule");
  if (s.take_keyword("when")) {
    std::string error;
    r.when = Expression::read(s, error);
    if (!r.when) fail(error);
  }
  if (!s.take_keyword("then")) fail(at(s) + (r.when ? "expected and, or or then" : "expected when or then"));
  do {
    if (!r.actions.empty() && r.actions.back().kind == Action::Kind::limit)
      fail("limit must be the last action of its rule");
    r.actions.push_back(action(s, false));
  } while (s.take(","));
  if (!s.at_end()) fail(at(s) + "expected , or the end of the rule, not \"" + std::string(s.rest()) + "\"");
  return r;
}

}  // namespace

size_t RuleFile::rule_count() const {
  size_t n = 0;
  for (const auto& set : sets) n += set.rules.size();
  return n;
}

std::optional<RuleFile> parse_rule_file(std::string_view text, const std::string& path, std::string& error) {
  RuleFile file;
  file.path = path;
  std::map<std::string, size_t> rule_lines, set_lines;
  std::vector<std::string_view> lines;
  for (size_t from = 0; from <= text.size();) {
    const auto nl = std::min(text.find('\n', from), text.size());
    std::string_view line = text.substr(from, nl - from);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    from = nl + 1;
  }
  for (size_t k = 0; k < lines.size(); ++k) {
    const size_t first_line = k + 1;
    // A statement: this line, and the next while one ends in a backslash. A # starts a
    // comment only at the start of a line (after blanks): values may hold '#'.
    std::string statement;
    for (;; ++k) {
      std::string_view line = lines[k];
      const auto start = line.find_first_not_of(" \t");
      if (start != std::string_view::npos && line[start] == '#') line = {};
      const bool continues = !line.empty() && line.back() == '\\' && k + 1 < lines.size();
      statement += continues ? line.substr(0, line.size() - 1) : line;
      if (!continues) break;
      statement += ' ';
    }
    Scanner s(statement);
    if (s.at_end()) continue;
    try {
      if (s.take_keyword("ruleset")) {
        RuleSetSpec set;
        set.line = first_line;
        set.name = s.name();
        if (set.name.empty()) fail(at(s) + "expected the rule set's name after ruleset");
        if (auto [it, fresh] = set_lines.emplace(set.name, first_line); !fresh)
          fail("rule set " + set.name + " is defined twice (first at line " + std::to_string(it->second) + ")");
        if (s.take_keyword("first")) set.mode = RuleSetSpec::Mode::first;
        else if (s.take_keyword("all")) set.mode = RuleSetSpec::Mode::all;
        else if (!s.at_end()) fail(at(s) + "expected first or all after the rule set's name");
        if (!s.at_end()) fail(at(s) + "unexpected \"" + std::string(s.rest()) + "\"");
        file.sets.push_back(std::move(set));
      } else if (s.take_keyword("rule")) {
        Rule r = rule(s, first_line);
        if (auto [it, fresh] = rule_lines.emplace(r.name, first_line); !fresh)
          fail("rule " + r.name + " is defined twice (first at line " + std::to_string(it->second) + ")");
        if (file.sets.empty()) {
          // Rules before any ruleset line form the set "default", every match applying.
          file.sets.push_back(RuleSetSpec{"default", RuleSetSpec::Mode::all, first_line, {}});
          set_lines.emplace("default", first_line);
        }
        file.sets.back().rules.push_back(std::move(r));
      } else {
        fail(at(s) + "expected ruleset or rule, not \"" + std::string(s.rest()) + "\"");
      }
    } catch (const LineError& e) {
      error = path + ":" + std::to_string(first_line) + ": " + e.why;
      return std::nullopt;
    }
  }
  return file;
}

std::optional<RuleFile> load_rule_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot read the rules file (" + std::string(std::strerror(errno)) + ")";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_rule_file(text.str(), path, error);
}

}  // namespace gsmq::policy
