#include "server/index_fields.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include "server/hand_out_wire.h"

namespace gsmq::server {

using google::protobuf::internal::WireFormatLite;

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
  if (!well_formed_message(bytes)) return std::nullopt;  // also bounds every length below
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  IndexFields f;
  bool dead_letter = false, late_channel = false;
  for (uint32_t tag; (tag = in.ReadTag()) != 0;) {
    const int number = WireFormatLite::GetTagFieldNumber(tag);
    if (WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_VARINT) {
      uint64_t v = 0;
      if (!in.ReadVarint64(&v)) return std::nullopt;
      switch (number) {
        case v1::Message::kPriorityFieldNumber: f.priority = static_cast<uint32_t>(v); break;
        case v1::Message::kTsFieldNumber: f.ts = static_cast<int64_t>(v); break;
        case v1::Message::kDeadlineMsFieldNumber: f.deadline_ms = static_cast<int64_t>(v); break;
        case v1::Message::kDeliverLateFieldNumber: f.deliver_late = v != 0; break;
        case v1::Message::kDelayMsFieldNumber: f.delay_ms = static_cast<int64_t>(v); break;
        case v1::Message::kTtlMsFieldNumber: f.ttl_ms = static_cast<int64_t>(v); break;
        case v1::Message::kMaxReceivesFieldNumber: f.max_receives = static_cast<uint32_t>(v); break;
        default: break;
      }
      continue;
    }
    if (WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      uint32_t length = 0;
      if (!in.ReadVarint32(&length)) return std::nullopt;
      if (number == v1::Message::kBodyFieldNumber) f.body_size = length;
      if (number == v1::Message::kDeadLetterFieldNumber) dead_letter = length > 0;
      if (number == v1::Message::kLateChannelFieldNumber) late_channel = length > 0;
      if (!in.Skip(static_cast<int>(length))) return std::nullopt;
      continue;
    }
    if (!WireFormatLite::SkipField(&in, tag)) return std::nullopt;
  }
  f.has_dead_letter = dead_letter || late_channel;
  return f;
}

}  // namespace gsmq::server
