// The daemon's administrative answers (channels, ping, links, rules) as JSON objects: one
// spelling for `gsmqd channels|ping|links|rules show` and the dashboard's /api.
#pragma once

#include <nlohmann/json.hpp>

#include "gsmq/v1/broker.pb.h"

namespace gsmq {

nlohmann::ordered_json channel_json(const v1::ChannelInfo& channel);
nlohmann::ordered_json ping_json(const v1::PingResponse& ping);
// `deduplicated` is the daemon's (ListLinksResponse), repeated on every link.
nlohmann::ordered_json link_json(const v1::LinkInfo& link, uint64_t deduplicated);
nlohmann::ordered_json rule_json(const v1::RuleInfo& rule, const v1::ListRulesResponse& rules);

}  // namespace gsmq
