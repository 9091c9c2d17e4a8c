// gsmqd rules test: what the rules make of each message of a JSON-lines stream, without
// storing anything. One JSON object per input line on `out`:
//   {"line":1,"rules":["door","open"],"out":[{envelope},{copy}]}
//   {"line":2,"rules":["noise"],"dropped_by":"noise","out":[]}
// `out` lists the message as it would be stored (unless dropped), then its copies. Limits
// fill by each message's ts (now when it has none), so a run repeats exactly.
#pragma once

#include <cstdint>
#include <istream>
#include <ostream>

#include "policy/rule_engine.h"

namespace gsmq::policy {

struct DryRunStats {
  uint64_t messages = 0;
  uint64_t bad_lines = 0;  // reported on `errors` as "LINE N: reason", and skipped
};

DryRunStats dry_run(RuleEngine& rules, std::istream& in, std::ostream& out, std::ostream& errors);

}  // namespace gsmq::policy
