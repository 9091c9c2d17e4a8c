// MQTT topic names (what a message is published to) and topic filters (what a subscription
// matches, with the '+' and '#' wildcards), checked before they reach the broker.
#pragma once

#include <string>

namespace gsmq::endpoint::mqtt {

// True for a valid topic name to publish to: not empty, no wildcard, no NUL.
bool valid_topic_name(const std::string& topic);

// True for a valid topic filter: not empty, no NUL, '+' and '#' only as whole levels,
// '#' only as the last level.
bool valid_topic_filter(const std::string& filter);

}  // namespace gsmq::endpoint::mqtt
