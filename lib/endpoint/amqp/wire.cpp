#include "endpoint/amqp/wire.h"

#include <cmath>

#include <nlohmann/json.hpp>

namespace gsmq::endpoint::amqp {
namespace {

nlohmann::json json_of(const amqp_field_value_t& v);

nlohmann::json json_of_table(const amqp_table_t& t) {
  nlohmann::json out = nlohmann::json::object();
  for (int n = 0; n < t.num_entries; ++n) out[text_of(t.entries[n].key)] = json_of(t.entries[n].value);
  return out;
}

nlohmann::json json_of(const amqp_field_value_t& v) {
  switch (v.kind) {
    case AMQP_FIELD_KIND_BOOLEAN: return v.value.boolean != 0;
    case AMQP_FIELD_KIND_I8: return v.value.i8;
    case AMQP_FIELD_KIND_U8: return v.value.u8;
    case AMQP_FIELD_KIND_I16: return v.value.i16;
    case AMQP_FIELD_KIND_U16: return v.value.u16;
    case AMQP_FIELD_KIND_I32: return v.value.i32;
    case AMQP_FIELD_KIND_U32: return v.value.u32;
    case AMQP_FIELD_KIND_I64: return v.value.i64;
    case AMQP_FIELD_KIND_U64: case AMQP_FIELD_KIND_TIMESTAMP: return v.value.u64;
    case AMQP_FIELD_KIND_F32: return v.value.f32;
    case AMQP_FIELD_KIND_F64: return v.value.f64;
    case AMQP_FIELD_KIND_DECIMAL:
      return static_cast<double>(v.value.decimal.value) / std::pow(10.0, v.value.decimal.decimals);
    case AMQP_FIELD_KIND_UTF8: case AMQP_FIELD_KIND_BYTES: return text_of(v.value.bytes);
    case AMQP_FIELD_KIND_ARRAY: {
      nlohmann::json out = nlohmann::json::array();
      for (int n = 0; n < v.value.array.num_entries; ++n) out.push_back(json_of(v.value.array.entries[n]));
      return out;
    }
    case AMQP_FIELD_KIND_TABLE: return json_of_table(v.value.table);
    default: return nullptr;  // void
  }
}

}  // namespace

std::string render_field(const amqp_field_value_t& v) {
  switch (v.kind) {
    case AMQP_FIELD_KIND_UTF8: case AMQP_FIELD_KIND_BYTES: return text_of(v.value.bytes);
    case AMQP_FIELD_KIND_BOOLEAN: return v.value.boolean ? "true" : "false";
    case AMQP_FIELD_KIND_VOID: return "";
    case AMQP_FIELD_KIND_ARRAY: case AMQP_FIELD_KIND_TABLE:
      return json_of(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    default: {
      const nlohmann::json j = json_of(v);
      return j.is_string() ? j.get<std::string>() : j.dump();
    }
  }
}

Properties properties_from_wire(const amqp_basic_properties_t& w) {
  Properties p;
  auto text = [&](amqp_flags_t flag, amqp_bytes_t bytes, std::optional<std::string>& out) {
    if (w._flags & flag) out = text_of(bytes);
  };
  text(AMQP_BASIC_CONTENT_TYPE_FLAG, w.content_type, p.content_type);
  text(AMQP_BASIC_CONTENT_ENCODING_FLAG, w.content_encoding, p.content_encoding);
  text(AMQP_BASIC_CORRELATION_ID_FLAG, w.correlation_id, p.correlation_id);
  text(AMQP_BASIC_REPLY_TO_FLAG, w.reply_to, p.reply_to);
  text(AMQP_BASIC_EXPIRATION_FLAG, w.expiration, p.expiration);
  text(AMQP_BASIC_MESSAGE_ID_FLAG, w.message_id, p.message_id);
  text(AMQP_BASIC_TYPE_FLAG, w.type, p.type);
  text(AMQP_BASIC_USER_ID_FLAG, w.user_id, p.user_id);
  text(AMQP_BASIC_APP_ID_FLAG, w.app_id, p.app_id);
  if (w._flags & AMQP_BASIC_DELIVERY_MODE_FLAG) p.delivery_mode = w.delivery_mode;
  if (w._flags & AMQP_BASIC_PRIORITY_FLAG) p.priority = w.priority;
  if (w._flags & AMQP_BASIC_TIMESTAMP_FLAG) p.timestamp = w.timestamp;
  if (w._flags & AMQP_BASIC_HEADERS_FLAG) {
    for (int n = 0; n < w.headers.num_entries; ++n) {
      const amqp_table_entry_t& e = w.headers.entries[n];
      std::string name = text_of(e.key);
      if (name == kTsHeader) {
        if (e.value.kind == AMQP_FIELD_KIND_I64) p.gsmq_ts = e.value.value.i64;
        continue;
      }
      p.headers.emplace_back(std::move(name), render_field(e.value));
    }
  }
  return p;
}

WireProperties::WireProperties(Properties properties) : p_(std::move(properties)) {
  auto text = [&](amqp_flags_t flag, const std::optional<std::string>& in, amqp_bytes_t& out) {
    if (!in) return;
    wire_._flags |= flag;
    out = bytes_of(*in);
  };
  text(AMQP_BASIC_CONTENT_TYPE_FLAG, p_.content_type, wire_.content_type);
  text(AMQP_BASIC_CONTENT_ENCODING_FLAG, p_.content_encoding, wire_.content_encoding);
  text(AMQP_BASIC_CORRELATION_ID_FLAG, p_.correlation_id, wire_.correlation_id);
  text(AMQP_BASIC_REPLY_TO_FLAG, p_.reply_to, wire_.reply_to);
  text(AMQP_BASIC_EXPIRATION_FLAG, p_.expiration, wire_.expiration);
  text(AMQP_BASIC_MESSAGE_ID_FLAG, p_.message_id, wire_.message_id);
  text(AMQP_BASIC_TYPE_FLAG, p_.type, wire_.type);
  text(AMQP_BASIC_USER_ID_FLAG, p_.user_id, wire_.user_id);
  text(AMQP_BASIC_APP_ID_FLAG, p_.app_id, wire_.app_id);
  if (p_.delivery_mode) {
    wire_._flags |= AMQP_BASIC_DELIVERY_MODE_FLAG;
    wire_.delivery_mode = *p_.delivery_mode;
  }
  if (p_.priority) {
    wire_._flags |= AMQP_BASIC_PRIORITY_FLAG;
    wire_.priority = *p_.priority;
  }
  if (p_.timestamp) {
    wire_._flags |= AMQP_BASIC_TIMESTAMP_FLAG;
    wire_.timestamp = *p_.timestamp;
  }
  entries_.reserve(p_.headers.size() + 1);
  for (const auto& [name, value] : p_.headers) {
    amqp_table_entry_t e{};
    e.key = bytes_of(name);
    e.value.kind = AMQP_FIELD_KIND_UTF8;
    e.value.value.bytes = bytes_of(value);
    entries_.push_back(e);
  }
  if (p_.gsmq_ts) {
    amqp_table_entry_t e{};
    e.key = bytes_of(kTsHeader);
    e.value.kind = AMQP_FIELD_KIND_I64;
    e.value.value.i64 = *p_.gsmq_ts;
    entries_.push_back(e);
  }
  if (!entries_.empty()) {
    wire_._flags |= AMQP_BASIC_HEADERS_FLAG;
    wire_.headers.num_entries = static_cast<int>(entries_.size());
    wire_.headers.entries = entries_.data();
  }
}

}  // namespace gsmq::endpoint::amqp
