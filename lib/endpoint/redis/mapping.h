// How a gsmq Message and a Redis stream entry map onto each other, without hiredis
// (docs/endpoints/redis.md): the entry's fields body, id, ts, priority, channel and
// meta.KEY; an entry written by someone else without a body field becomes a JSON
// object body of its fields. A received entry's id is meta redis.id.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "envelope/message.h"

namespace gsmq::endpoint::redis {

using Fields = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view kMetaEntryId = "redis.id";
inline constexpr std::string_view kMetaFieldPrefix = "redis.";  // fields gsmq does not model

// The stream key for a message sent to a URL whose key is `url_key` (sink_channel()).
// The fields: body, then id, ts, priority and channel when set, then meta.KEY for
// each meta entry (meta redis.* is not written).
Fields fields_for(const Message& message);

// The Message for entry `entry_id` of stream `key` (not stamped).
Message message_from(std::string_view key, std::string_view entry_id, const Fields& fields);

}  // namespace gsmq::endpoint::redis
