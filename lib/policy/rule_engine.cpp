#include "policy/rule_engine.h"

#include <algorithm>

namespace gsmq::policy {

struct RuleEngine::State {
  std::atomic<uint64_t> hits{0}, dropped{0}, over_limit{0};
  std::mutex mutex;          // the sample counter and the bucket
  uint64_t seen = 0;         // sample: messages that reached it
  double tokens = -1;        // limit: tokens now (-1: full, not used yet)
  int64_t filled_at = 0;     // limit: when `tokens` was last brought up to date (µs)
};

RuleEngine::RuleEngine(RuleFile file) : file_(std::move(file)) {
  for (const auto& set : file_.sets) {
    auto& states = states_.emplace_back();
    for (size_t k = 0; k < set.rules.size(); ++k) states.push_back(std::make_unique<State>());
  }
}

RuleEngine::~RuleEngine() = default;

// Runs one action; true when the message was dropped (nothing after it runs).
bool RuleEngine::run(const Action& a, State& state, Message& m, const FieldReader& fields, Verdict& verdict,
                     int64_t now_us) {
  switch (a.kind) {
    case Action::Kind::priority: m.priority = a.number; return false;
    case Action::Kind::set_meta: m.meta[a.key] = a.value->render(fields); return false;
    case Action::Kind::unset_meta: m.meta.erase(a.key); return false;
    case Action::Kind::route: m.channel = a.value->render(fields); return false;
    case Action::Kind::copy: {
      Message copy = m;
      copy.channel = a.value->render(fields);
      verdict.copies.push_back(std::move(copy));
      return false;
    }
    case Action::Kind::deadline: m.deadline_ms = a.milliseconds; return false;
    case Action::Kind::late:
      m.deliver_late = a.number == 1 ? std::optional<bool>(true) : std::nullopt;
      m.late_channel = a.value ? std::optional<std::string>(a.value->render(fields)) : std::nullopt;
      return false;
    case Action::Kind::drop: return true;
    case Action::Kind::sample: {
      std::lock_guard lock(state.mutex);
      return state.seen++ % static_cast<uint64_t>(a.number) != 0;
    }
    case Action::Kind::limit: {
      bool allowed;
      {
        std::lock_guard lock(state.mutex);
        if (state.tokens < 0) {
          state.tokens = a.burst;
          state.filled_at = now_us;
        } else if (now_us > state.filled_at) {
          state.tokens = std::min(a.burst, state.tokens + static_cast<double>(now_us - state.filled_at) * a.per_second / 1e6);
          state.filled_at = now_us;
        }
        allowed = state.tokens >= 1;
        if (allowed) state.tokens -= 1;
      }
      if (allowed) return false;
      ++state.over_limit;
      return run(*a.over_limit, state, m, fields, verdict, now_us);
    }
  }
  return false;
}

Verdict RuleEngine::apply(Message& m, int64_t now_us) {
  Verdict verdict;
  const FieldReader fields(m);  // actions change no body: it is parsed once
  for (size_t s = 0; s < file_.sets.size(); ++s) {
    const auto& set = file_.sets[s];
    for (size_t r = 0; r < set.rules.size(); ++r) {
      const Rule& rule = set.rules[r];
      if (rule.when && !rule.when->matches(fields)) continue;
      State& state = *states_[s][r];
      ++state.hits;
      verdict.matched.push_back(rule.name);
      for (const auto& action : rule.actions)
        if (run(action, state, m, fields, verdict, now_us)) {
          ++state.dropped;
          verdict.dropped_by = rule.name;  // copies made before stay: they are messages of their own
          return verdict;
        }
      if (set.mode == RuleSetSpec::Mode::first) break;
    }
  }
  return verdict;
}

std::vector<RuleStats> RuleEngine::stats() const {
  std::vector<RuleStats> out;
  for (size_t s = 0; s < file_.sets.size(); ++s)
    for (size_t r = 0; r < file_.sets[s].rules.size(); ++r) {
      const State& st = *states_[s][r];
      out.push_back({file_.sets[s].name, file_.sets[s].rules[r].name, file_.sets[s].rules[r].line, st.hits.load(),
                     st.dropped.load(), st.over_limit.load()});
    }
  return out;
}

}  // namespace gsmq::policy
