#include "server/index_fields.h"

#include "server/hand_out_wire.h"

namespace gsmq::server {

IndexFields index_fields(const v1::Message& m) {
  IndexFields f;
  f.body_size = m.body().size();
  f.priority = m.priority();
  f.ts = m.ts();
  f.deadline_ms = m.deadline_ms();
  f.deliver_late = m.deliver_late();
  f.delay_ms = m.delay_ms();
  f.ttl_ms = m.ttl_ms();
  f.max_receives = m.max_receives();
  f.has_dead_letter = !m.dead_letter().empty() || !m.late_channel().empty();
  return f;
}

std::optional<IndexFields> scan_index_fields(std::string_view bytes) {
  IndexFields f;
  bool dead_letter = false, late_channel = false;
  const bool good = well_formed_message(bytes, [&](const StoredField& field) {
    const uint64_t v = field.value;
    if (field.varint) {
      switch (field.number) {
        case v1::Message::kPriorityFieldNumber: f.priority = static_cast<uint32_t>(v); break;
        case v1::Message::kTsFieldNumber: f.ts = static_cast<int64_t>(v); break;
        case v1::Message::kDeadlineMsFieldNumber: f.deadline_ms = static_cast<int64_t>(v); break;
        case v1::Message::kDeliverLateFieldNumber: f.deliver_late = v != 0; break;
        case v1::Message::kDelayMsFieldNumber: f.delay_ms = static_cast<int64_t>(v); break;
        case v1::Message::kTtlMsFieldNumber: f.ttl_ms = static_cast<int64_t>(v); break;
        case v1::Message::kMaxReceivesFieldNumber: f.max_receives = static_cast<uint32_t>(v); break;
        default: break;
      }
      return;
    }
    switch (field.number) {  // length-delimited: only the lengths matter here
      case v1::Message::kBodyFieldNumber: f.body_size = v; break;
      case v1::Message::kDeadLetterFieldNumber: dead_letter = v > 0; break;
      case v1::Message::kLateChannelFieldNumber: late_channel = v > 0; break;
      default: break;
    }
  });
  if (!good) return std::nullopt;
  f.has_dead_letter = dead_letter || late_channel;
  return f;
}

}  // namespace gsmq::server
