// The fields of a message the queue index is built from, read either from a Message or
// straight from its stored encoding: recovery reads every record of a channel at start,
// and parsing each into a Message (its meta map, its strings) cost half of it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "gsmq/v1/message.pb.h"

namespace gsmq::server {

struct IndexFields {
  uint64_t body_size = 0;
  uint32_t priority = 0;
  int64_t ts = 0;
  int64_t deadline_ms = 0;
  bool deliver_late = false;
  int64_t delay_ms = 0;
  int64_t ttl_ms = 0;
  uint32_t max_receives = 0;
  bool has_dead_letter = false;   // dead_letter or late_channel is not empty

  friend bool operator==(const IndexFields&, const IndexFields&) = default;
};

IndexFields index_fields(const v1::Message& m);

// The same from a stored gsmq.v1.Message encoding, read as a parser would (a later
// occurrence of a field replaces an earlier one; a field with another wire type than its
// declared one is not that field); nullopt when a parser would refuse the bytes
// (well_formed_message).
std::optional<IndexFields> scan_index_fields(std::string_view bytes);

}  // namespace gsmq::server
