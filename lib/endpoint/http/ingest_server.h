// The HTTP/1.1 (or HTTPS) server behind the ingest source: accepts at most ?max-connections
// connections (the rest wait in the kernel's backlog), reads one request at a time per
// connection within the body limit and time limit, hands it over, and writes the answer
// whenever it is given — from any thread. Boost.Beast stays in the .cpp.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "endpoint/endpoint.h"
#include "endpoint/http/ingest_settings.h"
#include "endpoint/http/request_response.h"

namespace gsmq::endpoint::http {

class IngestServer {
 public:
  // Answers the request; call exactly once, from any thread.
  using Respond = std::function<void(Response)>;
  // Runs on the server's thread for every complete request; must not block.
  using Handler = std::function<void(Request request, const std::string& peer, Respond respond)>;

  // Binds and listens; Error(unavailable) when the address cannot be used.
  IngestServer(const IngestSettings& config, Handler handler, Diagnostics& diagnostics);
  ~IngestServer();
  IngestServer(const IngestServer&) = delete;
  IngestServer& operator=(const IngestServer&) = delete;

  // Stops accepting and reading; waits until every handed-over request was answered and
  // written, or `deadline`; then closes every connection and the thread.
  void stop(Clock::time_point deadline);

  struct Impl;  // in the .cpp; public so that its connections can name it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace gsmq::endpoint::http
