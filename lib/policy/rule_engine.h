// Rules in force: evaluates a parsed rules file (policy/rule_file.h) on messages, in file
// order, set by set, and keeps what evaluating needs: per-rule hit counters, the token
// buckets of `limit` and the counters of `sample`. Safe to use from many threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "envelope/message.h"
#include "policy/rule_file.h"

namespace gsmq::policy {

// What the rules made of one message (the message itself is changed in place).
struct Verdict {
  std::string dropped_by;              // the rule that dropped it; empty: it is kept
  std::vector<Message> copies;         // copies to other channels, in the order made
  std::vector<std::string> matched;    // the rules whose condition held, in order
};

struct RuleStats {
  std::string set, rule;
  size_t line = 0;
  uint64_t hits = 0;        // messages the rule's condition held for
  uint64_t dropped = 0;     // of them, dropped by it (drop, sample, or over its limit)
  uint64_t over_limit = 0;  // of them, over its limit (its else action applied)
};

class RuleEngine {
 public:
  explicit RuleEngine(RuleFile file);
  ~RuleEngine();

  // Applies the rules to `message`. `now_us` (µs since the epoch) is the time `limit`
  // buckets fill by: the arrival time in gsmqd and gsmq-bridge, the message's own ts in a
  // dry run (repeatable). Copies are not evaluated again.
  Verdict apply(Message& message, int64_t now_us);

  const RuleFile& file() const { return file_; }
  std::vector<RuleStats> stats() const;

 private:
  struct State;
  bool run(const Action& action, State& state, Message& message, const FieldReader& fields, Verdict& verdict,
           int64_t now_us);

  RuleFile file_;
  std::vector<std::vector<std::unique_ptr<State>>> states_;  // per set, per rule
};

}  // namespace gsmq::policy
