#include "rpc/message_convert.h"

#include "envelope/codec.h"
#include "envelope/json_depth.h"

namespace gsmq {

void to_proto(const Message& in, v1::Message* out) {
  out->set_channel(in.channel);
  out->set_body(in.body);
  out->set_body_is_json(in.body_is_json);
  out->set_id(in.id);
  out->set_ts(in.ts);
  out->set_priority(static_cast<uint32_t>(in.priority));
  for (const auto& [k, v] : in.meta) (*out->mutable_meta())[k] = v;
  if (in.seq) out->set_seq(*in.seq);
  if (in.ttl_ms) out->set_ttl_ms(*in.ttl_ms);
  if (in.delay_ms) out->set_delay_ms(*in.delay_ms);
  if (in.deadline_ms) out->set_deadline_ms(*in.deadline_ms);
  if (in.deliver_late) out->set_deliver_late(*in.deliver_late);
  if (in.late_channel) out->set_late_channel(*in.late_channel);
  if (in.max_receives) out->set_max_receives(*in.max_receives);
  if (in.dead_letter) out->set_dead_letter(*in.dead_letter);
  if (in.receive_count) out->set_receive_count(*in.receive_count);
  if (in.extra.is_object() && !in.extra.empty())
    out->set_extra_json(in.extra.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Message from_proto(const v1::Message& in) {
  Message m;
  m.channel = in.channel();
  m.body = in.body();
  m.body_is_json = in.body_is_json();
  m.id = in.id();
  m.ts = in.ts();
  m.priority = static_cast<int>(in.priority());
  for (const auto& [k, v] : in.meta()) m.meta[k] = v;
  if (in.seq() != 0) m.seq = in.seq();
  if (in.ttl_ms() != 0) m.ttl_ms = in.ttl_ms();
  if (in.delay_ms() != 0) m.delay_ms = in.delay_ms();
  if (in.deadline_ms() != 0) m.deadline_ms = in.deadline_ms();
  if (in.deliver_late()) m.deliver_late = true;
  if (!in.late_channel().empty()) m.late_channel = in.late_channel();
  if (in.max_receives() != 0) m.max_receives = in.max_receives();
  if (!in.dead_letter().empty()) m.dead_letter = in.dead_letter();
  if (in.receive_count() != 0) m.receive_count = in.receive_count();
  // Unknown envelope fields, nested no deeper than a line may be (the object is the
  // envelope's level); deeper ones are dropped, as unparsable ones are.
  if (!in.extra_json().empty() && json_depth_within(in.extra_json(), kMaxLineDepth)) {
    auto extra = nlohmann::json::parse(in.extra_json(), nullptr, false);
    if (extra.is_object()) m.extra = std::move(extra);
  }
  return m;
}

}  // namespace gsmq
