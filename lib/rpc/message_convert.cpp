#include "rpc/message_convert.h"

#include <type_traits>
#include <utility>

#include "envelope/codec.h"
#include "envelope/json_depth.h"

namespace gsmq {

namespace {

// One conversion for both a copy and a move: `In` is `const Message&` or `Message`; each
// field is taken with std::forward, so a moved envelope gives its strings away (the body
// is not copied) and a kept one is copied.
template <typename In>
void convert_to_proto(In&& in, v1::Message* out) {
  constexpr bool move = !std::is_lvalue_reference_v<In>;
  out->set_channel(std::forward<In>(in).channel);
  out->set_body(std::forward<In>(in).body);
  out->set_body_is_json(in.body_is_json);
  out->set_id(std::forward<In>(in).id);
  out->set_ts(in.ts);
  out->set_priority(static_cast<uint32_t>(in.priority));
  for (auto& [k, v] : in.meta) {
    if constexpr (move) (*out->mutable_meta())[k] = std::move(v);
    else (*out->mutable_meta())[k] = v;
  }
  if (in.seq) out->set_seq(*in.seq);
  if (in.ttl_ms) out->set_ttl_ms(*in.ttl_ms);
  if (in.delay_ms) out->set_delay_ms(*in.delay_ms);
  if (in.deadline_ms) out->set_deadline_ms(*in.deadline_ms);
  if (in.deliver_late) out->set_deliver_late(*in.deliver_late);
  if (in.late_channel) out->set_late_channel(*std::forward<In>(in).late_channel);
  if (in.max_receives) out->set_max_receives(*in.max_receives);
  if (in.dead_letter) out->set_dead_letter(*std::forward<In>(in).dead_letter);
  if (in.receive_count) out->set_receive_count(*in.receive_count);
  if (in.extra.is_object() && !in.extra.empty())
    out->set_extra_json(in.extra.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// The same the other way: `In` is `const v1::Message&` or `v1::Message`.
template <typename In>
Message convert_from_proto(In&& in) {
  constexpr bool move = !std::is_lvalue_reference_v<In>;
  // A moved message's strings are taken (mutable_x() of a moved-from message is its own).
  auto take = [&in](auto get, auto mut) -> std::string {
    if constexpr (move) return std::move(*(in.*mut)());
    else return (in.*get)();
  };
  Message m;
  m.channel = take(&v1::Message::channel, &v1::Message::mutable_channel);
  m.body = take(&v1::Message::body, &v1::Message::mutable_body);
  m.body_is_json = in.body_is_json();
  m.id = take(&v1::Message::id, &v1::Message::mutable_id);
  m.ts = in.ts();
  m.priority = static_cast<int>(in.priority());
  if constexpr (move)
    for (auto& [k, v] : *in.mutable_meta()) m.meta[k] = std::move(v);
  else
    for (const auto& [k, v] : in.meta()) m.meta[k] = v;
  if (in.seq() != 0) m.seq = in.seq();
  if (in.ttl_ms() != 0) m.ttl_ms = in.ttl_ms();
  if (in.delay_ms() != 0) m.delay_ms = in.delay_ms();
  if (in.deadline_ms() != 0) m.deadline_ms = in.deadline_ms();
  if (in.deliver_late()) m.deliver_late = true;
  if (!in.late_channel().empty()) m.late_channel = take(&v1::Message::late_channel, &v1::Message::mutable_late_channel);
  if (in.max_receives() != 0) m.max_receives = in.max_receives();
  if (!in.dead_letter().empty()) m.dead_letter = take(&v1::Message::dead_letter, &v1::Message::mutable_dead_letter);
  if (in.receive_count() != 0) m.receive_count = in.receive_count();
  // Unknown envelope fields, nested no deeper than a line may be (the object is the
  // envelope's level); deeper ones are dropped, as unparsable ones are.
  if (!in.extra_json().empty() && json_depth_within(in.extra_json(), kMaxLineDepth)) {
    auto extra = nlohmann::json::parse(in.extra_json(), nullptr, false);
    if (extra.is_object()) m.extra = std::move(extra);
  }
  return m;
}

}  // namespace

void to_proto(const Message& in, v1::Message* out) { convert_to_proto(in, out); }
void to_proto(Message&& in, v1::Message* out) { convert_to_proto(std::move(in), out); }
Message from_proto(const v1::Message& in) { return convert_from_proto(in); }
Message from_proto(v1::Message&& in) { return convert_from_proto(std::move(in)); }

}  // namespace gsmq
