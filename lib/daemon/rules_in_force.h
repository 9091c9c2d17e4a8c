// gsmqd --rules FILE: the rules applied to every message the Broker accepts from a client
// or a link (server/message_policy.h), reloaded atomically on SIGHUP or ReloadRules: a
// bad file is refused with file, line and reason, and the rules in force stay.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "gsmq/v1/broker.pb.h"
#include "server/message_policy.h"

namespace gsmq::policy {
class RuleEngine;
}

namespace gsmq::daemon {

class RulesInForce final : public server::MessagePolicy {
 public:
  // Reads `path`; Error(usage) "PATH:LINE: reason" when it cannot be read or is bad.
  explicit RulesInForce(std::string path);
  ~RulesInForce() override;

  std::string apply(v1::Message& message, std::vector<v1::Message>& copies) override;
  // Reads the file again: the new rules are in force (their counters from zero), or the
  // old ones stay and the answer says why.
  v1::ReloadRulesResponse reload();
  v1::ListRulesResponse list() const;

 private:
  std::shared_ptr<policy::RuleEngine> current() const;

  const std::string path_;
  mutable std::mutex mutex_;
  std::shared_ptr<policy::RuleEngine> engine_;
  int64_t loaded_us_ = 0;
  std::string last_error_;
};

}  // namespace gsmq::daemon
