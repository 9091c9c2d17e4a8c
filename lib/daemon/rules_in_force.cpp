#include "daemon/rules_in_force.h"

#include "envelope/message.h"
#include "policy/rule_engine.h"
#include "rpc/message_convert.h"
#include "util/error.h"
#include "util/log.h"

namespace gsmq::daemon {
namespace {
std::shared_ptr<policy::RuleEngine> load(const std::string& path, std::string& error) {
  auto file = policy::load_rule_file(path, error);
  if (!file) return nullptr;
  return std::make_shared<policy::RuleEngine>(std::move(*file));
}

// What a rule may change of a message: its channel, priority, meta, deadline and what a
// late message becomes.
void write_back(const Message& from, v1::Message& to) {
  to.set_channel(from.channel);
  to.set_priority(static_cast<uint32_t>(from.priority));
  to.set_deadline_ms(from.deadline_ms.value_or(0));
  to.set_deliver_late(from.deliver_late.value_or(false));
  to.set_late_channel(from.late_channel.value_or(""));
  to.mutable_meta()->clear();
  for (const auto& [k, v] : from.meta) (*to.mutable_meta())[k] = v;
}
}  // namespace

RulesInForce::RulesInForce(std::string path) : path_(std::move(path)) {
  std::string error;
  engine_ = load(path_, error);
  if (!engine_) throw Error(ErrorKind::usage, "--rules " + error);
  loaded_us_ = now_micros();
}

RulesInForce::~RulesInForce() = default;

std::shared_ptr<policy::RuleEngine> RulesInForce::current() const {
  std::lock_guard lock(mutex_);
  return engine_;
}

std::string RulesInForce::apply(v1::Message& message, std::vector<v1::Message>& copies) {
  const auto engine = current();  // a reload does not change the rules under a message
  Message m = from_proto(message);
  auto verdict = engine->apply(m, now_micros());
  for (const auto& c : verdict.copies) {
    v1::Message copy = message;
    write_back(c, copy);
    copies.push_back(std::move(copy));
  }
  if (verdict.dropped_by.empty()) write_back(m, message);
  return verdict.dropped_by;
}

v1::ReloadRulesResponse RulesInForce::reload() {
  v1::ReloadRulesResponse response;
  std::string error;
  auto fresh = load(path_, error);
  std::lock_guard lock(mutex_);
  if (!fresh) {
    last_error_ = error;
    response.set_error(error);
    log::error("rules not reloaded, the rules in force stay", {{"error", error}});
  } else {
    engine_ = std::move(fresh);
    loaded_us_ = now_micros();
    last_error_.clear();
    log::info("rules reloaded", {{"file", path_}, {"rules", std::to_string(engine_->file().rule_count())}});
  }
  response.set_rules(static_cast<uint32_t>(engine_->file().rule_count()));
  return response;
}

v1::ListRulesResponse RulesInForce::list() const {
  v1::ListRulesResponse response;
  std::shared_ptr<policy::RuleEngine> engine;
  {
    std::lock_guard lock(mutex_);
    engine = engine_;
    response.set_loaded_us(loaded_us_);
    response.set_last_error(last_error_);
  }
  response.set_file(path_);
  for (const auto& s : engine->stats()) {
    auto* r = response.add_rules();
    r->set_set(s.set);
    r->set_rule(s.rule);
    r->set_line(static_cast<uint32_t>(s.line));
    r->set_hits(s.hits);
    r->set_dropped(s.dropped);
    r->set_over_limit(s.over_limit);
  }
  return response;
}

}  // namespace gsmq::daemon
