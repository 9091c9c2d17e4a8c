// How rules (gsmqd --rules: lib/policy, run by lib/daemon) take part in accepting
// messages, without the Broker knowing the rule language: before a message from a client
// or a link is stored, the policy may change it (channel, priority, meta), add copies to
// other channels, or drop it. Messages the daemon moves itself (dead-lettering, requeues,
// expiries) are not looked at again.
#pragma once

#include <string>
#include <vector>

#include "gsmq/v1/message.pb.h"

namespace gsmq::server {

class MessagePolicy {
 public:
  virtual ~MessagePolicy() = default;
  // Applies to `message`; copies are appended to `copies`. Returns the name of the rule
  // that dropped the message, or "" when it is to be stored. Called from many threads.
  virtual std::string apply(v1::Message& message, std::vector<v1::Message>& copies) = 0;
};

}  // namespace gsmq::server
