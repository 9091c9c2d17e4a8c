#include "endpoint/gsmq_endpoint.h"

#include "endpoint/gsmq/connection.h"
#include "endpoint/gsmq/sink.h"
#include "endpoint/gsmq/sources.h"

namespace gsmq {

std::unique_ptr<Source> open_gsmq_source(const EndpointUrl& url, const EndpointOptions& options) {
  // A source reads one channel: without one the URL is wrong, whether gsmqd is there or not.
  if (url.path.empty()) throw ToolError(kExitUsage, url.text + ": no channel (gsmq://HOST:PORT/CHANNEL)");
  auto c = gsmqd::connect(url, options);
  const std::string& kind = c->options.kind;
  if (kind == "queue") return gsmqd::open_queue_source(std::move(c));
  if (kind == "events" || kind == "store") return gsmqd::open_subscribe_source(std::move(c));
  if (kind == "respond") return gsmqd::open_respond_source(std::move(c));
  throw ToolError(kExitUsage, "?kind=" + kind + " is a sink (gsmq-send --request)");
}

std::unique_ptr<Sink> open_gsmq_sink(const EndpointUrl& url, const EndpointOptions& options) {
  return gsmqd::open_sink(gsmqd::connect(url, options));
}

}  // namespace gsmq
