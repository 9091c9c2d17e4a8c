#include "daemon/accept_policy.h"

#include "daemon/rules_in_force.h"

namespace gsmq::daemon {

AcceptPolicy::AcceptPolicy(RulesInForce* rules, std::vector<policy::ChannelPolicy> channels)
    : rules_(rules), channels_(std::move(channels)) {}

std::string AcceptPolicy::apply(v1::Message& message, std::vector<v1::Message>& copies) {
  const size_t before = copies.size();
  std::string dropped_by;
  if (rules_) dropped_by = rules_->apply(message, copies);
  if (dropped_by.empty()) fill_in(message);
  for (size_t k = before; k < copies.size(); ++k) fill_in(copies[k]);
  return dropped_by;
}

void AcceptPolicy::fill_in(v1::Message& m) const {
  const policy::ChannelPolicy* p = policy::channel_policy_for(channels_, m.channel());
  if (!p) return;
  if (m.deadline_ms() == 0 && p->critical_time_ms > 0) m.set_deadline_ms(p->critical_time_ms);
  if (p->sets_late && !m.deliver_late() && m.late_channel().empty()) {
    m.set_deliver_late(p->deliver_late);
    m.set_late_channel(p->late_channel);
  }
}

}  // namespace gsmq::daemon
