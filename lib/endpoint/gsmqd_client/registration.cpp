#include "endpoint/gsmqd_client/registration.h"

#include "endpoint/gsmqd_client/connection.h"
#include "endpoint/gsmqd_client/sink.h"
#include "endpoint/gsmqd_client/sources.h"

namespace gsmq::endpoint::gsmqd_client {

std::unique_ptr<Source> open_source(const EndpointUrl& url, const EndpointOptions& options) {
  // A source reads one channel: without one the URL is wrong, whether gsmqd is there or not.
  if (url.path.empty()) throw ToolError(kExitUsage, url.text + ": no channel (gsmq://HOST:PORT/CHANNEL)");
  auto c = connect(url, options);
  const std::string& kind = c->options.kind;
  if (kind == "queue") return open_queue_source(std::move(c));
  if (kind == "events" || kind == "store") return open_subscribe_source(std::move(c));
  if (kind == "respond") return open_respond_source(std::move(c));
  throw ToolError(kExitUsage, "?kind=" + kind + " is a sink (gsmq-send --request)");
}

std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const EndpointOptions& options) {
  return open_sink(connect(url, options));
}

}  // namespace gsmq::endpoint::gsmqd_client
