// The rules file of gsmqd --rules and gsmq-bridge --rules (docs/policies.md): rule sets,
// each evaluated on first or all matches, of rules "when EXPRESSION then ACTIONS".
//
//   # comments and blank lines are ignored; a line ending in \ continues on the next
//   ruleset classify all
//   rule door   when channel ~ sensors/door/*   then set meta.kind = door
//   ruleset alarms first
//   rule open   when meta.kind == door and body.state == open then priority 9, copy alarms
//   rule brake  when channel ~ car/brake/* then deadline 10ms, late to car/late
//   rule flood  when channel ~ telemetry/* then limit 100/s burst 20 else drop
//   rule rest   then sample 10
//
// Parsing only: the evaluation, with its counters, rate buckets and samples, is
// policy/rule_engine.h.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policy/expression.h"
#include "policy/field_template.h"

namespace gsmq::policy {

struct Action {
  enum class Kind {
    priority,    // priority N
    set_meta,    // set meta.KEY = TEMPLATE
    unset_meta,  // unset meta.KEY
    route,       // route TEMPLATE: the message moves to that channel
    copy,        // copy TEMPLATE: a copy of the message as it is now, to that channel
    drop,        // drop: not stored, nothing after it runs
    sample,      // sample N: keep the first of every N, drop the others
    limit,       // limit RATE [burst B] else ACTION: a token bucket; without a token, ACTION
    deadline,    // deadline DURATION: critical time, deadline_ms (from the message's ts)
    late,        // late deliver | late dead-letter | late to TEMPLATE: what a late message becomes
  };
  Kind kind = Kind::drop;
  int number = 0;                 // priority, sample; late: 1 deliver, 0 dead-letter or to (value)
  int64_t milliseconds = 0;       // deadline
  std::string key;                // set_meta, unset_meta
  std::optional<FieldTemplate> value;  // set_meta, route, copy, late to
  double per_second = 0;          // limit: tokens added per second
  double burst = 0;               // limit: most tokens the bucket holds (default: the rate's N)
  std::shared_ptr<const Action> over_limit;  // limit: what happens to a message without a token
};

struct Rule {
  std::string name;
  size_t line = 0;                  // where it starts in the file
  std::optional<Expression> when;   // none: every message
  std::vector<Action> actions;
};

struct RuleSetSpec {
  enum class Mode { first, all };
  std::string name;
  Mode mode = Mode::all;
  size_t line = 0;
  std::vector<Rule> rules;
};

struct RuleFile {
  std::string path;  // as given, for errors and reports
  std::vector<RuleSetSpec> sets;
  size_t rule_count() const;
};

// Parses a rules file's text; `path` names it in errors. nullopt and `error` set to
// "PATH:LINE: reason" for the first thing wrong.
std::optional<RuleFile> parse_rule_file(std::string_view text, const std::string& path, std::string& error);
// Reads and parses the file at `path`; an unreadable file is "PATH: reason".
std::optional<RuleFile> load_rule_file(const std::string& path, std::string& error);

}  // namespace gsmq::policy
