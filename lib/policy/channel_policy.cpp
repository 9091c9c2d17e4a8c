#include "policy/channel_policy.h"

#include <sstream>

#include "policy/glob.h"
#include "util/duration.h"

namespace gsmq::policy {

std::optional<ChannelPolicy> parse_channel_policy(std::string_view text, std::string& error) {
  std::istringstream words{std::string(text)};
  ChannelPolicy p;
  if (!(words >> p.glob)) {
    error = "expected 'GLOB KEY=VALUE ...', e.g. 'alarms/* critical_time=10ms late=deliver'";
    return std::nullopt;
  }
  std::string word;
  bool any = false;
  while (words >> word) {
    any = true;
    const auto eq = word.find('=');
    const std::string key = word.substr(0, eq), value = eq == std::string::npos ? "" : word.substr(eq + 1);
    if (eq == std::string::npos || value.empty()) {
      error = "\"" + word + "\": expected KEY=VALUE";
      return std::nullopt;
    }
    if (key == "critical_time") {
      const auto d = parse_duration(value);
      if (!d || d->count() < 1000) {
        error = "critical_time: \"" + value + "\" is not a duration of at least 1ms (e.g. 10ms, 2s)";
        return std::nullopt;
      }
      p.critical_time_ms = d->count() / 1000;
    } else if (key == "late") {
      if (value != "deliver" && value != "dead-letter") {
        error = "late: \"" + value + "\" is not deliver or dead-letter";
        return std::nullopt;
      }
      p.deliver_late = value == "deliver";
      p.sets_late = true;
    } else if (key == "late_channel") {
      p.late_channel = value;
      p.sets_late = true;
    } else {
      error = "unknown key \"" + key + "\" (critical_time, late, late_channel)";
      return std::nullopt;
    }
  }
  if (!any) {
    error = "no settings after \"" + p.glob + "\" (critical_time, late, late_channel)";
    return std::nullopt;
  }
  if (p.deliver_late && !p.late_channel.empty()) {
    error = "late=deliver and late_channel: a late message is either delivered or moved, not both";
    return std::nullopt;
  }
  return p;
}

const ChannelPolicy* channel_policy_for(const std::vector<ChannelPolicy>& policies, std::string_view channel) {
  for (const auto& p : policies)
    if (glob_match(p.glob, channel)) return &p;
  return nullptr;
}

}  // namespace gsmq::policy
