// The plain properties of mapping.h to and from rabbitmq-c's amqp_basic_properties_t, and
// typed AMQP field values as text (header values, x-death tables as JSON).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <amqp.h>

#include "endpoint/amqp/mapping.h"

namespace gsmq::endpoint::amqp {

inline amqp_bytes_t bytes_of(std::string_view s) {
  return amqp_bytes_t{s.size(), const_cast<char*>(s.data())};
}
inline std::string text_of(amqp_bytes_t b) { return std::string(static_cast<const char*>(b.bytes), b.len); }

// A field value as text: numbers in decimal, booleans true/false, strings and bytes as
// they are, timestamps in seconds, tables and arrays as JSON.
std::string render_field(const amqp_field_value_t& value);

// The properties as rabbitmq-c reads them.
Properties properties_from_wire(const amqp_basic_properties_t& wire);

// The properties as rabbitmq-c publishes them; owns what they point into.
class WireProperties {
 public:
  explicit WireProperties(Properties properties);
  WireProperties(const WireProperties&) = delete;
  WireProperties& operator=(const WireProperties&) = delete;
  const amqp_basic_properties_t* get() const { return &wire_; }

 private:
  Properties p_;
  std::vector<amqp_table_entry_t> entries_;
  amqp_basic_properties_t wire_{};
};

}  // namespace gsmq::endpoint::amqp
