// What gsmqd applies to every message it accepts from a client or a link
// (server/message_policy.h): the rules in force (--rules), then the channel policies
// (--channel-policy: critical time and late handling) of the channel each message, and each
// rule copy, ends up on - for what the message does not say itself.
#pragma once

#include <vector>

#include "policy/channel_policy.h"
#include "server/message_policy.h"

namespace gsmq::daemon {

class RulesInForce;

class AcceptPolicy final : public server::MessagePolicy {
 public:
  // `rules` may be null (no --rules); it outlives this.
  AcceptPolicy(RulesInForce* rules, std::vector<policy::ChannelPolicy> channels);

  std::string apply(v1::Message& message, std::vector<v1::Message>& copies) override;

 private:
  void fill_in(v1::Message& message) const;

  RulesInForce* rules_;
  const std::vector<policy::ChannelPolicy> channels_;
};

}  // namespace gsmq::daemon
