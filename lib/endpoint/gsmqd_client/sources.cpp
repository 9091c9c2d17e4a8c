#include "endpoint/gsmqd_client/sources.h"

namespace gsmq::endpoint::gsmqd_client {

std::unique_ptr<Source> open_source_of_kind(std::shared_ptr<Connection> connection) {
  const std::string kind = connection->options.kind;
  if (kind == "queue") return open_queue_source(std::move(connection));
  if (kind == "events" || kind == "store") return open_subscribe_source(std::move(connection));
  if (kind == "respond") return open_respond_source(std::move(connection));
  throw Error(ErrorKind::usage, "?kind=" + kind + " is a sink (gsmq-send --request)");
}

}  // namespace gsmq::endpoint::gsmqd_client
