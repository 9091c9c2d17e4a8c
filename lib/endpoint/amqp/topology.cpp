#include "endpoint/amqp/topology.h"


#include "endpoint/amqp/wire.h"

namespace gsmq::endpoint::amqp {

std::optional<std::string> ensure_exchange(Connection& conn, const Settings& s, ErrorKind& kind) {
  if (s.exchange.empty()) return std::nullopt;
  const bool passive = !s.declare;
  amqp_exchange_declare(conn.state(), Connection::kChannel, bytes_of(s.exchange), bytes_of(s.exchange_type), passive,
                        /*durable=*/1, /*auto_delete=*/0, /*internal=*/0, amqp_empty_table);
  if (auto f = conn.last_failure(&kind)) {
    if (passive) return "the exchange \"" + s.exchange + "\" cannot be used (" + *f + "; ?declare=1 declares it)";
    return "cannot declare the exchange \"" + s.exchange + "\" (" + *f + ")";
  }
  return std::nullopt;
}

std::optional<std::string> ensure_queue(Connection& conn, const Settings& s, std::string& name, ErrorKind& kind) {
  const bool own = name.empty();
  const bool passive = !s.declare && !own;
  amqp_table_entry_t type{};
  type.key = bytes_of("x-queue-type");
  type.value.kind = AMQP_FIELD_KIND_UTF8;
  type.value.value.bytes = bytes_of(s.queue_type);
  amqp_table_t args = amqp_empty_table;
  if (!own && !passive) args = amqp_table_t{1, &type};
  auto* ok = amqp_queue_declare(conn.state(), Connection::kChannel, bytes_of(name), passive, /*durable=*/own ? 0 : 1,
                                /*exclusive=*/own ? 1 : 0, /*auto_delete=*/own ? 1 : 0, args);
  if (auto f = conn.last_failure(&kind)) {
    if (passive) return "the queue \"" + name + "\" cannot be used (" + *f + "; ?declare=1 declares it)";
    return "cannot declare the queue \"" + name + "\" (" + *f + ")";
  }
  if (own && ok) name = text_of(ok->queue);
  return std::nullopt;
}

std::optional<std::string> bind_queue(Connection& conn, const Settings& s, const std::string& name, ErrorKind& kind) {
  amqp_queue_bind(conn.state(), Connection::kChannel, bytes_of(name), bytes_of(s.exchange), bytes_of(s.routing_key),
                  amqp_empty_table);
  if (auto f = conn.last_failure(&kind))
    return "cannot bind the queue \"" + name + "\" to \"" + s.exchange + "\" (" + *f + ")";
  return std::nullopt;
}

}  // namespace gsmq::endpoint::amqp
