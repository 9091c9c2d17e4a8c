// gsmqd --channel-policy 'GLOB KEY=VALUE ...': a channel's critical time and what becomes of
// its late messages, for the messages that do not say so themselves (docs/policies.md):
//
//   car/brake/*  critical_time=10ms late_channel=car/late
//   video/*      critical_time=200ms late=deliver
//
// Keys: critical_time=DURATION (deadline_ms of a message without one), late=dead-letter
// (the default: its dead_letter channel, or dropped) or late=deliver (handed out marked
// late), late_channel=CHANNEL (late ones go there rather than to the dead-letter). The
// first policy whose glob (policy/glob.h) matches a channel is the channel's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gsmq::policy {

struct ChannelPolicy {
  std::string glob;
  int64_t critical_time_ms = 0;  // 0 = not set
  bool deliver_late = false;
  std::string late_channel;      // empty = the message's dead_letter
  bool sets_late = false;        // late= or late_channel= was given
};

// Parses one policy; nullopt and `error` ("KEY: reason") when it is wrong.
std::optional<ChannelPolicy> parse_channel_policy(std::string_view text, std::string& error);

// The first of `policies` whose glob matches `channel`, or nullptr.
const ChannelPolicy* channel_policy_for(const std::vector<ChannelPolicy>& policies, std::string_view channel);

}  // namespace gsmq::policy
