// A connection to gsmqd for the gsmq:// adapters: the gRPC channel and stub, the URL's
// default channel, and the options after URL query parameters were applied.
#pragma once

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "endpoint/endpoint.h"
#include "gsmq/v1/broker.grpc.pb.h"

namespace gsmq::gsmqd {

constexpr uint16_t kDefaultPort = 7878;

struct Connection {
  std::string target;                      // host:port
  std::string channel;                     // the URL's path: default channel
  EndpointOptions options;                 // with ?kind=, ?group=, ?from=, ... applied
  std::shared_ptr<grpc::Channel> grpc_channel;
  std::unique_ptr<v1::Broker::Stub> stub;
};

// Connects (waiting up to options.connect_timeout); ToolError(kExitUnavailable) if gsmqd
// cannot be reached, ToolError(kExitUsage) for bad query parameters.
std::shared_ptr<Connection> connect(const EndpointUrl& url, const EndpointOptions& options);

// The error text for a failed call, naming the daemon.
std::string describe(const Connection& c, const grpc::Status& status);

// The exit status for a failed call: a request gsmqd refused as invalid (a bad channel
// name in the URL) is a usage error (2), a refused permission 6, anything else 4.
ExitStatus exit_status_for(const grpc::Status& status);

}  // namespace gsmq::gsmqd
